package io.rallypoint.persister.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.rallypoint.schemas.ops.ServiceMetrics;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The persister's meters. Prometheus names: {@code persister_rows_written_total{table}},
 * {@code persister_rows_duplicate_total}, {@code persister_batch_size},
 * {@code persister_write_latency_seconds}, {@code persister_retries_total{tier,kind}},
 * {@code persister_dlq_total{kind}}, {@code persister_transient_failures_total},
 * {@code persister_receipts_rejected_total}, {@code persister_persist_latency_seconds} (histogram:
 * a message's gateway accept, its {@code sentAt}, to the commit of the batch that stored it); consumer lag per
 * partition comes from the Kafka client metrics ({@code kafka_consumer_fetch_manager_records_lag}).
 */
public final class PersisterMetrics {

  private final MeterRegistry registry;
  private final Counter messagesWritten;
  private final Counter receiptsWritten;
  private final Counter duplicates;
  private final Counter transientFailures;
  private final Counter receiptsRejected;
  private final DistributionSummary batchSize;
  private final Timer writeLatency;
  private final Timer persistLatency;

  public PersisterMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.messagesWritten = Counter.builder("persister.rows.written").tag("table", "messages")
        .description("rows inserted").register(registry);
    this.receiptsWritten = Counter.builder("persister.rows.written").tag("table", "read_receipts")
        .description("rows inserted or raised").register(registry);
    this.duplicates = Counter.builder("persister.rows.duplicate")
        .description("redelivered messages that were already stored").register(registry);
    this.transientFailures = Counter.builder("persister.transient.failures")
        .description("batches that found PostgreSQL unavailable").register(registry);
    this.receiptsRejected = Counter.builder("persister.receipts.rejected")
        .description("read receipts PostgreSQL refused for their content (logged, not retried)").register(registry);
    this.batchSize = DistributionSummary.builder("persister.batch.size").publishPercentileHistogram()
        .maximumExpectedValue(50_000.0).description("records per database write").register(registry);
    this.writeLatency = Timer.builder("persister.write.latency").serviceLevelObjectives(ServiceMetrics.LATENCY_BUCKETS)
        .description("time to write one batch").register(registry);
    this.persistLatency = Timer.builder("persister.persist.latency").serviceLevelObjectives(ServiceMetrics.LATENCY_BUCKETS)
        .description("from a message's accept on the gateway (its sentAt) to the commit of the batch that stored it")
        .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void batchWritten(int records, int inserted, int receipts, long nanos) {
    batchSize.record(records);
    writeLatency.record(Duration.ofNanos(nanos));
    messagesWritten.increment(inserted);
    receiptsWritten.increment(receipts);
  }

  /** A message accepted {@code sinceAcceptMillis} ago (wall clock) is stored and its offset committed. */
  public void persisted(long sinceAcceptMillis) {
    persistLatency.record(Math.max(0, sinceAcceptMillis), TimeUnit.MILLISECONDS);
  }

  public void duplicates(int count) {
    duplicates.increment(count);
  }

  public void transientFailure() {
    transientFailures.increment();
  }

  /** Read receipts PostgreSQL refused for their content; they are dropped (Redis holds the live copy). */
  public void receiptsRejected(int count) {
    receiptsRejected.increment(count);
  }

  public void retried(int tier, String kind) {
    registry.counter("persister.retries", "tier", String.valueOf(tier), "kind", kind).increment();
  }

  public void deadLettered(String kind) {
    registry.counter("persister.dlq", "kind", kind).increment();
  }
}
