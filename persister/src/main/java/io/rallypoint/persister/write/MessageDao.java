package io.rallypoint.persister.write;

import org.jdbi.v3.sqlobject.locator.UseClasspathSqlLocator;
import java.util.List;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * The {@code messages} table. A batch is {@code COPY}ed straight in; a redelivered batch (some rows
 * already stored) is {@code COPY}ed into the per-connection {@code messages_staging} and moved with
 * one {@code INSERT ... SELECT ... ON CONFLICT DO NOTHING}. SQL lives beside this class in
 * {@code MessageDao/*.sql}.
 */
@UseClasspathSqlLocator
public interface MessageDao {

  /** The columns, in order, of the CSV that {@code COPY} loads into the staging table. */
  String COPY_COLUMNS = "message_id, conversation_id, seq, sender_id, client_msg_id, body, metadata, sent_at";

  /** The {@code COPY} statement that loads {@link MessageCsv} straight into {@code messages}. */
  String COPY_INTO_MESSAGES = "COPY messages (" + COPY_COLUMNS + ") FROM STDIN (FORMAT csv)";

  /** The {@code COPY} statement that loads {@link MessageCsv} into the staging table. */
  String COPY_INTO_STAGING = "COPY messages_staging (" + COPY_COLUMNS + ") FROM STDIN (FORMAT csv)";

  /** Creates this connection's staging table if it has none (temporary; emptied at each commit). */
  @SqlUpdate
  void createStaging();

  /** Moves the staged rows that are new into {@code messages}; a redelivered message is skipped. Returns rows inserted. */
  @SqlUpdate
  int insertFromStaging();

  /** Message ids of staged rows left out because a different message holds their (conversation, seq). */
  @SqlQuery
  List<String> seqCollisions();
}
