package io.rallypoint.persister.replay;

import io.rallypoint.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves dead-letter records back to {@code chat.messages}, after a fix, for the persister to try
 * again from the start. It reads the dead-letter topic from the replay group's committed position
 * to the end as of the start of the run ({@link DlqReader}); matching records are produced back
 * unchanged (value and key), with a {@code rallypoint.replayed-from} header instead of the retry
 * headers. The persister stores a message once however often it arrives (an insert that conflicts
 * on the message id, the (conversation, seq) or the (sender, clientMsgId) does nothing), so
 * replaying a record twice stores no second row.
 *
 * <p>Without a filter the position is committed, so the next run starts after this one. With a
 * filter, or in a dry run, nothing is committed: the records left behind stay replayable.
 */
public final class DlqReplayer {

  /** The consumer group whose committed offsets mark what has been replayed. */
  public static final String GROUP = "rallypoint-dlq-replay";
  public static final String REPLAYED_FROM = "rallypoint.replayed-from";

  private static final Logger LOG = LoggerFactory.getLogger(DlqReplayer.class);

  private DlqReplayer() {}

  /** What a run did (or, in a dry run, would do). */
  public record Result(int read, int replayed) {}

  /** What a run tells its caller as it goes. */
  public interface Listener {
    Listener NONE = new Listener() {};

    /** Before reading: how many offsets the run will read (records plus transaction markers). */
    default void started(long offsets) {}

    /** After each poll: how many of those offsets are read. */
    default void progressed(long offsets) {}

    /** A matching record, replayed (or, in a dry run, that would be). */
    default void matched(DeadLetter letter) {}
  }

  /** Replays the matching dead-letter records; returns how many were read and replayed. */
  public static Result replay(String bootstrapServers, DlqFilter filter) {
    return replay(bootstrapServers, filter, false, Listener.NONE);
  }

  /** Replays the matching records, or with {@code dryRun} only reports them: nothing produced, nothing committed. */
  public static Result replay(String bootstrapServers, DlqFilter filter, boolean dryRun, Listener listener) {
    Map<String, Object> producerConfig = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    try (DlqReader reader = DlqReader.resuming(bootstrapServers, GROUP);
        KafkaProducer<byte[], byte[]> producer = dryRun
            ? null : new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
      listener.started(reader.size());
      int[] read = {0};
      int[] matched = {0};
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      Consumer<ConsumerRecord<byte[], byte[]>> each = record -> {
        read[0]++;
        DeadLetter letter = new DeadLetter(record);
        if (!filter.test(letter)) {
          return;
        }
        matched[0]++;
        listener.matched(letter);
        if (producer != null) {
          RecordHeaders headers = new RecordHeaders();
          headers.add(REPLAYED_FROM, letter.where().getBytes(StandardCharsets.UTF_8));
          sent.add(producer.send(
              new ProducerRecord<>(Topics.CHAT_MESSAGES.name(), null, record.key(), record.value(), headers)));
        }
      };
      Map<TopicPartition, OffsetAndMetadata> next = reader.read(each, listener::progressed);
      if (producer != null) {
        producer.flush();
        awaitAll(sent); // commit nothing unless every replayed record is on chat.messages
      }
      if (!dryRun && filter.isAll()) {
        reader.commit(next);
      }
      LOG.info("{} {} of {} dead-letter records to {}", dryRun ? "Would replay" : "Replayed", matched[0], read[0],
          Topics.CHAT_MESSAGES.name());
      return new Result(read[0], matched[0]);
    }
  }

  private static void awaitAll(List<Future<RecordMetadata>> sent) {
    for (Future<RecordMetadata> future : sent) {
      try {
        future.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while replaying", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("replaying to " + Topics.CHAT_MESSAGES.name() + " failed: "
            + e.getCause().getMessage(), e.getCause());
      }
    }
  }
}
