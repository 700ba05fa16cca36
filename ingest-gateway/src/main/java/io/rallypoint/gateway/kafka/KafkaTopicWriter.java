package io.rallypoint.gateway.kafka;

import io.rallypoint.gateway.deps.DependencyDown;
import io.rallypoint.gateway.wire.ChatMessageWire;
import io.rallypoint.schemas.event.ReceiptEvent;
import io.rallypoint.schemas.topic.Topic;
import io.rallypoint.schemas.topic.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands chat messages and receipts to Kafka ({@code chat.messages}, {@code chat.receipts}, keyed
 * by conversation), and the location records of the gateway ({@code location.updates},
 * {@code recording.sessions}), with {@code acks=all} and an idempotent producer; a future completes when Kafka
 * has the record. {@code send()} can block while metadata is missing, so it runs on one dedicated
 * thread (one thread keeps each conversation's records in order), never on an event loop.
 */
public final class KafkaTopicWriter implements TopicWriter, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaTopicWriter.class);

  private final Producer<String, byte[]> producer;
  private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "gateway-kafka-send");
    t.setDaemon(true);
    return t;
  });

  public KafkaTopicWriter(Producer<String, byte[]> producer) {
    this.producer = producer;
  }

  /** The producer settings: durable (acks=all, idempotent), a small linger, bounded waits. */
  public static Map<String, Object> producerConfig(String bootstrapServers, Duration timeout, Duration linger) {
    int timeoutMs = (int) Math.max(1_000, timeout.toMillis());
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, (int) linger.toMillis());
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeoutMs);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs * 3 / 4);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "rallypoint-gateway");
    return config;
  }

  /** A producer for {@link #producerConfig}. */
  public static KafkaTopicWriter connect(String bootstrapServers, Duration timeout, Duration linger) {
    return new KafkaTopicWriter(new KafkaProducer<>(producerConfig(bootstrapServers, timeout, linger),
        new StringSerializer(), new ByteArraySerializer()));
  }

  @Override
  public CompletableFuture<Void> appendMessage(String conversation, String messageJson) {
    return send(Topics.CHAT_MESSAGES.name(), conversation, ChatMessageWire.topicValue(messageJson));
  }

  @Override
  public CompletableFuture<Void> append(ReceiptEvent receipt) {
    return produce(Topics.CHAT_RECEIPTS, receipt.conversation(), receipt);
  }

  @Override
  public <V> CompletableFuture<Void> produce(Topic<String, V> topic, String key, V value) {
    return send(topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), value));
  }

  private CompletableFuture<Void> send(String topic, String key, byte[] bytes) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      sender.execute(() -> {
        try {
          producer.send(new ProducerRecord<>(topic, key, bytes), (metadata, error) -> {
            if (error == null) {
              done.complete(null);
            } else {
              done.completeExceptionally(new DependencyDown("Kafka", error));
            }
          });
        } catch (RuntimeException e) {
          done.completeExceptionally(new DependencyDown("Kafka", e));
        }
      });
    } catch (RuntimeException rejected) {
      done.completeExceptionally(new DependencyDown("Kafka", rejected));
    }
    return done;
  }

  @Override
  public void close() {
    sender.shutdown();
    try {
      if (!sender.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("Kafka sends still queued at shutdown");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(5));
  }
}
