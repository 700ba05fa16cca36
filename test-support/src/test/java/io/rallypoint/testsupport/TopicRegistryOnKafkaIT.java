package io.rallypoint.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.rallypoint.schemas.ContractSamples;
import io.rallypoint.schemas.json.ContractSchemas;
import io.rallypoint.schemas.json.Json;
import io.rallypoint.schemas.topic.Topic;
import io.rallypoint.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every topic of the registry exists on a real broker and carries its values through its own serdes. */
class TopicRegistryOnKafkaIT {

  @BeforeAll
  static void topics() {
    KafkaBroker.ensureTopics();
  }

  @Test
  void every_protocol_topic_exists_with_its_partitions() throws Exception {
    try (Admin admin = KafkaBroker.admin()) {
      Set<String> names = admin.listTopics().names().get();
      assertThat(names).containsAll(Topics.ALL.stream().map(Topic::name).toList());
      var chat = admin.describeTopics(List.of("chat.messages")).allTopicNames().get().get("chat.messages");
      assertThat(chat.partitions()).hasSize(Topics.DEFAULT_PARTITIONS);
    }
  }

  @Test
  void creating_the_topics_again_changes_nothing() {
    KafkaBroker.ensureTopics();
    KafkaBroker.ensureTopics();
  }

  @Test
  @SuppressWarnings("unchecked")
  void each_topic_round_trips_a_value_through_the_registry_serdes() {
    Map<Topic<String, ?>, Object> samples = ContractSamples.topicValues();
    for (var entry : samples.entrySet()) {
      Topic<String, Object> topic = (Topic<String, Object>) entry.getKey();
      String key = "it-" + UUID.randomUUID();

      try (KafkaProducer<String, Object> producer = new KafkaProducer<>(producerConfig(),
          topic.keySerde().serializer(), topic.valueSerde().serializer())) {
        producer.send(topic.record(key, entry.getValue())).get();
      } catch (Exception e) {
        throw new AssertionError("producing to " + topic.name(), e);
      }

      ConsumerRecord<byte[], byte[]> received = consumeKey(topic, key);
      assertThat(topic.readValue(received)).as(topic.name()).isEqualTo(entry.getValue());
      assertThat(ContractSchemas.problems(topic.valueSchema(), Json.parse(received.value()))).as(topic.name()).isEmpty();
    }
  }

  private static Map<String, Object> producerConfig() {
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
  }

  private static ConsumerRecord<byte[], byte[]> consumeKey(Topic<String, ?> topic, String key) {
    List<ConsumerRecord<byte[], byte[]>> read = TopicReader.until(KafkaBroker.bootstrapServers(), topic.name(),
        r -> r.key() != null && key.equals(new String(r.key(), StandardCharsets.UTF_8)), Duration.ofSeconds(30));
    return read.get(read.size() - 1);
  }
}
