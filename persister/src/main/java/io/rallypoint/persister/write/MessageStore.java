package io.rallypoint.persister.write;

import io.rallypoint.persister.ops.PersisterMetrics;
import io.rallypoint.schemas.event.ReceiptEvent;
import io.rallypoint.schemas.frame.ChatMessage;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a batch of chat messages and read receipts to PostgreSQL in one transaction, as fast as
 * one statement per table allows, and isolates the records PostgreSQL refuses for their content.
 *
 * <p>The fast path copies the whole batch straight into {@code messages}; a redelivered batch falls
 * back to a staging table and {@code INSERT ... ON CONFLICT DO NOTHING} (docs/benchmarks.md says
 * what each costs). Only when PostgreSQL rejects it for a
 * record's content (a poison record) does it replay the batch row by row, each behind a savepoint,
 * so the good rows are stored in the same transaction and only the poison ones are returned.
 */
public final class MessageStore implements BatchStore {

  private static final Logger LOG = LoggerFactory.getLogger(MessageStore.class);

  private static final String OPTIMISTIC_COPY = "optimistic_copy";
  private static final String UNIQUE_VIOLATION = "23505";

  private final Jdbi jdbi;
  private final PersisterMetrics metrics;

  public MessageStore(Jdbi jdbi, PersisterMetrics metrics) {
    this.jdbi = jdbi;
    this.metrics = metrics;
  }

  @Override
  public WriteResult write(List<ChatMessage> messages, List<ReceiptEvent> receipts, List<Gap> gaps)
      throws WriteFailure {
    try {
      return jdbi.inTransaction(h -> {
        int inserted = insertMessages(h, messages);
        int raised = receipts.isEmpty() ? 0 : h.attach(ReceiptDao.class).raise(ReceiptColumns.of(receipts));
        recordGaps(h, gaps);
        return new WriteResult(inserted, raised, List.of());
      });
    } catch (RuntimeException batchFailure) {
      FailureKind kind = FailureClassifier.classify(batchFailure);
      if (kind != FailureKind.POISON) {
        throw new WriteFailure(kind, batchFailure);
      }
      LOG.info("Batch of {} messages and {} receipts refused ({}); isolating the poison records",
          messages.size(), receipts.size(), FailureClassifier.describe(batchFailure));
      return writeOneByOne(messages, receipts, gaps);
    }
  }

  @Override
  public void recordGaps(List<Gap> gaps) throws WriteFailure {
    if (gaps.isEmpty()) {
      return;
    }
    try {
      jdbi.useTransaction(h -> recordGaps(h, gaps));
    } catch (RuntimeException e) {
      throw new WriteFailure(FailureClassifier.classify(e) == FailureKind.FATAL ? FailureKind.FATAL
          : FailureKind.TRANSIENT, e);
    }
  }

  private WriteResult writeOneByOne(List<ChatMessage> messages, List<ReceiptEvent> receipts, List<Gap> gaps)
      throws WriteFailure {
    Isolated isolated;
    try {
      isolated = jdbi.inTransaction(h -> {
        ReceiptDao receiptDao = h.attach(ReceiptDao.class);
        List<Rejected> rejected = new ArrayList<>();
        int inserted = 0;
        for (int i = 0; i < messages.size(); i++) {
          ChatMessage m = messages.get(i);
          Throwable failure = behindSavepoint(h, () -> insertMessages(h, List.of(m)));
          if (failure == null) {
            inserted++;
          } else {
            rejected.add(new Rejected(i, m, failure));
          }
        }
        int raised = 0;
        int receiptsRejected = 0;
        for (ReceiptEvent r : receipts) {
          Throwable failure = behindSavepoint(h, () -> receiptDao.raise(ReceiptColumns.of(List.of(r))));
          if (failure == null) {
            raised++;
          } else {
            // Read receipts are derived state (Redis holds the live copy); one PostgreSQL cannot hold
            // (e.g. its conversation was deleted) is counted (once the transaction holds) and logged, not retried.
            receiptsRejected++;
            LOG.warn("Read receipt {} refused by PostgreSQL: {}", r, FailureClassifier.describe(failure));
          }
        }
        recordGaps(h, gaps);
        return new Isolated(new WriteResult(inserted, raised, rejected), receiptsRejected);
      });
    } catch (PoisonIsolationAborted e) {
      throw new WriteFailure(e.kind, e.getCause());
    } catch (RuntimeException e) {
      throw new WriteFailure(FailureClassifier.classify(e) == FailureKind.FATAL ? FailureKind.FATAL
          : FailureKind.TRANSIENT, e);
    }
    metrics.receiptsRejected(isolated.receiptsRejected());
    return isolated.result();
  }

