package io.rallypoint.persister.consume;

import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Builds the transactional producer each consumer loop forwards with. */
public final class TransactionalForwarders {

  private TransactionalForwarders() {}

  /** A forwarder with its own transactional id (one per loop and process). */
  public static TransactionalForwarder create(String bootstrapServers, String transactionalId) {
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 5),
        new ByteArraySerializer(), new ByteArraySerializer());
    return new TransactionalForwarder(producer);
  }
}
