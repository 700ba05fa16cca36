package io.rallypoint.gateway.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.schemas.json.Json;
import io.rallypoint.testsupport.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic from the beginning: the values keyed by one conversation, up to a record the test waits for. */
final class TopicRecords {

  private TopicRecords() {}

  /** Every value keyed {@code key}, in order, up to and including the first that matches {@code last}. */
  static List<JsonNode> until(String topic, String key, Predicate<JsonNode> last) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition()))
          .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<JsonNode> values = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          if (key.equals(record.key())) {
            JsonNode value = Json.parse(record.value());
            values.add(value);
            if (last.test(value)) {
              return values;
            }
          }
        }
      }
      throw new AssertionError("no matching record keyed " + key + " on " + topic + " within 20 s; saw " + values);
    }
  }
}
