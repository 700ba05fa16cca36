package io.rallypoint.location.topology;

/** Told, for every meeting point a position update changed, how long after that update's ingest it was emitted. */
@FunctionalInterface
public interface EmitLatency {

  /** Records nothing: for callers that do not measure. */
  EmitLatency NONE = sinceIngestMillis -> {};

  /** {@code sinceIngestMillis}: stream time of the emission minus the update record's timestamp (its produce time on the gateway). */
  void emitted(long sinceIngestMillis);
}
