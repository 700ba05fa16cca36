package io.rallypoint.gateway.membership;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/** Reads {@code conversation_members}. Blocking JDBC: call it off the event loops. */
public final class MemberRepository {

  private final DataSource dataSource;

  public MemberRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The user ids of a conversation's members (empty when it does not exist). */
  public Set<String> membersOf(String conversation) throws SQLException {
    Set<String> members = new HashSet<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT user_id FROM conversation_members WHERE conversation_id = ?")) {
      s.setString(1, conversation);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          members.add(rs.getString(1));
        }
      }
    }
    return Set.copyOf(members);
  }

  /** The conversations a user is a member of. */
  public List<String> conversationsOf(String user) throws SQLException {
    List<String> conversations = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT conversation_id FROM conversation_members WHERE user_id = ?")) {
      s.setString(1, user);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          conversations.add(rs.getString(1));
        }
      }
    }
    return conversations;
  }
}
