package io.rallypoint.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.rallypoint.schemas.frame.ErrorCode;
import io.rallypoint.schemas.ops.ServiceMetrics;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The gateway's meters, named {@code rallypoint.gateway.*} (Prometheus: {@code rallypoint_gateway_*}).
 * The three latencies are histograms over {@link ServiceMetrics#LATENCY_BUCKETS}.
 */
public final class GatewayMetrics {

  private final Counter accepted;
  private final Counter resends;
  private final Counter deliveries;
  private final Counter slowReadersCut;
  private final Counter locationsAccepted;
  private final Counter meetingPointsPushed;
  private final Counter seqCountersRestored;
  private final Timer ackLatency;
  private final Timer deliveryLatency;
  private final Timer syncLatency;
  private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);

  public GatewayMetrics(MeterRegistry registry, Supplier<Number> connections, Supplier<Number> subscriptions) {
    this.accepted = registry.counter("rallypoint.gateway.messages.accepted");
    this.resends = registry.counter("rallypoint.gateway.messages.resent");
    this.deliveries = registry.counter("rallypoint.gateway.deliveries");
    this.slowReadersCut = registry.counter("rallypoint.gateway.slow.readers.cut");
    this.locationsAccepted = registry.counter("rallypoint.gateway.locations.accepted");
    this.meetingPointsPushed = registry.counter("rallypoint.gateway.meeting.points.pushed");
    this.seqCountersRestored = Counter.builder("rallypoint.gateway.seq.counters.restored")
        .description("conversations whose seq counter Redis had lost, restarted after PostgreSQL's highest seq")
        .register(registry);
    this.ackLatency = Timer.builder("rallypoint.gateway.ack.latency")
        .description("from a send frame's arrival to its ack")
        .serviceLevelObjectives(ServiceMetrics.LATENCY_BUCKETS)
        .register(registry);
    this.deliveryLatency = Timer.builder("rallypoint.gateway.delivery.latency")
        .description("from a message's accept (its sentAt, on whichever gateway took it) to its write on a"
            + " recipient's connection, one per recipient")
        .serviceLevelObjectives(ServiceMetrics.LATENCY_BUCKETS)
        .register(registry);
    this.syncLatency = Timer.builder("rallypoint.gateway.sync.latency")
        .description("from a sync frame's dispatch to its page being written")
        .serviceLevelObjectives(ServiceMetrics.LATENCY_BUCKETS)
        .register(registry);
    for (ErrorCode code : ErrorCode.values()) {
      errors.put(code, registry.counter("rallypoint.gateway.errors", "code", code.wire()));
    }
    // strong references: a registry holds gauge targets weakly, and these suppliers are lambdas
    Gauge.builder("rallypoint.gateway.connections", connections).strongReference(true)
        .description("open WebSocket connections on this node").register(registry);
    Gauge.builder("rallypoint.gateway.subscriptions", subscriptions).strongReference(true)
        .description("conversations this node is subscribed to (has a local member for)").register(registry);
  }

  public void accepted() {
    accepted.increment();
  }

  public void resent() {
    resends.increment();
  }

  public void delivered(int count) {
    deliveries.increment(count);
  }

  public void slowReaderCut() {
    slowReadersCut.increment();
  }

  public void locationAccepted() {
    locationsAccepted.increment();
  }

  /** A meeting point from Kafka was written to {@code connections} local members. */
  public void meetingPointPushed(int connections) {
    meetingPointsPushed.increment(connections);
  }

  /** A conversation with persisted messages had no seq counter in Redis: Redis lost data. */
  public void seqCounterRestored() {
    seqCountersRestored.increment();
  }

  public void acked(Duration sinceArrival) {
    ackLatency.record(sinceArrival);
  }

  /** A message frame accepted {@code sinceAcceptMillis} ago (wall clock) was written to a recipient's channel. */
  public void messageWritten(long sinceAcceptMillis) {
    deliveryLatency.record(Math.max(0, sinceAcceptMillis), TimeUnit.MILLISECONDS);
  }

  /** A sync page was written {@code nanos} after its frame was dispatched. */
  public void synced(long nanos) {
    syncLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void error(ErrorCode code) {
    errors.get(code).increment();
  }
}
