package io.rallypoint.gateway.admin;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * The admin API's writes to {@code conversations} and {@code conversation_members}: each one
 * statement, idempotent, telling an unknown conversation apart. Blocking JDBC: call it off the
 * event loops.
 */
public interface AdminDao {

  /** Creates the conversation; nothing changes when it exists. */
  @SqlUpdate("INSERT INTO conversations (id) VALUES (:conversation) ON CONFLICT (id) DO NOTHING")
  void createConversation(@Bind("conversation") String conversation);

  /** Adds the member (nothing changes when they are one); false when the conversation does not exist. */
  @SqlQuery("""
      WITH conversation AS (SELECT id FROM conversations WHERE id = :conversation),
           added AS (INSERT INTO conversation_members (conversation_id, user_id) SELECT id, :user FROM conversation
                     ON CONFLICT (conversation_id, user_id) DO NOTHING)
      SELECT EXISTS (SELECT 1 FROM conversation)
      """)
  boolean addMember(@Bind("conversation") String conversation, @Bind("user") String user);

  /** Removes the member (nothing changes when they are none); false when the conversation does not exist. */
  @SqlQuery("""
      WITH conversation AS (SELECT id FROM conversations WHERE id = :conversation),
           removed AS (DELETE FROM conversation_members m USING conversation c
                       WHERE m.conversation_id = c.id AND m.user_id = :user)
      SELECT EXISTS (SELECT 1 FROM conversation)
      """)
  boolean removeMember(@Bind("conversation") String conversation, @Bind("user") String user);

  /** The members in user id order (by code point), or empty when the conversation does not exist. */
  default Optional<List<String>> members(String conversation) {
    List<String> rows = memberRows(conversation);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.stream().filter(Objects::nonNull).toList());
  }

  /** One row per member, or one null row for a conversation without members, or none for an unknown one. */
  @SqlQuery("""
      SELECT m.user_id FROM conversations c LEFT JOIN conversation_members m ON m.conversation_id = c.id
      WHERE c.id = :conversation ORDER BY m.user_id COLLATE "C"
      """)
  List<String> memberRows(@Bind("conversation") String conversation);
}
