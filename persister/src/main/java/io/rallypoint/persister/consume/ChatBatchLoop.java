package io.rallypoint.persister.consume;

import io.rallypoint.persister.ops.PersisterMetrics;
import io.rallypoint.persister.retry.RetryRouter;
import io.rallypoint.persister.write.FailureClassifier;
import io.rallypoint.persister.write.FailureKind;
import io.rallypoint.persister.write.BatchStore;
import io.rallypoint.persister.write.Rejected;
import io.rallypoint.persister.write.WriteFailure;
import io.rallypoint.persister.write.WriteResult;
import io.rallypoint.schemas.topic.Topics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main path: each poll of {@code chat.messages} and {@code chat.receipts} becomes one
 * PostgreSQL transaction; then the offsets are committed, together with the records PostgreSQL
 * refused (to {@code retry.1}) and the unreadable ones (to the dead-letter topic).
 *
 * <p>Pipelined by one batch: while PostgreSQL writes batch N (on this loop's writer thread), the
 * consumer polls and decodes batch N+1. Batch N is committed before N+1 is written, before its
 * partitions are revoked and before the loop stops; if it fails, both are rewound.
 */
public final class ChatBatchLoop extends ConsumerLoop {

  private static final Logger LOG = LoggerFactory.getLogger(ChatBatchLoop.class);

  private final BatchStore store;
  private final RetryRouter router;
  private final PersisterMetrics metrics;
  private final ExecutorService writer;
  private InFlight inFlight;

  /** A batch whose write is under way. */
  private record InFlight(ConsumerRecords<byte[], byte[]> records, Decoded batch, Future<Timed> write) {}

  private record Timed(WriteResult result, long nanos) {}

  public ChatBatchLoop(Consumer<byte[], byte[]> consumer, TransactionalForwarder forwarder, Backoff backoff,
      Clock clock, BatchStore store, RetryRouter router, PersisterMetrics metrics, String name) {
    super(name, consumer, forwarder, backoff, clock);
    this.store = store;
    this.router = router;
    this.metrics = metrics;
    this.writer = Executors.newSingleThreadExecutor(r -> new Thread(r, name + "-write"));
  }

  @Override
  List<String> topics() {
    return List.of(Topics.CHAT_MESSAGES.name(), Topics.CHAT_RECEIPTS.name());
  }

  @Override
  void process(ConsumerRecords<byte[], byte[]> records) {
    Decoded batch = Decoded.of(records); // while the previous batch is being written
    if (!finishInFlight(records)) {
      return; // both batches were given back; the loop backs off
    }
    inFlight = new InFlight(records, batch, writer.submit(() -> {
      long started = System.nanoTime();
      // the unreadable records go to the dead-letter topic when this batch commits: their gaps go in its transaction
      WriteResult result = store.write(batch.chatMessages(), batch.receipts(), batch.unreadableGaps());
      return new Timed(result, System.nanoTime() - started);
    }));
  }

  @Override
  void idle() {
    if (inFlight != null && inFlight.write().isDone()) {
      finishInFlight(ConsumerRecords.empty());
    }
  }

  @Override
  void revoked(Collection<TopicPartition> partitions) {
    finishInFlight(ConsumerRecords.empty()); // a batch is never left half-committed across a rebalance
  }

  @Override
  void stopping() {
    try {
      finishInFlight(ConsumerRecords.empty());
    } finally {
      writer.shutdown();
    }
  }

  /**
   * Waits for the batch under way and commits it with its forwards; returns false when it could
   * not be stored or committed: then it and the {@code following} records polled after it are
   * rewound, and the loop backs off.
   */
  private boolean finishInFlight(ConsumerRecords<byte[], byte[]> following) {
    if (inFlight == null) {
      return true;
    }
    InFlight done = inFlight;
    inFlight = null;
    ConsumerRecords<byte[], byte[]> records = done.records();
    Timed timed;
    try {
      timed = done.write().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      giveBack(following, records, "interrupted while writing");
      return false;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WriteFailure failure) {
        if (failure.kind() == FailureKind.FATAL) {
          throw new IllegalStateException("PostgreSQL refuses every write; fix the deployment: " + failure.getMessage(),
              failure);
        }
        metrics.transientFailure();
        giveBack(following, records, "PostgreSQL unavailable (" + failure.getMessage() + ")");
        return false;
      }
      throw new IllegalStateException("writing a batch failed unexpectedly", e.getCause());
    }
    WriteResult result = timed.result();
    Decoded batch = done.batch();
    metrics.batchWritten(records.count(), result.inserted(), result.receiptsRaised(), timed.nanos());
    int stored = batch.messages().size() - result.rejected().size();
    metrics.duplicates(stored - result.inserted());

    List<ProducerRecord<byte[], byte[]>> forwards = new ArrayList<>();
    for (Rejected rejected : result.rejected()) {
      String kind = FailureClassifier.errorKind(rejected.error());
      forwards.add(router.next(batch.recordOf(rejected), FailureClassifier.describe(rejected.error()), kind));
      metrics.retried(1, kind);
      LOG.warn("Message {} of conversation {} refused by PostgreSQL ({}); sent to retry.1",
          rejected.message().messageId(), rejected.message().conversation(),
          FailureClassifier.describe(rejected.error()));
    }
    for (Decoded.Unreadable unreadable : batch.unreadable()) {
      forwards.add(router.deadLetter(unreadable.record(), unreadable.reason()));
      metrics.deadLettered("unreadable");
      LOG.warn("Unreadable record at {}-{}@{} sent to the dead-letter topic: {}", unreadable.record().topic(),
          unreadable.record().partition(), unreadable.record().offset(), unreadable.reason());
    }
    try {
      forwarder.commit(consumer, forwards, Offsets.after(records));
      recordPersisted(batch, result);
      succeeded();
      return true;
    } catch (KafkaException e) {
      // Stored rows stay stored (the writes are idempotent); the records come again.
      giveBack(following, records, "cannot commit to Kafka (" + e.getMessage() + ")");
      return false;
    }
  }

  /** Each message the batch stored (or found stored): how long since the gateway accepted it. */
  private void recordPersisted(Decoded batch, WriteResult result) {
    long now = clock.millis();
    List<SourcedMessage> messages = batch.messages();
    int next = 0; // the rejected ones, in index order, are skipped
    List<Rejected> rejected = result.rejected();
    for (int i = 0; i < messages.size(); i++) {
      if (next < rejected.size() && rejected.get(next).index() == i) {
        next++;
        continue;
      }
      metrics.persisted(now - messages.get(i).message().sentAt().toEpochMilli());
    }
  }

  /** Rewinds the later batch first, then the earlier one (which starts first on shared partitions), and backs off. */
  private void giveBack(ConsumerRecords<byte[], byte[]> later, ConsumerRecords<byte[], byte[]> earlier, String why) {
    Offsets.rewind(consumer, later);
    backOff(earlier, why);
  }
}
