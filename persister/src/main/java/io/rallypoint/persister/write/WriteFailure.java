package io.rallypoint.persister.write;

/** A write that did not happen for a reason other than a record's content: nothing was stored. */
public final class WriteFailure extends Exception {

  private final FailureKind kind;

  public WriteFailure(FailureKind kind, Throwable cause) {
    super(kind + ": " + FailureClassifier.describe(cause), cause);
    this.kind = kind;
  }

  public FailureKind kind() {
    return kind;
  }
}
