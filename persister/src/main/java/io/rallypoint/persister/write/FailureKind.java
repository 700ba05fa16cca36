package io.rallypoint.persister.write;

/** How a failed database write is handled. */
public enum FailureKind {
  /** The database is unavailable, read-only, overloaded or timed out: keep the offsets, back off, try again. */
  TRANSIENT,
  /** The database rejects this record for its content: isolate it and send it through the retry topics. */
  POISON,
  /** Our own bug or a broken schema (e.g. a missing table): stop rather than misroute every record. */
  FATAL
}
