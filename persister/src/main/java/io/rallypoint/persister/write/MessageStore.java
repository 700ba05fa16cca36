package io.rallypoint.persister.write;

import io.rallypoint.schemas.event.ReceiptEvent;
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
 * <p>The fast path copies the whole batch into a staging table and moves it with one statement
 * (measured fastest, see the README's benchmark table). Only when PostgreSQL rejects it for a
 * record's content (a poison record) does it replay the batch row by row, each behind a savepoint,
 * so the good rows are stored in the same transaction and only the poison ones are returned.
 */
public final class MessageStore {

  private static final Logger log = LoggerFactory.getLogger(MessageStore.class);

  private final Jdbi jdbi;

  public MessageStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * Stores the batch. Returns what was inserted and what was rejected for its content; throws
   * {@link WriteFailure} (transient or fatal) when nothing was stored.
   */
  public WriteResult write(List<SourcedMessage> messages, List<ReceiptEvent> receipts) throws WriteFailure {
    try {
      return jdbi.inTransaction(h -> {
        int inserted = insertMessages(h, messages);
        int raised = receipts.isEmpty() ? 0 : h.attach(ReceiptDao.class).raise(ReceiptColumns.of(receipts));
        return new WriteResult(inserted, raised, List.of(), 0);
      });
    } catch (RuntimeException batchFailure) {
      FailureKind kind = FailureClassifier.classify(batchFailure);
      if (kind != FailureKind.POISON) {
        throw new WriteFailure(kind, batchFailure);
      }
      log.info("Batch of {} messages and {} receipts refused ({}); isolating the poison records",
          messages.size(), receipts.size(), FailureClassifier.describe(batchFailure));
      return writeOneByOne(messages, receipts);
    }
  }

  private WriteResult writeOneByOne(List<SourcedMessage> messages, List<ReceiptEvent> receipts) throws WriteFailure {
    try {
      return jdbi.inTransaction(h -> {
        ReceiptDao receiptDao = h.attach(ReceiptDao.class);
        List<Rejected> rejected = new ArrayList<>();
        int inserted = 0;
        for (SourcedMessage m : messages) {
          Throwable failure = behindSavepoint(h, () -> insertMessages(h, List.of(m)));
          if (failure == null) {
            inserted++;
          } else {
            rejected.add(new Rejected(m, failure));
          }
        }
        int receiptsRejected = 0;
        int raised = 0;
        for (ReceiptEvent r : receipts) {
          Throwable failure = behindSavepoint(h, () -> receiptDao.raise(ReceiptColumns.of(List.of(r))));
          if (failure == null) {
            raised++;
          } else {
            // Read receipts are derived state (Redis holds the live copy); one PostgreSQL cannot hold
            // (e.g. its conversation was deleted) is counted and logged, not retried.
            receiptsRejected++;
            log.warn("Read receipt {} refused by PostgreSQL: {}", r, FailureClassifier.describe(failure));
          }
        }
        return new WriteResult(inserted, raised, rejected, receiptsRejected);
      });
    } catch (PoisonIsolationAborted e) {
      throw new WriteFailure(e.kind, e.getCause());
    } catch (RuntimeException e) {
      throw new WriteFailure(FailureClassifier.classify(e) == FailureKind.FATAL ? FailureKind.FATAL
          : FailureKind.TRANSIENT, e);
    }
  }

  /** COPY into the staging table, then one INSERT ... SELECT ... ON CONFLICT DO NOTHING; returns rows inserted. */
  private static int insertMessages(Handle h, List<SourcedMessage> messages) {
    if (messages.isEmpty()) {
      return 0;
    }
    MessageDao dao = h.attach(MessageDao.class);
    dao.createStaging();
    String csv = MessageCsv.of(messages.stream().map(SourcedMessage::message).toList());
    try {
      h.getConnection().unwrap(PGConnection.class).getCopyAPI()
          .copyIn(MessageDao.COPY_INTO_STAGING, new StringReader(csv));
    } catch (SQLException e) {
      throw new UnableToExecuteStatementException(e, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dao.insertFromStaging();
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
