package io.rallypoint.persister.replay;

import io.rallypoint.schemas.topic.RetryHeaders;
import io.rallypoint.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves dead-letter records back to {@code chat.messages}, after a fix, for the persister to try
 * again from the start. It reads the dead-letter topic from the replay group's committed position
 * to the end as of the start of the run; matching records are produced back unchanged (value and
 * key), with a {@code rallypoint.replayed-from} header instead of the retry headers.
 *
 * <p>Without a filter the position is committed, so the next run starts after this one. With a
 * filter nothing is committed: the records left behind stay replayable by a later run.
 */
public final class DlqReplayer {

  /** The consumer group whose committed offsets mark what has been replayed. */
  public static final String GROUP = "rallypoint-dlq-replay";
  public static final String REPLAYED_FROM = "rallypoint.replayed-from";

  private static final Logger LOG = LoggerFactory.getLogger(DlqReplayer.class);

  private DlqReplayer() {}

  /** Which dead-letter records to replay. */
  public record Filter(String conversation, String errorContains) implements Predicate<ConsumerRecord<byte[], byte[]>> {

    public static final Filter ALL = new Filter(null, null);

    public boolean isAll() {
      return conversation == null && errorContains == null;
    }

    @Override
    public boolean test(ConsumerRecord<byte[], byte[]> record) {
      if (conversation != null
          && (record.key() == null || !conversation.equals(new String(record.key(), StandardCharsets.UTF_8)))) {
        return false;
      }
      if (errorContains != null) {
        Header error = record.headers().lastHeader(RetryHeaders.ERROR);
        return error != null && new String(error.value(), StandardCharsets.UTF_8).contains(errorContains);
      }
      return true;
    }
  }

  /** What a run did. */
  public record Result(int read, int replayed) {}

  /** Replays the matching dead-letter records; returns how many were read and replayed. */
  public static Result replay(String bootstrapServers, Filter filter) {
    Map<String, Object> consumerConfig = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, GROUP,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, Object> producerConfig = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    try (KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
      Set<TopicPartition> partitions = consumer.partitionsFor(Topics.CHAT_MESSAGES_DLQ.name()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition()))
          .collect(Collectors.toSet());
      consumer.assign(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions);
      for (TopicPartition tp : partitions) {
        OffsetAndMetadata position = committed.get(tp);
        if (position == null) {
          consumer.seekToBeginning(List.of(tp));
        } else {
          consumer.seek(tp, position.offset());
        }
      }
      int read = 0;
      int replayed = 0;
      Map<TopicPartition, OffsetAndMetadata> progress = new HashMap<>();
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          TopicPartition tp = new TopicPartition(record.topic(), record.partition());
          if (record.offset() >= end.get(tp)) {
            continue;
          }
          read++;
          if (filter.test(record)) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(REPLAYED_FROM, (record.topic() + "-" + record.partition() + "@" + record.offset())
                .getBytes(StandardCharsets.UTF_8));
            sent.add(producer.send(
                new ProducerRecord<>(Topics.CHAT_MESSAGES.name(), null, record.key(), record.value(), headers)));
            replayed++;
          }
          progress.put(tp, new OffsetAndMetadata(record.offset() + 1));
        }
      }
      producer.flush();
      for (Future<RecordMetadata> future : sent) {
        try {
          future.get(); // commit nothing unless every replayed record is on chat.messages
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while replaying", e);
        } catch (ExecutionException e) {
          throw new IllegalStateException("replaying to " + Topics.CHAT_MESSAGES.name() + " failed: "
              + e.getCause().getMessage(), e.getCause());
        }
      }
      if (filter.isAll() && !progress.isEmpty()) {
        consumer.commitSync(progress);
      }
      LOG.info("Replayed {} of {} dead-letter records to {}", replayed, read, Topics.CHAT_MESSAGES.name());
      return new Result(read, replayed);
    }
  }
}
