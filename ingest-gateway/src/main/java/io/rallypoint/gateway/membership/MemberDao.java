package io.rallypoint.gateway.membership;

import java.util.List;
import java.util.Set;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** The {@code conversation_members} table. Blocking JDBC: call it off the event loops. */
public interface MemberDao {

  /** The user ids of a conversation's members (empty when it does not exist). */
  @SqlQuery("SELECT user_id FROM conversation_members WHERE conversation_id = :conversation")
  Set<String> membersOf(@Bind("conversation") String conversation);

  /** The conversations a user is a member of. */
  @SqlQuery("SELECT conversation_id FROM conversation_members WHERE user_id = :user")
  List<String> conversationsOf(@Bind("user") String user);
}
