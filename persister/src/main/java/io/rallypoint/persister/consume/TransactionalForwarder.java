package io.rallypoint.persister.consume;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * Commits a batch's consumer offsets, together with the records it forwards to retry or
 * dead-letter topics, in one Kafka transaction: either both happen or neither (a crash between
 * the two can neither lose a refused record nor forward it twice).
 */
public final class TransactionalForwarder implements AutoCloseable {

  private final Producer<byte[], byte[]> producer;

  TransactionalForwarder(Producer<byte[], byte[]> producer) {
    this.producer = producer;
    producer.initTransactions();
  }

  /**
   * Forwards the records and commits the offsets atomically; without forwards a plain commit of
   * the consumer is enough (and cheaper). Throws {@link KafkaException} when nothing was committed.
   */
  void commit(Consumer<byte[], byte[]> consumer, List<ProducerRecord<byte[], byte[]>> forwards,
      Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (forwards.isEmpty()) {
      if (!offsets.isEmpty()) {
        consumer.commitSync(offsets);
      }
      return;
    }
    producer.beginTransaction();
    try {
      for (ProducerRecord<byte[], byte[]> record : forwards) {
        producer.send(record);
      }
      producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
      producer.commitTransaction();
    } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException
        | UnsupportedVersionException fatal) {
      throw fatal;
    } catch (KafkaException e) {
      producer.abortTransaction();
      throw e;
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
