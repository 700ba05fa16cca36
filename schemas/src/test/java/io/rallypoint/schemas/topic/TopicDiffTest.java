package io.rallypoint.schemas.topic;

import static org.assertj.core.api.Assertions.assertThat;

import io.rallypoint.schemas.topic.TopicDiff.Difference;
import io.rallypoint.schemas.topic.TopicDiff.Fix;
import io.rallypoint.schemas.topic.TopicDiff.Observed;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopicDiffTest {

  private static final Topic<String, ?> DLQ = Topics.CHAT_MESSAGES_DLQ;
  private static final String THIRTY_DAYS = String.valueOf(30L * 24 * 3600 * 1000);

  @Test
  void a_topic_as_the_registry_describes_it_has_no_difference() {
    // Given the dead-letter topic exactly as registered
    Observed same = new Observed(12, 3, Map.of("retention.ms", THIRTY_DAYS, "min.insync.replicas", "2"));

    // Then nothing is reported
    assertThat(TopicDiff.compare(DLQ, Optional.of(same))).isEmpty();
  }

  @Test
  void a_missing_topic_is_to_be_created() {
    assertThat(TopicDiff.compare(DLQ, Optional.empty())).extracting(Difference::fix).containsExactly(Fix.CREATE);
  }

  @Test
  void a_changed_retention_is_fixed_by_setting_the_registry_value() {
    // Given someone shortened the dead letters' retention to one hour
    Observed shortened = new Observed(12, 3, Map.of("retention.ms", "3600000", "min.insync.replicas", "2"));

    // When compared
    List<Difference> differences = TopicDiff.compare(DLQ, Optional.of(shortened));

    // Then one line says so, and it is a safe config fix back to 30 days
    assertThat(differences).singleElement().satisfies(d -> {
      assertThat(d.what()).isEqualTo("retention.ms");
      assertThat(d.actual()).isEqualTo("3600000");
      assertThat(d.expected()).isEqualTo(THIRTY_DAYS);
      assertThat(d.fix()).isEqualTo(Fix.ALTER_CONFIG);
      assertThat(d.line()).contains("chat.messages.dlq", "retention.ms", "3600000", THIRTY_DAYS);
    });
  }

  @Test
  void a_setting_the_registry_does_not_have_is_removed_and_compaction_is_checked() {
    // Given chat.messages with a retention override and the meeting points no longer compacted
    Observed messages = new Observed(12, 3, Map.of("retention.ms", "60000", "min.insync.replicas", "2"));
    Observed points = new Observed(12, 3, Map.of("cleanup.policy", "delete", "min.insync.replicas", "2"));

    // Then the override is to be removed, and compaction set again
    assertThat(TopicDiff.compare(Topics.CHAT_MESSAGES, Optional.of(messages))).singleElement()
        .satisfies(d -> assertThat(d.expected()).isNull())
        .satisfies(d -> assertThat(d.fix()).isEqualTo(Fix.ALTER_CONFIG));
    assertThat(TopicDiff.compare(Topics.LOCATION_MEETING_POINTS, Optional.of(points))).singleElement()
        .satisfies(d -> assertThat(d.what()).isEqualTo("cleanup.policy"))
        .satisfies(d -> assertThat(d.expected()).isEqualTo("compact"));
  }

  @Test
  void min_insync_replicas_follows_the_replication_asked_for() {
    Observed oneInSync = new Observed(12, 3, Map.of("min.insync.replicas", "1"));

    assertThat(TopicDiff.compare(Topics.CHAT_RECEIPTS, Optional.of(oneInSync))).singleElement()
        .satisfies(d -> assertThat(d.what()).isEqualTo("min.insync.replicas"))
        .satisfies(d -> assertThat(d.expected()).isEqualTo("2"));
    assertThat(TopicDiff.compare(Topics.CHAT_RECEIPTS.withReplication(TopicReplication.SINGLE),
        Optional.of(new Observed(12, 1, Map.of("min.insync.replicas", "1"))))).isEmpty();
  }

  @Test
  void fewer_partitions_on_a_conversation_keyed_topic_are_refused_and_say_why() {
    // Given chat.messages has 6 partitions where 12 are asked for
    Observed six = new Observed(6, 3, Map.of("min.insync.replicas", "2"));

    // Then adding partitions is refused, naming per-conversation order and the state stores
    assertThat(TopicDiff.compare(Topics.CHAT_MESSAGES, Optional.of(six))).singleElement().satisfies(d -> {
      assertThat(d.fix()).isEqualTo(Fix.REFUSED);
      assertThat(d.line()).contains("partitions is 6", "12", "per-conversation order", "state stores");
    });
  }

  @Test
  void more_partitions_than_asked_cannot_be_shrunk() {
    Observed many = new Observed(24, 3, Map.of("min.insync.replicas", "2"));

    assertThat(TopicDiff.compare(Topics.LOCATION_UPDATES, Optional.of(many))).singleElement().satisfies(d -> {
      assertThat(d.fix()).isEqualTo(Fix.REFUSED);
      assertThat(d.why()).contains("cannot remove partitions");
    });
  }

  @Test
  void a_different_replication_factor_is_left_to_a_reassignment() {
    Observed single = new Observed(12, 1, Map.of("min.insync.replicas", "2"));

    assertThat(TopicDiff.compare(Topics.CHAT_MESSAGES, Optional.of(single))).singleElement()
        .satisfies(d -> assertThat(d.fix()).isEqualTo(Fix.MANUAL))
        .satisfies(d -> assertThat(d.what()).isEqualTo("replication.factor"));
  }
}
