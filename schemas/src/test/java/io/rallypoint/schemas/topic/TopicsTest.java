package io.rallypoint.schemas.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rallypoint.schemas.ContractSamples;
import io.rallypoint.schemas.json.ContractSchemas;
import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void the_registry_holds_every_topic_of_the_protocol() {
    assertThat(Topics.ALL).extracting(Topic::name).containsExactly(
        "chat.messages",
        "chat.messages.retry.1",
        "chat.messages.retry.2",
        "chat.messages.retry.3",
        "chat.messages.dlq",
        "chat.receipts",
        "location.updates",
        "recording.sessions",
        "location.meeting-points");
  }

  @Test
  void every_topic_names_a_schema_that_ships() {
    for (Topic<String, ?> topic : Topics.ALL) {
      assertThat(ContractSchemas.exists(topic.valueSchema())).as(topic.name()).isTrue();
    }
  }

  @Test
  void chat_messages_default_to_twelve_partitions_and_can_be_resized() {
    assertThat(Topics.CHAT_MESSAGES.partitions()).isEqualTo(12);
    assertThat(Topics.CHAT_MESSAGES.withPartitions(3).partitions()).isEqualTo(3);
    assertThat(Topics.CHAT_MESSAGES.partitions()).as("the registry itself is immutable").isEqualTo(12);
  }

  @Test
  void registry_topics_are_created_for_a_cluster_three_replicas_two_in_sync() {
    for (Topic<String, ?> topic : Topics.ALL) {
      assertThat(topic.replication().factor()).as(topic.name()).isEqualTo((short) 3);
      assertThat(topic.creationConfig()).as(topic.name()).containsEntry("min.insync.replicas", "2");
    }
    Topic<String, ?> single = Topics.CHAT_MESSAGES.withReplication(TopicReplication.SINGLE);
    assertThat(single.creationConfig()).containsEntry("min.insync.replicas", "1");
    assertThat(Topics.CHAT_MESSAGES.withReplication(TopicReplication.of(2)).creationConfig())
        .as("two replicas: both in sync would refuse every write while one is down")
        .containsEntry("min.insync.replicas", "1");
  }

  @Test
  void the_dead_letter_topic_keeps_records_thirty_days_and_the_compacted_one_stays_compacted() {
    assertThat(Topics.CHAT_MESSAGES_DLQ.creationConfig()).containsEntry("retention.ms", String.valueOf(30L * 24 * 3600 * 1000));
    assertThat(Topics.CHAT_MESSAGES.creationConfig()).doesNotContainKey("retention.ms");
    assertThat(Topics.LOCATION_MEETING_POINTS.creationConfig()).containsEntry("cleanup.policy", "compact");
  }

  @Test
  void the_replication_variable_is_read_once_and_checked() {
    assertThat(TopicReplication.from(io.rallypoint.schemas.config.Env.of(java.util.Map.of()), TopicReplication.SINGLE))
        .isEqualTo(TopicReplication.SINGLE);
    assertThat(TopicReplication.from(io.rallypoint.schemas.config.Env.of(
        java.util.Map.of("RALLYPOINT_TOPIC_REPLICATION", "3")), TopicReplication.SINGLE).minInsyncReplicas()).isEqualTo(2);
    assertThatThrownBy(() -> TopicReplication.from(io.rallypoint.schemas.config.Env.of(
        java.util.Map.of("RALLYPOINT_TOPIC_REPLICATION", "0")), TopicReplication.SINGLE))
        .hasMessageContaining("RALLYPOINT_TOPIC_REPLICATION");
  }

  @Test
  void retry_tiers_are_numbered_from_one() {
    assertThat(Topics.chatMessagesRetry(1).name()).isEqualTo("chat.messages.retry.1");
    assertThat(Topics.chatMessagesRetry(3).name()).isEqualTo("chat.messages.retry.3");
    assertThatThrownBy(() -> Topics.chatMessagesRetry(4)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @SuppressWarnings("unchecked")
  void every_topic_serde_reads_back_what_it_wrote() {
    ContractSamples.topicValues().forEach((topic, value) -> {
      Topic<String, Object> t = (Topic<String, Object>) topic;
      byte[] bytes = t.valueSerde().serializer().serialize(t.name(), value);
      assertThat(t.valueSerde().deserializer().deserialize(t.name(), bytes)).as(t.name()).isEqualTo(value);
    });
  }

  @Test
  void garbage_bytes_fail_with_kafkas_serialization_exception_naming_the_topic() {
    assertThatThrownBy(() -> Topics.CHAT_MESSAGES.valueSerde().deserializer()
            .deserialize("chat.messages", new byte[] {1, 2, 3}))
        .isInstanceOf(org.apache.kafka.common.errors.SerializationException.class)
        .hasMessageContaining("chat.messages");
  }
}
