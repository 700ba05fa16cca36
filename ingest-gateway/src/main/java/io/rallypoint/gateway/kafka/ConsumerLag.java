package io.rallypoint.gateway.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer lag of the persister's and the location-stream's groups, read from the broker (the
 * groups' committed offsets against the partitions' ends) every few seconds on a thread of its own,
 * and exported as {@code rallypoint_consumer_lag{group,topic,partition}}, with the records the
 * dead-letter topic holds, {@code rallypoint_dlq_records} (its ends minus its starts: it grows with
 * every dead letter, whichever persister wrote it, and drops only by retention). It runs in the gateway
 * because the gateway is up when those consumers are not: a stopped persister exports nothing, and
 * its own client metrics stop with it, exactly when its lag matters. A partition the group has not
 * committed for yet counts from its earliest offset; the last good reading stays exported while the
 * broker cannot be reached, and {@code rallypoint_consumer_lag_read_timestamp_seconds} says when it
 * was taken.
 */
public final class ConsumerLag implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLag.class);

  private final Admin admin;
  private final Map<String, List<String>> topicsByGroup;
  private final String deadLetterTopic;
  private final AtomicLong deadLetters = new AtomicLong();
  private final Duration timeout;
  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<Key, AtomicLong> lags = new ConcurrentHashMap<>();
  private final AtomicLong readAtMillis = new AtomicLong();
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("gateway-consumer-lag").factory());
  private boolean failing; // only touched on the thread

  /**
   * @param topicsByGroup each group and the topics it consumes (other topics it committed for, such
   *                      as a Streams application's repartition topics, are counted too)
   */
  public ConsumerLag(Admin admin, Map<String, List<String>> topicsByGroup, String deadLetterTopic, Duration timeout,
      MeterRegistry registry, Clock clock) {
    this.admin = admin;
    this.topicsByGroup = Map.copyOf(topicsByGroup);
    this.deadLetterTopic = deadLetterTopic;
    this.timeout = timeout;
    this.registry = registry;
    this.clock = clock;
    TimeGauge.builder("rallypoint.consumer.lag.read.timestamp", readAtMillis, TimeUnit.MILLISECONDS, AtomicLong::get)
        .description("when the consumer lag was last read from the broker (epoch; 0: not yet)")
        .register(registry);
    Gauge.builder("rallypoint.dlq.records", deadLetters, AtomicLong::get)
        .description("records on the dead-letter topic, read from the broker")
        .register(registry);
  }

  /** Reads the lag now and then every {@code interval}, off the caller's thread. */
  public void start(Duration interval) {
    thread.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void refresh() {
    try {
      read();
      if (failing) {
        LOG.info("consumer lag is read from Kafka again");
      }
      failing = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      if (!failing) { // once per outage: the gateway's readiness already names Kafka
        LOG.warn("cannot read the consumer lag from Kafka (the last reading stays exported): {}", e.toString());
      }
      failing = true;
    }
  }

  /** One reading of every group's lag. */
  void read() throws InterruptedException, ExecutionException, TimeoutException {
    Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
    topicsByGroup.keySet().forEach(group -> specs.put(group, new ListConsumerGroupOffsetsSpec()));
    var committedResult = admin.listConsumerGroupOffsets(specs);
    Set<String> topics = new HashSet<>();
    topicsByGroup.values().forEach(topics::addAll);
    topics.add(deadLetterTopic);
    Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);

    Map<String, Map<TopicPartition, Long>> committedByGroup = new HashMap<>();
    Set<TopicPartition> partitions = new HashSet<>();
    for (var entry : topicsByGroup.entrySet()) {
      Map<TopicPartition, Long> committed = new HashMap<>();
      committedResult.partitionsToOffsetAndMetadata(entry.getKey()).get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .forEach((partition, offset) -> {
            if (offset != null) {
              committed.put(partition, offset.offset());
            }
          });
      committedByGroup.put(entry.getKey(), committed);
      partitions.addAll(committed.keySet());
      for (String topic : entry.getValue()) {
        TopicDescription description = described.get(topic);
        description.partitions().forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      }
    }
    described.get(deadLetterTopic).partitions().forEach(p -> partitions.add(new TopicPartition(deadLetterTopic, p.partition())));
    Map<TopicPartition, Long> earliest = offsets(partitions, OffsetSpec.earliest());
    Map<TopicPartition, Long> end = offsets(partitions, OffsetSpec.latest());

    for (var entry : topicsByGroup.entrySet()) {
      String group = entry.getKey();
      Set<TopicPartition> ofGroup = new HashSet<>(committedByGroup.get(group).keySet());
      for (String topic : entry.getValue()) {
        described.get(topic).partitions().forEach(p -> ofGroup.add(new TopicPartition(topic, p.partition())));
      }
      lag(committedByGroup.get(group), earliest, end, ofGroup)
          .forEach((partition, lag) -> gauge(new Key(group, partition)).set(lag));
    }
    long dead = 0;
    for (var offset : end.entrySet()) {
      if (offset.getKey().topic().equals(deadLetterTopic)) {
        dead += offset.getValue() - earliest.getOrDefault(offset.getKey(), 0L);
      }
    }
    deadLetters.set(dead);
    readAtMillis.set(clock.millis());
  }

  /**
   * Records between where the group resumes and each partition's end: from its committed offset, or
   * the earliest one when it has none or retention deleted past it.
   */
  static Map<TopicPartition, Long> lag(Map<TopicPartition, Long> committed, Map<TopicPartition, Long> earliest,
      Map<TopicPartition, Long> end, Collection<TopicPartition> partitions) {
    Map<TopicPartition, Long> lags = new HashMap<>();
    for (TopicPartition partition : partitions) {
      Long last = end.get(partition);
      if (last == null) {
        continue;
      }
      long start = earliest.getOrDefault(partition, 0L);
      long resumeAt = Math.max(committed.getOrDefault(partition, start), start);
      lags.put(partition, Math.max(0, last - resumeAt));
    }
    return lags;
  }

  /** The partitions' offsets as a read_committed consumer sees them (transaction markers are not lag). */
  private Map<TopicPartition, Long> offsets(Set<TopicPartition> partitions, OffsetSpec spec)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(p -> request.put(p, spec));
    Map<TopicPartition, ListOffsetsResultInfo> result = admin
        .listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    Map<TopicPartition, Long> offsets = new HashMap<>();
    result.forEach((partition, info) -> offsets.put(partition, info.offset()));
    return offsets;
  }

  private AtomicLong gauge(Key key) {
    return lags.computeIfAbsent(key, k -> {
      AtomicLong value = new AtomicLong();
      Gauge.builder("rallypoint.consumer.lag", value, AtomicLong::get)
          .tag("group", k.group()).tag("topic", k.partition().topic())
          .tag("partition", String.valueOf(k.partition().partition()))
          .description("records of the partition the group has not committed yet, read from the broker")
          .register(registry);
      return value;
    });
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }

  private record Key(String group, TopicPartition partition) {}
}
