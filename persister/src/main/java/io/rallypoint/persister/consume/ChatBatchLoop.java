package io.rallypoint.persister.consume;

import io.rallypoint.persister.ops.PersisterMetrics;
import io.rallypoint.persister.retry.RetryRouter;
import io.rallypoint.persister.write.FailureClassifier;
import io.rallypoint.persister.write.FailureKind;
import io.rallypoint.persister.write.MessageStore;
import io.rallypoint.persister.write.Rejected;
import io.rallypoint.persister.write.WriteFailure;
import io.rallypoint.persister.write.WriteResult;
import io.rallypoint.schemas.topic.Topics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main path: each poll of {@code chat.messages} and {@code chat.receipts} becomes one
 * PostgreSQL transaction; then the offsets are committed, together with the records PostgreSQL
 * refused (to {@code retry.1}) and the unreadable ones (to the dead-letter topic).
 */
public final class ChatBatchLoop extends ConsumerLoop {

  private static final Logger log = LoggerFactory.getLogger(ChatBatchLoop.class);

  private final MessageStore store;
  private final RetryRouter router;
  private final PersisterMetrics metrics;

  public ChatBatchLoop(Consumer<byte[], byte[]> consumer, TransactionalForwarder forwarder, Backoff backoff,
      Clock clock, MessageStore store, RetryRouter router, PersisterMetrics metrics) {
    super("chat", consumer, forwarder, backoff, clock);
    this.store = store;
    this.router = router;
    this.metrics = metrics;
  }

  @Override
  List<String> topics() {
    return List.of(Topics.CHAT_MESSAGES.name(), Topics.CHAT_RECEIPTS.name());
  }

  @Override
  void process(ConsumerRecords<byte[], byte[]> records) {
    Decoded batch = Decoded.of(records);
    long started = System.nanoTime();
    WriteResult result;
    try {
      result = store.write(batch.messages(), batch.receipts());
    } catch (WriteFailure failure) {
      if (failure.kind() == FailureKind.FATAL) {
        throw new IllegalStateException("PostgreSQL refuses every write; fix the deployment: " + failure.getMessage(),
            failure);
      }
      metrics.transientFailure();
      backOff(records, "PostgreSQL unavailable (" + failure.getMessage() + ")");
      return;
    }
    metrics.batchWritten(records.count(), result.inserted(), result.receiptsRaised(), System.nanoTime() - started);
    int stored = batch.messages().size() - result.rejected().size();
    metrics.duplicates(stored - result.inserted());

    List<ProducerRecord<byte[], byte[]>> forwards = new ArrayList<>();
    for (Rejected rejected : result.rejected()) {
      String kind = FailureClassifier.errorKind(rejected.error());
      forwards.add(router.next(rejected.message().record(), FailureClassifier.describe(rejected.error()), kind));
      metrics.retried(1, kind);
      log.warn("Message {} of conversation {} refused by PostgreSQL ({}); sent to retry.1",
          rejected.message().message().messageId(), rejected.message().message().conversation(),
          FailureClassifier.describe(rejected.error()));
    }
    for (Decoded.Unreadable unreadable : batch.unreadable()) {
      forwards.add(router.deadLetter(unreadable.record(), unreadable.reason()));
      metrics.deadLettered("unreadable");
      log.warn("Unreadable record at {}-{}@{} sent to the dead-letter topic: {}", unreadable.record().topic(),
          unreadable.record().partition(), unreadable.record().offset(), unreadable.reason());
    }
    try {
      forwarder.commit(consumer, forwards, Offsets.after(records));
      succeeded();
    } catch (KafkaException e) {
      // Stored rows stay stored (the writes are idempotent); the records come again.
      backOff(records, "cannot commit to Kafka (" + e.getMessage() + ")");
    }
  }
}