  /** What isolating the poison records stored, and how many read receipts PostgreSQL refused. */
  private record Isolated(WriteResult result, int receiptsRejected) {}

  /**
   * Stores the messages; returns rows inserted. The common case (no message of the batch is stored
   * yet) is one {@code COPY} straight into {@code messages}, as fast as PostgreSQL loads rows. A
   * redelivered batch makes that COPY fail on a unique key; it is then undone (savepoint) and the
   * batch goes through the staging table and {@code INSERT ... ON CONFLICT DO NOTHING}, which skips
   * the rows already there.
   */
  private static int insertMessages(Handle h, List<ChatMessage> messages) {
    if (messages.isEmpty()) {
      return 0;
    }
    String csv = MessageCsv.of(messages);
    h.savepoint(OPTIMISTIC_COPY);
    try {
      copy(h, MessageDao.COPY_INTO_MESSAGES, csv);
      h.release(OPTIMISTIC_COPY);
      return messages.size();
    } catch (UnableToExecuteStatementException e) {
      if (!UNIQUE_VIOLATION.equals(sqlState(e))) {
        throw e;
      }
      h.rollbackToSavepoint(OPTIMISTIC_COPY);
    }
    MessageDao dao = h.attach(MessageDao.class);
    dao.createStaging();
    copy(h, MessageDao.COPY_INTO_STAGING, csv);
    int inserted = dao.insertFromStaging();
    if (inserted < messages.size()) {
      int resends = h.attach(GapDao.class).recordSkippedResends();
      if (resends > 0) {
        // the gateway acked these under new seqs, which will stay empty: sync must skip them
        LOG.warn("{} resent message(s) skipped for a (sender, clientMsgId) stored under another message id;"
            + " their seqs recorded as gaps", resends);
      }
      List<String> collisions = dao.seqCollisions();
      if (!collisions.isEmpty()) {
        // Another message holds this seq: skipping it silently would lose an acked message.
        // Refuse it as poison instead, so it is isolated, retried and finally dead-lettered.
        throw new UnableToExecuteStatementException(new SQLException("message " + String.join(", ", collisions)
            + " has a seq that another message of its conversation already holds", UNIQUE_VIOLATION), null);
      }
    }
    return inserted;
  }

  /**
   * Records gaps behind a savepoint: PostgreSQL refusing one for its content (which {@link Gap}
   * already filters out) must not cost the batch, only that gap.
   */
  private static void recordGaps(Handle h, List<Gap> gaps) {
    if (gaps.isEmpty()) {
      return;
    }
    Throwable failure = behindSavepoint(h, () -> h.attach(GapDao.class).record(gaps));
    if (failure != null) {
      LOG.warn("Gaps {} refused by PostgreSQL: {}", gaps, FailureClassifier.describe(failure));
    }
  }

  private static void copy(Handle h, String copySql, String csv) {
    try {
      h.getConnection().unwrap(PGConnection.class).getCopyAPI().copyIn(copySql, new StringReader(csv));
    } catch (SQLException e) {
      throw new UnableToExecuteStatementException(e, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sqlState(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql.getSQLState();
      }
    }
    return null;
  }

  /** Runs one statement behind a savepoint; returns its poison failure, or null when it succeeded. */
  private static Throwable behindSavepoint(Handle h, Runnable statement) {
    h.savepoint("record");
    try {
      statement.run();
      h.release("record");
      return null;
    } catch (UncheckedIOException e) {
      throw new PoisonIsolationAborted(FailureKind.TRANSIENT, e);
    } catch (RuntimeException e) {
      FailureKind kind = FailureClassifier.classify(e);
      if (kind != FailureKind.POISON) {
        throw new PoisonIsolationAborted(kind, e);
      }
      h.rollbackToSavepoint("record");
      return e;
    }
  }

  /** A non-poison failure while isolating poison: the whole transaction is abandoned. */
  private static final class PoisonIsolationAborted extends RuntimeException {
    private final FailureKind kind;

    PoisonIsolationAborted(FailureKind kind, Throwable cause) {
      super(cause);
      this.kind = kind;
    }
  }
}
