package io.rallypoint.gateway.kafka;

import io.rallypoint.schemas.event.ReceiptEvent;
import io.rallypoint.schemas.topic.Topic;
import java.util.concurrent.CompletableFuture;

/**
 * Where the gateway's events go: {@code chat.messages}, {@code chat.receipts},
 * {@code location.updates} and {@code recording.sessions}. Each future completes when the topic
 * holds the record (for Kafka, {@code acks=all}), or fails with
 * {@link io.rallypoint.gateway.deps.DependencyDown}. {@link KafkaTopicWriter} is the real one.
 */
public interface TopicWriter {

  /**
   * Completes when {@code chat.messages} holds the message, given as the JSON the accept script
   * stored in Redis: that is the topic's value to the byte, so the send path does not encode every
   * message a second time.
   */
  CompletableFuture<Void> appendMessage(String conversation, String messageJson);

  /** Completes when {@code chat.receipts} holds the receipt. */
  CompletableFuture<Void> append(ReceiptEvent receipt);

  /** Completes when the topic holds the record (the location records go through here). */
  <V> CompletableFuture<Void> produce(Topic<String, V> topic, String key, V value);
}
