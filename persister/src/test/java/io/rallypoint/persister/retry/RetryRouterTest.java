package io.rallypoint.persister.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.rallypoint.schemas.topic.RetryHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class RetryRouterTest {

  static final Instant NOW = Instant.parse("2026-11-24T06:00:00Z");
  final RetryRouter router = new RetryRouter(
      List.of(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(16)), Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void a_record_refused_on_the_main_topic_goes_to_retry_1_due_after_the_first_delay() {
    ProducerRecord<byte[], byte[]> next = router.next(record("chat.messages", new RecordHeaders(), 7, 42), "fk", "sqlstate-23503");

    assertThat(next.topic()).isEqualTo("chat.messages.retry.1");
    assertThat(header(next, RetryHeaders.ATTEMPT)).isEqualTo("1");
    assertThat(header(next, RetryHeaders.DUE_AT)).isEqualTo("2026-11-24T06:00:01.000Z");
    assertThat(header(next, RetryHeaders.FIRST_FAILED_AT)).isEqualTo("2026-11-24T06:00:00.000Z");
    assertThat(header(next, RetryHeaders.ORIGINAL_TOPIC)).isEqualTo("chat.messages");
    assertThat(header(next, RetryHeaders.ORIGINAL_PARTITION)).isEqualTo("7");
    assertThat(header(next, RetryHeaders.ORIGINAL_OFFSET)).isEqualTo("42");
    assertThat(header(next, RetryHeaders.ERROR_KIND)).isEqualTo("sqlstate-23503");
    assertThat(new String(next.key(), StandardCharsets.UTF_8)).isEqualTo("run-club");
    assertThat(new String(next.value(), StandardCharsets.UTF_8)).isEqualTo("{\"body\":\"x\"}");
  }

  @Test
  void each_tier_waits_longer_and_keeps_the_original_coordinates() {
    ProducerRecord<byte[], byte[]> first = router.next(record("chat.messages", new RecordHeaders(), 3, 9), "e", "k");
    ProducerRecord<byte[], byte[]> second = router.next(record("chat.messages.retry.1", first.headers(), 0, 100), "e", "k");
    ProducerRecord<byte[], byte[]> third = router.next(record("chat.messages.retry.2", second.headers(), 1, 200), "e", "k");

    assertThat(second.topic()).isEqualTo("chat.messages.retry.2");
    assertThat(header(second, RetryHeaders.DUE_AT)).isEqualTo("2026-11-24T06:00:04.000Z");
    assertThat(third.topic()).isEqualTo("chat.messages.retry.3");
    assertThat(header(third, RetryHeaders.DUE_AT)).isEqualTo("2026-11-24T06:00:16.000Z");
    assertThat(header(third, RetryHeaders.ORIGINAL_PARTITION)).isEqualTo("3");
    assertThat(header(third, RetryHeaders.ORIGINAL_OFFSET)).isEqualTo("9");
  }

  @Test
  void the_time_of_the_first_failure_travels_unchanged_to_the_dead_letter_topic() {
    RecordHeaders onTier3 = new RecordHeaders();
    onTier3.add(RetryHeaders.ATTEMPT, "3".getBytes(StandardCharsets.UTF_8));
    onTier3.add(RetryHeaders.FIRST_FAILED_AT, "2026-11-24T05:59:39.000Z".getBytes(StandardCharsets.UTF_8));

    ProducerRecord<byte[], byte[]> dead = router.next(record("chat.messages.retry.3", onTier3, 0, 5), "still bad", "k");

    assertThat(dead.topic()).isEqualTo("chat.messages.dlq");
    assertThat(header(dead, RetryHeaders.FIRST_FAILED_AT)).isEqualTo("2026-11-24T05:59:39.000Z");
    assertThat(header(dead, RetryHeaders.DUE_AT)).as("when it was dead-lettered").isEqualTo("2026-11-24T06:00:00.000Z");
  }

  @Test
  void after_the_third_retry_the_record_is_dead_lettered() {
    RecordHeaders onTier3 = new RecordHeaders();
    onTier3.add(RetryHeaders.ATTEMPT, "3".getBytes(StandardCharsets.UTF_8));

    ProducerRecord<byte[], byte[]> next = router.next(record("chat.messages.retry.3", onTier3, 0, 5), "still bad", "k");

    assertThat(next.topic()).isEqualTo("chat.messages.dlq");
    assertThat(header(next, RetryHeaders.ATTEMPT)).isEqualTo("3");
    assertThat(header(next, RetryHeaders.ERROR)).isEqualTo("still bad");
  }

  @Test
  void the_due_time_and_attempt_are_read_back_from_headers() {
    ProducerRecord<byte[], byte[]> first = router.next(record("chat.messages", new RecordHeaders(), 0, 0), "e", "k");
    ConsumerRecord<byte[], byte[]> onTier1 = record("chat.messages.retry.1", first.headers(), 0, 0);

    assertThat(RetryRouter.dueAt(onTier1)).isEqualTo(NOW.plusSeconds(1));
    assertThat(RetryRouter.attemptOf(onTier1)).isEqualTo(1);
    assertThat(RetryRouter.attemptOf(record("chat.messages", new RecordHeaders(), 0, 0))).isZero();
  }

  private static ConsumerRecord<byte[], byte[]> record(String topic, org.apache.kafka.common.header.Headers headers,
      int partition, long offset) {
    return new ConsumerRecord<>(topic, partition, offset, 0L, TimestampType.CREATE_TIME, 0, 0,
        "run-club".getBytes(StandardCharsets.UTF_8), "{\"body\":\"x\"}".getBytes(StandardCharsets.UTF_8),
        headers, java.util.Optional.empty());
  }

  private static String header(ProducerRecord<byte[], byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
