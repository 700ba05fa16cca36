package io.rallypoint.persister.consume;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A transactional {@link MockProducer} whose committed transactions go into the {@link Journal}
 * ({@code forward b to chat.messages.retry.1}, then the commit of the offsets sent with them),
 * and whose offsets become the consumer group's committed offsets, as the broker would make them.
 */
final class JournalingProducer extends MockProducer<byte[], byte[]> {

  private final ScriptedConsumer group;
  private final Journal journal;
  private final List<ProducerRecord<byte[], byte[]>> forwarded = new ArrayList<>();

  JournalingProducer(ScriptedConsumer group, Journal journal) {
    super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    this.group = group;
    this.journal = journal;
  }

  @Override
  public void commitTransaction() {
    List<ProducerRecord<byte[], byte[]>> sends = uncommittedRecords();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    uncommittedOffsets().values().forEach(offsets::putAll);
    super.commitTransaction();
    for (ProducerRecord<byte[], byte[]> record : sends) {
      journal.add("forward " + Records.label(record.value()) + " to " + record.topic());
    }
    forwarded.addAll(sends);
    group.committedInTransaction(offsets);
  }

  /** The records of committed transactions, in order. */
  List<ProducerRecord<byte[], byte[]>> forwarded() {
    return List.copyOf(forwarded);
  }
}
