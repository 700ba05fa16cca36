package io.rallypoint.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic from the beginning, as an analytics consumer would (committed records only, no
 * consumer group), so tests assert what actually is on the topic.
 */
public final class TopicReader {

  private static final Duration POLL = Duration.ofMillis(200);

  private TopicReader() {}

  /** Every committed record on the topic right now (up to the end offsets at the call), in partition order. */
  public static List<ConsumerRecord<byte[], byte[]>> snapshot(String bootstrap, String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = open(bootstrap)) {
      List<TopicPartition> partitions = assignFromStart(consumer, topic);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topic + " to its end within 20 s");
        }
        consumer.poll(POLL).forEach(records::add);
      }
      return records;
    }
  }

  /**
   * The records read from the beginning up to and including the first that matches {@code last},
   * waiting up to {@code wait} for it to be written; fails the test when it does not come.
   */
  public static List<ConsumerRecord<byte[], byte[]>> until(
      String bootstrap, String topic, Predicate<ConsumerRecord<byte[], byte[]>> last, Duration wait) {
    try (KafkaConsumer<byte[], byte[]> consumer = open(bootstrap)) {
      assignFromStart(consumer, topic);
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + wait.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          records.add(record);
          if (last.test(record)) {
            return records;
          }
        }
      }
      throw new AssertionError("no matching record on " + topic + " within " + wait + " (" + records.size()
          + " records read)");
    }
  }

  private static KafkaConsumer<byte[], byte[]> open(String bootstrap) {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static List<TopicPartition> assignFromStart(KafkaConsumer<byte[], byte[]> consumer, String topic) {
    List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(topic, p.partition()))
        .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return partitions;
  }
}
