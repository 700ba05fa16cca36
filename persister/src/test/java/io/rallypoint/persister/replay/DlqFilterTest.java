package io.rallypoint.persister.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rallypoint.persister.retry.RetryRouter;
import io.rallypoint.schemas.topic.RetryHeaders;
import io.rallypoint.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** Which dead letters a filter keeps, on records whose headers the persister's own router wrote. */
class DlqFilterTest {

  private static final Instant MONDAY = Instant.parse("2026-11-30T09:00:00Z");
  private static final Instant TUESDAY = Instant.parse("2026-12-01T09:00:00Z");

  private static final DeadLetter FOREIGN_KEY = deadLetter("ride-42", MONDAY,
      "insert or update on table \"messages\" violates foreign key constraint", "sqlstate-23503");
  private static final DeadLetter TOO_LONG = deadLetter("hike-7", TUESDAY, "value too long for type character varying",
      "sqlstate-22001");

  @Test
  void everyConditionGivenMustHold() {
    assertThat(DlqFilter.ALL.test(FOREIGN_KEY)).isTrue();
    assertThat(new DlqFilter("ride-42", null).test(FOREIGN_KEY)).isTrue();
    assertThat(new DlqFilter("ride-42", null).test(TOO_LONG)).isFalse();
    assertThat(new DlqFilter(null, "foreign key").test(FOREIGN_KEY)).isTrue();
    assertThat(new DlqFilter(null, "Foreign Key").test(FOREIGN_KEY)).as("error text is matched as written").isFalse();
    assertThat(kind("sqlstate-22001").test(TOO_LONG)).isTrue();
    assertThat(kind("sqlstate-22").test(TOO_LONG)).as("an error kind is matched whole").isFalse();
    assertThat(new DlqFilter("ride-42", "foreign key", "sqlstate-22001", null, null).test(FOREIGN_KEY))
        .as("all conditions, not any").isFalse();
  }

  @Test
  void sinceIsInclusiveAndUntilExclusiveOnTheFirstFailure() {
    assertThat(between(MONDAY, null).test(FOREIGN_KEY)).isTrue();
    assertThat(between(MONDAY.plusMillis(1), null).test(FOREIGN_KEY)).isFalse();
    assertThat(between(null, TUESDAY).test(FOREIGN_KEY)).isTrue();
    assertThat(between(null, TUESDAY).test(TOO_LONG)).isFalse();
    assertThat(between(MONDAY, TUESDAY).test(TOO_LONG)).isFalse();
  }

  @Test
  void aRecordWithoutTheFirstFailedAtHeaderIsDatedByItsTimestamp() {
    // Given a dead letter of an earlier release: no first-failed-at, only the record's own timestamp
    RecordHeaders headers = new RecordHeaders();
    headers.add(RetryHeaders.ERROR_KIND, "unreadable".getBytes(StandardCharsets.UTF_8));
    DeadLetter old = new DeadLetter(new ConsumerRecord<>(Topics.CHAT_MESSAGES_DLQ.name(), 0, 5, TUESDAY.toEpochMilli(),
        TimestampType.CREATE_TIME, 0, 0, "ride-42".getBytes(StandardCharsets.UTF_8), "{not json".getBytes(StandardCharsets.UTF_8),
        headers, Optional.empty()));

    assertThat(old.firstFailedAt()).isEmpty();
    assertThat(between(TUESDAY, null).test(old)).isTrue();
    assertThat(between(null, TUESDAY).test(old)).isFalse();
    assertThat(new DlqFilter(null, "anything").test(old)).as("no error header: no text to contain").isFalse();
    assertThat(old.value()).as("unreadable bytes have no JSON value").isEmpty();
    assertThat(old.seq()).isEmpty();
  }

  @Test
  void aRangeThatHoldsNoTimeIsRefused() {
    assertThatThrownBy(() -> between(TUESDAY, MONDAY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--since 2026-12-01T09:00:00Z is not before --until 2026-11-30T09:00:00Z");
    assertThat(new DlqFilter("ride-42", null, "unreadable", null, null))
        .hasToString("conversation ride-42, error kind unreadable");
  }

  @Test
  void aDeadLetterNamesItsMessage() {
    assertThat(FOREIGN_KEY.attempts()).hasValue(3);
    assertThat(FOREIGN_KEY.seq()).hasValue(7);
    assertThat(FOREIGN_KEY.clientMsgId()).hasValue("6f1c1d4e-58a3-4c86-9b9f-0b0d1b8c2a11");
    assertThat(FOREIGN_KEY.firstFailedAt()).hasValue(MONDAY);
  }

  private static DlqFilter kind(String kind) {
    return new DlqFilter(null, null, kind, null, null);
  }

  private static DlqFilter between(Instant since, Instant until) {
    return new DlqFilter(null, null, null, since, until);
  }

  /** A message refused at {@code firstFailed}, taken through every retry tier to the DLQ by the persister's router (its
   * record timestamp an hour later, so a filter that reads the timestamp instead of the header would be seen). */
  static DeadLetter deadLetter(String conversation, Instant firstFailed, String error, String kind) {
    byte[] value = ("{\"conversation\":\"" + conversation + "\",\"seq\":7,\"clientMsgId\":"
        + "\"6f1c1d4e-58a3-4c86-9b9f-0b0d1b8c2a11\"}").getBytes(StandardCharsets.UTF_8);
    ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(Topics.CHAT_MESSAGES.name(), 0, 11,
        conversation.getBytes(StandardCharsets.UTF_8), value);
    RetryRouter router = new RetryRouter(List.of(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(16)),
        Clock.fixed(firstFailed, ZoneOffset.UTC));
    for (int hop = 0; hop <= Topics.RETRY_TIERS; hop++) {
      ProducerRecord<byte[], byte[]> next = router.next(record, error, kind);
      router = new RetryRouter(List.of(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(16)),
          Clock.fixed(firstFailed.plusSeconds(60L * (hop + 1)), ZoneOffset.UTC));
      record = new ConsumerRecord<>(next.topic(), 0, 20 + hop, firstFailed.plusSeconds(3_600).toEpochMilli(), TimestampType.CREATE_TIME, 0, 0,
          next.key(), next.value(), next.headers(), Optional.empty());
    }
    assertThat(record.topic()).isEqualTo(Topics.CHAT_MESSAGES_DLQ.name());
    return new DeadLetter(record);
  }
}
