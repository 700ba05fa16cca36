package io.rallypoint.persister.consume;

import io.rallypoint.persister.ops.PersisterMetrics;
import io.rallypoint.persister.retry.RetryRouter;
import io.rallypoint.persister.write.FailureClassifier;
import io.rallypoint.persister.write.FailureKind;
import io.rallypoint.persister.write.Gap;
import io.rallypoint.persister.write.BatchStore;
import io.rallypoint.persister.write.Rejected;
import io.rallypoint.persister.write.WriteFailure;
import io.rallypoint.persister.write.WriteResult;
import io.rallypoint.schemas.topic.Topic;
import io.rallypoint.schemas.topic.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retry tiers: re-attempts each record of {@code chat.messages.retry.N} when its due time
 * (a header) has come, one record at a time. A record refused again moves to tier N+1, and after
 * the last tier to the dead-letter topic.
 *
 * <p>A record not yet due pauses its partition until then (records behind it are not due either:
 * they were forwarded later with the same delay). The loop keeps polling meanwhile, so waiting
 * never exceeds {@code max.poll.interval.ms}.
 */
public final class RetryLoop extends ConsumerLoop {

  private static final Logger LOG = LoggerFactory.getLogger(RetryLoop.class);
  private static final Duration MAX_WAIT = Duration.ofMillis(500);

  private final BatchStore store;
  private final RetryRouter router;
  private final PersisterMetrics metrics;
  private final Map<TopicPartition, Instant> waitingUntil = new HashMap<>();

  public RetryLoop(Consumer<byte[], byte[]> consumer, TransactionalForwarder forwarder, Backoff backoff, Clock clock,
      BatchStore store, RetryRouter router, PersisterMetrics metrics) {
    super("retry", consumer, forwarder, backoff, clock);
    this.store = store;
    this.router = router;
    this.metrics = metrics;
  }

  @Override
  List<String> topics() {
    return Topics.CHAT_MESSAGES_RETRIES.stream().map(Topic::name).toList();
  }

  @Override
  void beforePoll() {
    Instant now = clock.instant();
    List<TopicPartition> due = waitingUntil.entrySet().stream()
        .filter(e -> !e.getValue().isAfter(now))
        .map(Map.Entry::getKey)
        .toList();
    if (!due.isEmpty() && !backingOff()) {
      due.forEach(waitingUntil::remove);
      consumer.resume(due.stream().filter(consumer.assignment()::contains).toList());
    }
  }

  @Override
  Duration pollWait() {
    Instant now = clock.instant();
    return waitingUntil.values().stream()
        .map(until -> Duration.between(now, until))
        .map(d -> d.isNegative() ? Duration.ZERO : d)
        .filter(d -> d.compareTo(MAX_WAIT) < 0)
        .min(Duration::compareTo)
        .orElse(MAX_WAIT);
  }

  @Override
  void revoked(Collection<TopicPartition> partitions) {
    partitions.forEach(waitingUntil::remove);
  }

  @Override
  void resumedAfterBackoff() {
    // keep partitions that are still waiting for a due time paused
    consumer.pause(waitingUntil.keySet().stream().filter(consumer.assignment()::contains).toList());
  }

  @Override
  void process(ConsumerRecords<byte[], byte[]> records) {
    Instant now = clock.instant();
    List<ProducerRecord<byte[], byte[]>> forwards = new ArrayList<>();
    Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
    List<TopicPartition> partitions = new ArrayList<>(records.partitions());
    for (int p = 0; p < partitions.size(); p++) {
      TopicPartition tp = partitions.get(p);
      for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
        Instant due = RetryRouter.dueAt(record);
        if (due.isAfter(now)) {
          consumer.seek(tp, record.offset());
          consumer.pause(List.of(tp));
          waitingUntil.put(tp, due);
          break;
        }
        try {
          retry(record, forwards);
        } catch (WriteFailure failure) {
          if (failure.kind() == FailureKind.FATAL) {
            throw new IllegalStateException("PostgreSQL refuses every write: " + failure.getMessage(), failure);
          }
          // Give back this record and everything after it, then back off; commit what is done.
          consumer.seek(tp, record.offset());
          for (TopicPartition later : partitions.subList(p + 1, partitions.size())) {
            consumer.seek(later, records.records(later).get(0).offset());
          }
          commit(records, forwards, done);
          metrics.transientFailure();
          backOff(ConsumerRecords.empty(), "PostgreSQL unavailable (" + failure.getMessage() + ")");
          return;
        }
        done.put(tp, new OffsetAndMetadata(record.offset() + 1));
      }
    }
    commit(records, forwards, done);
  }

  private void retry(ConsumerRecord<byte[], byte[]> record, List<ProducerRecord<byte[], byte[]>> forwards)
      throws WriteFailure {
    Decoded decoded = Decoded.of(List.of(record));
    if (!decoded.unreadable().isEmpty()) {
      store.recordGaps(decoded.unreadableGaps()); // before the forward that drops it commits
      forwards.add(router.deadLetter(record, decoded.unreadable().get(0).reason()));
      metrics.deadLettered("unreadable");
      return;
    }
    WriteResult result = store.write(decoded.chatMessages(), List.of(), List.of());
    if (result.rejected().isEmpty()) {
      LOG.info("Retry attempt {} stored message {}", RetryRouter.attemptOf(record),
          decoded.messages().get(0).message().messageId());
      return;
    }
    Rejected rejected = result.rejected().get(0);
    String kind = FailureClassifier.errorKind(rejected.error());
    ProducerRecord<byte[], byte[]> next = router.next(record, FailureClassifier.describe(rejected.error()), kind);
    boolean deadLetter = next.topic().equals(Topics.CHAT_MESSAGES_DLQ.name());
    if (deadLetter) {
      // Its acked seq will never be filled: record the gap before the forward that drops the message
      // commits (a crash in between retries the record again; the gap is then recorded twice, a no-op).
      store.recordGaps(Gap.deadLettered(rejected.message()).stream().toList());
    }
    forwards.add(next);
    int attempt = RetryRouter.attemptOf(record);
    if (deadLetter) {
      metrics.deadLettered(kind);
      LOG.warn("Message {} refused after {} retries ({}); sent to the dead-letter topic",
          rejected.message().messageId(), attempt, FailureClassifier.describe(rejected.error()));
    } else {
      metrics.retried(attempt + 1, kind);
      LOG.info("Message {} refused on attempt {}; sent to {}", rejected.message().messageId(), attempt,
          next.topic());
    }
  }

  private void commit(ConsumerRecords<byte[], byte[]> records, List<ProducerRecord<byte[], byte[]>> forwards,
      Map<TopicPartition, OffsetAndMetadata> done) {
    try {
      forwarder.commit(consumer, forwards, done);
      succeeded();
    } catch (KafkaException e) {
      for (TopicPartition tp : records.partitions()) {
        OffsetAndMetadata committed = done.get(tp);
        long from = records.records(tp).get(0).offset();
        if (consumer.assignment().contains(tp) && committed != null) {
          consumer.seek(tp, from);
        }
      }
      backOff(ConsumerRecords.empty(), "cannot commit to Kafka (" + e.getMessage() + ")");
    }
  }
}
