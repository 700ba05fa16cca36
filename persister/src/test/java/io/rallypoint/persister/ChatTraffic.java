package io.rallypoint.persister;

import io.rallypoint.schemas.event.ReceiptEvent;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.id.UuidV7;
import io.rallypoint.schemas.json.Json;
import io.rallypoint.schemas.topic.Topics;
import io.rallypoint.testsupport.TopicReader;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plays the gateway's part in persister tests: produces chat traffic, and reads topics back. */
final class ChatTraffic implements AutoCloseable {

  private final String bootstrap;
  private final KafkaProducer<byte[], byte[]> producer;

  ChatTraffic(String bootstrap) {
    this.bootstrap = bootstrap;
    this.producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** A message as the gateway mints it. */
  static ChatMessage message(String conversation, long seq, String sender, String body) {
    return new ChatMessage(conversation, UuidV7.next().toString(), seq, sender, UUID.randomUUID().toString(), body,
        Json.object().put("kind", "text"), Instant.now().truncatedTo(ChronoUnit.MILLIS));
  }

  /** Produces messages to chat.messages, keyed by conversation, and waits until Kafka has them. */
  void send(List<ChatMessage> messages) {
    List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
    for (ChatMessage m : messages) {
      acks.add(producer.send(new ProducerRecord<>(Topics.CHAT_MESSAGES.name(), key(m.conversation()),
          Topics.CHAT_MESSAGES.valueSerde().serializer().serialize(Topics.CHAT_MESSAGES.name(), m))));
    }
    awaitAll(acks);
  }

  void send(ChatMessage... messages) {
    send(List.of(messages));
  }

  /** Produces raw bytes to chat.messages (a broken client, a bad deploy). */
  void sendRaw(String conversation, byte[] value) {
    awaitAll(List.of(producer.send(new ProducerRecord<>(Topics.CHAT_MESSAGES.name(), key(conversation), value))));
  }

  void sendReceipt(ReceiptEvent receipt) {
    awaitAll(List.of(producer.send(new ProducerRecord<>(Topics.CHAT_RECEIPTS.name(), key(receipt.conversation()),
        Topics.CHAT_RECEIPTS.valueSerde().serializer().serialize(Topics.CHAT_RECEIPTS.name(), receipt)))));
  }

  /** Every committed record of a topic right now, read from the beginning. */
  List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    return TopicReader.snapshot(bootstrap, topic);
  }

  private static byte[] key(String conversation) {
    return conversation.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void awaitAll(List<? extends java.util.concurrent.Future<?>> futures) {
    for (var f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      } catch (ExecutionException e) {
        throw new AssertionError("produce failed", e.getCause());
      }
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
