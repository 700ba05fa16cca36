package io.rallypoint.schemas.topic;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * A Kafka topic and how its records are written: the name, the key and value serdes, the JSON
 * Schema its values follow (a name for {@code ContractSchemas}), and how it is created.
 *
 * @param name          the topic name, as in PROTOCOL section 2
 * @param keySerde      how keys are written (UTF-8 strings throughout)
 * @param valueSerde    how values are written (JSON)
 * @param valueSchema   the JSON Schema of the values, e.g. {@code topics/chat.messages.json}
 * @param partitions    the partition count used when the topic is created
 * @param replication   the replication factor (and so {@code min.insync.replicas}) it is created with
 * @param config        the topic's own config (compaction, retention); {@link #creationConfig()} adds
 *                      {@code min.insync.replicas}
 */
public record Topic<K, V>(
    String name,
    Serde<K> keySerde,
    Serde<V> valueSerde,
    String valueSchema,
    int partitions,
    TopicReplication replication,
    Map<String, String> config) {

  /** The topic config key Kafka names {@code min.insync.replicas}. */
  public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";

  public Topic {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keySerde, "keySerde");
    Objects.requireNonNull(valueSerde, "valueSerde");
    Objects.requireNonNull(valueSchema, "valueSchema");
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
    }
    Objects.requireNonNull(replication, "replication");
    if (config.containsKey(MIN_INSYNC_REPLICAS)) {
      throw new IllegalArgumentException(MIN_INSYNC_REPLICAS + " follows from the replication, not the config");
    }
    config = Map.copyOf(config);
  }

  /** A record for this topic. */
  public ProducerRecord<K, V> record(K key, V value) {
    return new ProducerRecord<>(name, key, value);
  }

  /** The value of a consumed record read with this topic's serde (for byte-array consumers). */
  public V readValue(ConsumerRecord<?, byte[]> record) {
    return valueSerde.deserializer().deserialize(record.topic(), record.headers(), record.value());
  }

  /** The same topic created with another partition count. */
  public Topic<K, V> withPartitions(int count) {
    return new Topic<>(name, keySerde, valueSerde, valueSchema, count, replication, config);
  }

  /** The same topic created with another replication factor. */
  public Topic<K, V> withReplication(TopicReplication factor) {
    return new Topic<>(name, keySerde, valueSerde, valueSchema, partitions, factor, config);
  }

  /** Every topic-level config it is created with: its own and {@code min.insync.replicas}. */
  public Map<String, String> creationConfig() {
    Map<String, String> all = new java.util.TreeMap<>(config);
    all.put(MIN_INSYNC_REPLICAS, String.valueOf(replication.minInsyncReplicas()));
    return Map.copyOf(all);
  }
}
