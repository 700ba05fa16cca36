package io.rallypoint.persister.write;

import java.util.List;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.locator.UseClasspathSqlLocator;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * The {@code message_gaps} table: acked seqs that will never reach {@code messages}, which sync
 * skips. A gap is only recorded where no message holds the seq, and recording it twice is a no-op.
 * SQL lives beside this class in {@code GapDao/*.sql}.
 */
@UseClasspathSqlLocator
public interface GapDao {

  /** Records the gaps of dead-lettered messages (of conversations that exist). */
  @SqlBatch
  void record(@BindMethods List<Gap> gaps);

  /**
   * Records the seqs of staged messages that were skipped because their (sender, clientMsgId) is
   * stored under another message id; returns how many were new.
   */
  @SqlUpdate
  int recordSkippedResends();
}
