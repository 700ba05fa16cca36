package io.rallypoint.persister.consume;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Offset bookkeeping shared by the consumer loops. */
final class Offsets {

  private Offsets() {}

  /** The offsets to commit once every record of the poll is done: last offset + 1 per partition. */
  static Map<TopicPartition, OffsetAndMetadata> after(ConsumerRecords<?, ?> records) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : records.partitions()) {
      List<? extends ConsumerRecord<?, ?>> list = records.records(tp);
      offsets.put(tp, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
    }
    return offsets;
  }

  /** Moves each partition back to the first record of the poll, so the next poll returns them again. */
  static void rewind(Consumer<?, ?> consumer, ConsumerRecords<?, ?> records) {
    for (TopicPartition tp : records.partitions()) {
      if (consumer.assignment().contains(tp)) {
        consumer.seek(tp, records.records(tp).get(0).offset());
      }
    }
  }
}
