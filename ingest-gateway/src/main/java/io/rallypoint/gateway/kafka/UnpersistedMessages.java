package io.rallypoint.gateway.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.gateway.deps.DependencyDown;
import io.rallypoint.schemas.json.Json;
import io.rallypoint.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code chat.messages} holds of a conversation that the persister has not written yet: the
 * records of the conversation's partition from the persister group's committed offset to the end.
 * A restarted seq counter must start above them (they were acked, and PostgreSQL does not know
 * them yet), and sync must wait for them again. Read only when a counter restarts, so rarely:
 * one scan of a partition serves every conversation in it for {@link #REUSE_FOR} (it is extended
 * from where it ended, never read twice). Blocking: call it off the event loops.
 */
public final class UnpersistedMessages implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(UnpersistedMessages.class);
  /** How long a partition's scan is extended rather than read anew from the committed offset. */
  static final Duration REUSE_FOR = Duration.ofSeconds(60);

  /**
   * A conversation's unpersisted messages: the highest seq and latest sentAt among them (0 when
   * none), and their seqs.
   */
  public record Tail(long maxSeq, long lastSentAtMillis, List<Long> seqs) {
    public Tail {
      seqs = List.copyOf(seqs);
    }
  }

  private final Consumer<String, byte[]> consumer;
  private final Admin admin;
  private final String persisterGroup;
  private final Duration timeout;
  private final LongSupplier nanoClock;
  private final String topic = Topics.CHAT_MESSAGES.name();
  private final Map<Integer, Scan> scans = new HashMap<>();

  /**
   * @param consumer       a consumer with no group (it is assigned partitions and seeks)
   * @param persisterGroup the persister's consumer group, whose committed offsets mark what is stored
   */
  public UnpersistedMessages(Consumer<String, byte[]> consumer, Admin admin, String persisterGroup, Duration timeout,
      LongSupplier nanoClock) {
    this.consumer = consumer;
    this.admin = admin;
    this.persisterGroup = persisterGroup;
    this.timeout = timeout;
    this.nanoClock = nanoClock;
  }

  /** A consumer for {@link #UnpersistedMessages}: no group, nothing committed, bytes as they are. */
  public static Consumer<String, byte[]> consumer(String bootstrapServers) {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.CLIENT_ID_CONFIG, "rallypoint-gateway-unpersisted",
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000), new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** The conversation's unpersisted messages; fails with {@link DependencyDown} when Kafka does not answer. */
  public Tail of(String conversation) {
    long asked = nanoClock.getAsLong();
    synchronized (this) {
      return of(conversation, asked);
    }
  }

  /**
   * One caller at a time. A scan whose end offset was asked for after this caller asked already
   * holds everything the caller needs (every record acked before it asked lies below that end), so
   * callers that waited while another read the partition are answered without reading again.
   */
  private Tail of(String conversation, long asked) {
    try {
      int partitions = consumer.partitionsFor(topic, timeout).size();
      TopicPartition partition = new TopicPartition(topic,
          BuiltInPartitioner.partitionForKey(conversation.getBytes(StandardCharsets.UTF_8), partitions));
      long now = nanoClock.getAsLong();
      Scan scan = scans.get(partition.partition());
      if (scan == null || now - scan.startedAt > REUSE_FOR.toNanos()) {
        scan = new Scan(now, committed(partition));
        scans.put(partition.partition(), scan);
      }
      if (!(scan.endAskedAt != null && scan.endAskedAt - asked >= 0)) {
        read(partition, scan);
      }
      Builder found = scan.byConversation.get(conversation);
      return found == null ? new Tail(0, 0, List.of()) : found.tail();
    } catch (RuntimeException e) {
      scans.clear(); // a half-read scan is not reused
      throw e instanceof DependencyDown ? e : new DependencyDown("Kafka", e);
    }
  }

  private long committed(TopicPartition partition) {
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(persisterGroup)
          .partitionsToOffsetAndMetadata().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      OffsetAndMetadata committed = offsets.get(partition);
      if (committed != null) {
        return committed.offset();
      }
      return consumer.beginningOffsets(Set.of(partition), timeout).get(partition);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DependencyDown("Kafka", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new DependencyDown("Kafka", e);
    }
  }

  /** Reads the partition from where the scan ended to its end now. */
  private void read(TopicPartition partition, Scan scan) {
    long endAskedAt = nanoClock.getAsLong();
    long end = consumer.endOffsets(Set.of(partition), timeout).get(partition);
    if (scan.position >= end) {
      scan.endAskedAt = endAskedAt;
      return;
    }
    consumer.assign(List.of(partition));
    consumer.seek(partition, scan.position);
    long deadline = nanoClock.getAsLong() + timeout.toNanos();
    long records = 0;
    while (consumer.position(partition, timeout) < end) {
      if (nanoClock.getAsLong() - deadline > 0) {
        throw new DependencyDown("Kafka", new IllegalStateException("reading " + partition + " from offset "
            + scan.position + " to " + end + " took longer than " + timeout));
      }
      for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        if (record.offset() < end && record.key() != null) {
          scan.add(record.key(), record.value());
          records++;
        }
      }
    }
    scan.position = end;
    scan.endAskedAt = endAskedAt;
    consumer.unsubscribe();
    LOG.info("read {} unpersisted chat.messages records of {} up to offset {}", records, partition, end);
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(2));
  }

  /** A partition's records read so far, by conversation. */
  private static final class Scan {
    final long startedAt;
    long position;
    /** When the end offset the scan has read up to was asked for; null before the first read. */
    Long endAskedAt;
    final Map<String, Builder> byConversation = new HashMap<>();

    Scan(long startedAt, long position) {
      this.startedAt = startedAt;
      this.position = position;
    }

    void add(String conversation, byte[] value) {
      JsonNode message;
      try {
        message = Json.parse(value);
      } catch (RuntimeException unreadable) {
        return; // the persister dead-letters it: nothing to count
      }
      long seq = message.path("seq").asLong(0);
      if (seq <= 0) {
        return;
      }
      long sentAt;
      try {
        sentAt = Instant.parse(message.path("sentAt").asText()).toEpochMilli();
      } catch (RuntimeException e) {
        sentAt = 0;
      }
      byConversation.computeIfAbsent(conversation, c -> new Builder()).add(seq, sentAt);
    }
  }

  private static final class Builder {
    long maxSeq;
    long lastSentAt;
    final List<Long> seqs = new ArrayList<>();

    void add(long seq, long sentAt) {
      maxSeq = Math.max(maxSeq, seq);
      lastSentAt = Math.max(lastSentAt, sentAt);
      seqs.add(seq);
    }

    Tail tail() {
      return new Tail(maxSeq, lastSentAt, seqs);
    }
  }
}
