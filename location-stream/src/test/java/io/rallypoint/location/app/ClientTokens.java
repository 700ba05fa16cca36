package io.rallypoint.location.app;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.rallypoint.testsupport.PostgresSchema;
import java.time.Duration;
import java.time.Instant;

/** Client tokens as the gateway's clients hold them, and the memberships they are checked against. */
final class ClientTokens {

  static final String SECRET = "location-stream-it-secret";

  private ClientTokens() {}

  /** A valid token for the user (HS256 with {@link #SECRET}, an hour to live). */
  static String of(String user) {
    return signed(user, Instant.now().plus(Duration.ofHours(1)), SECRET);
  }

  static String signed(String user, Instant expiresAt, String secret) {
    return JWT.create().withSubject(user).withIssuedAt(Instant.now().minusSeconds(60)).withExpiresAt(expiresAt)
        .sign(Algorithm.HMAC256(secret));
  }

  /** Makes the user a member of the conversation. */
  static void member(PostgresSchema db, String conversation, String user) {
    db.sql("INSERT INTO conversations (id) VALUES ('" + conversation + "') ON CONFLICT DO NOTHING");
    db.sql("INSERT INTO conversation_members (conversation_id, user_id) VALUES ('" + conversation + "', '" + user
        + "') ON CONFLICT DO NOTHING");
  }
}
