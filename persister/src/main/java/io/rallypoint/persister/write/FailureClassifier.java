package io.rallypoint.persister.write;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * Sorts database failures by SQLSTATE (PostgreSQL appendix A) into transient, poison and fatal.
 *
 * <p>Poison is what the data itself causes and a retry will not fix without a change: data
 * exceptions (class 22: bad encoding, NUL bytes, out-of-range values) and integrity violations
 * (class 23: unknown conversation, NOT NULL, CHECK). Fatal is a broken deployment (class 42:
 * missing table or column; class 28: authentication), which would otherwise route every record to
 * the dead-letter topic. Everything else, including a lost connection without a state, is
 * transient: better to wait than to lose a good record to the DLQ.
 */
public final class FailureClassifier {

  private FailureClassifier() {}

  /** The kind of the first {@link SQLException} in the cause chain; transient when there is none. */
  public static FailureKind classify(Throwable failure) {
    SQLException sql = sqlCause(failure);
    if (sql == null) {
      return FailureKind.TRANSIENT;
    }
    if (sql instanceof SQLTransientException || sql instanceof SQLRecoverableException) {
      return FailureKind.TRANSIENT;
    }
    String state = sql.getSQLState();
    if (state == null || state.length() < 2) {
      return FailureKind.TRANSIENT;
    }
    return switch (state.substring(0, 2)) {
      case "22", "23" -> FailureKind.POISON;
      case "42", "28", "3D", "3F" -> FailureKind.FATAL;
      default -> FailureKind.TRANSIENT;
    };
  }

  /** A short tag for metrics and headers: the SQLSTATE, or the exception's class when it has none. */
  public static String errorKind(Throwable failure) {
    SQLException sql = sqlCause(failure);
    if (sql != null && sql.getSQLState() != null) {
      return "sqlstate-" + sql.getSQLState();
    }
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName();
  }

  /** A one-line description for a person. */
  public static String describe(Throwable failure) {
    SQLException sql = sqlCause(failure);
    String message = sql != null ? sql.getMessage() : failure.getMessage();
    return message == null ? failure.getClass().getSimpleName() : message.replace('\n', ' ');
  }

  private static SQLException sqlCause(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }
}
