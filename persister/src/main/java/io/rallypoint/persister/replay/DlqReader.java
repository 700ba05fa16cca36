package io.rallypoint.persister.replay;

import io.rallypoint.schemas.topic.Topics;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads {@code chat.messages.dlq} up to its end offsets as they were when the reader opened, so a
 * run always ends (it never waits for new dead letters). Only committed records are read
 * ({@code read_committed}: the persister writes dead letters in transactions). Opened with
 * {@link #fromStart} it has no consumer group and commits nothing; opened with {@link #resuming}
 * it starts at the group's committed offsets and {@link #commit} moves them.
 */
public final class DlqReader implements AutoCloseable {

  private static final String TOPIC = Topics.CHAT_MESSAGES_DLQ.name();
  private static final Duration POLL = Duration.ofMillis(500);
  /** How long a metadata or offsets request may take before the broker counts as unreachable. */
  private static final Duration API_TIMEOUT = Duration.ofSeconds(15);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<TopicPartition> partitions;
  private final Map<TopicPartition, Long> start = new HashMap<>();
  private final Map<TopicPartition, Long> end;

  private DlqReader(String bootstrap, String group) {
    Map<String, Object> config = new HashMap<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) API_TIMEOUT.toMillis()));
    if (group != null) {
      config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    }
    this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    try {
      this.partitions = consumer.partitionsFor(TOPIC).stream()
          .map(p -> new TopicPartition(TOPIC, p.partition()))
          .sorted(Comparator.comparingInt(TopicPartition::partition))
          .toList();
      if (partitions.isEmpty()) {
        throw new IllegalStateException(TOPIC + " does not exist on " + bootstrap + " (./rallypoint topics creates it)");
      }
      consumer.assign(partitions);
      Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions);
      this.end = consumer.endOffsets(partitions);
      Map<TopicPartition, OffsetAndMetadata> committed = group == null ? Map.of() : consumer.committed(Set.copyOf(partitions));
      for (TopicPartition tp : partitions) {
        OffsetAndMetadata position = committed.get(tp);
        // a committed offset the retention has since passed starts at the oldest record kept
        long from = position == null ? beginning.get(tp) : Math.max(position.offset(), beginning.get(tp));
        start.put(tp, from);
        consumer.seek(tp, from);
      }
    } catch (TimeoutException e) {
      consumer.close();
      throw new IllegalStateException("Kafka at " + bootstrap + " did not answer within " + API_TIMEOUT.toSeconds()
          + " s (KAFKA_BOOTSTRAP_SERVERS)", e);
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
  }

  /** Every dead letter kept, with no consumer group: reads only, commits nothing. */
  public static DlqReader fromStart(String bootstrapServers) {
    return new DlqReader(bootstrapServers, null);
  }

  /** The dead letters after {@code group}'s committed offsets (from the oldest where it has none). */
  public static DlqReader resuming(String bootstrapServers, String group) {
    return new DlqReader(bootstrapServers, group);
  }

  /** How many offsets lie between the start and the end: the records to read, plus transaction markers. */
  public long size() {
    return partitions.stream().mapToLong(tp -> end.get(tp) - start.get(tp)).sum();
  }

  /**
   * Hands every record up to the end offsets to {@code each}, in partition order within a
   * partition; after every poll tells {@code progress} how many of {@link #size()} offsets are done.
   * Returns the next offset of every partition read, for {@link #commit}.
   */
  public Map<TopicPartition, OffsetAndMetadata> read(
      Consumer<ConsumerRecord<byte[], byte[]>> each, LongConsumer progress) {
    while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
        if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
          each.accept(record);
        }
      }
      progress.accept(done());
    }
    Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
    for (TopicPartition tp : partitions) {
      long upTo = Math.min(consumer.position(tp), end.get(tp));
      if (upTo > start.get(tp)) {
        next.put(tp, new OffsetAndMetadata(upTo));
      }
    }
    return next;
  }

  private long done() {
    return partitions.stream().mapToLong(tp -> Math.min(consumer.position(tp), end.get(tp)) - start.get(tp)).sum();
  }

  /**
   * The record at {@code partition}:{@code offset}; a clear {@link IllegalArgumentException} when
   * the partition does not exist, the offset is outside what the partition keeps, or no record is
   * there (the offset of a transaction marker, or of an aborted record).
   */
  public DeadLetter at(int partition, long offset) {
    TopicPartition tp = new TopicPartition(TOPIC, partition);
    if (!partitions.contains(tp)) {
      throw new IllegalArgumentException(TOPIC + " has no partition " + partition + " (it has 0.." + (partitions.size() - 1)
          + ")");
    }
    long first = start.get(tp);
    long last = end.get(tp) - 1;
    if (offset < first || offset > last) {
      throw new IllegalArgumentException("offset " + offset + " is out of range: " + TOPIC + " partition " + partition
          + (last < first ? " holds no records" : " holds offsets " + first + ".." + last));
    }
    consumer.assign(List.of(tp));
    consumer.seek(tp, offset);
    while (consumer.position(tp) <= offset) {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
        if (record.offset() == offset) {
          return new DeadLetter(record);
        }
        if (record.offset() > offset) {
          break;
        }
      }
    }
    throw new IllegalArgumentException("no record at " + partition + ":" + offset + " (the offset of a transaction"
        + " marker or an aborted write; `dlq list` shows the records' offsets)");
  }

  /** Moves the group's committed offsets (only for a reader opened with {@link #resuming}). */
  public void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (!offsets.isEmpty()) {
      consumer.commitSync(offsets);
    }
  }

  @Override
  public void close() {
    consumer.close();
  }
}
