package io.rallypoint.launcher;

import io.rallypoint.launcher.tokens.Tokens;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The demo group {@code up} prepares so a newcomer can chat at once: conversation {@code demo}
 * with users alice, bob and carol, and a token for each signed with the gateway's secret.
 */
final class DemoGroup {

  static final String CONVERSATION = "demo";
  static final List<String> USERS = List.of("alice", "bob", "carol");
  private static final Duration TOKEN_LIFETIME = Duration.ofDays(30);

  private DemoGroup() {}

  /** Creates the conversation and its members if they are missing; leaves everything else alone. */
  static void ensure(DataSource dataSource) {
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO conversations (id, title) VALUES (?, 'Demo group') ON CONFLICT DO NOTHING")) {
        ps.setString(1, CONVERSATION);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO conversation_members (conversation_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
        for (String user : USERS) {
          ps.setString(1, CONVERSATION);
          ps.setString(2, user);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the demo group: " + e.getMessage(), e);
    }
  }

  /** A token per demo user, in order. */
  static Map<String, String> tokens(String secret, Instant now) {
    Tokens signer = Tokens.withSecret(secret);
    Map<String, String> tokens = new LinkedHashMap<>();
    for (String user : USERS) {
      tokens.put(user, signer.user(user, TOKEN_LIFETIME, now));
    }
    return tokens;
  }
}
