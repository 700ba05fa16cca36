package io.rallypoint.persister.consume;

import static io.rallypoint.persister.consume.Records.RETRY_1_0;
import static io.rallypoint.persister.consume.Records.RETRY_1_1;
import static io.rallypoint.persister.consume.Records.RETRY_3_0;
import static io.rallypoint.persister.consume.Records.key;
import static io.rallypoint.persister.consume.Records.message;
import static io.rallypoint.persister.consume.Records.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rallypoint.persister.ops.PersisterMetrics;
import io.rallypoint.persister.retry.RetryRouter;
import io.rallypoint.persister.write.FailureKind;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.topic.RetryHeaders;
import io.rallypoint.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * The retry tiers' loop against a MockConsumer over partition logs, a MockProducer, a fake
 * PostgreSQL and a clock the test moves: when a record is retried, where it goes when refused again.
 */
class RetryLoopTest {

  static final Instant START = Instant.parse("2026-11-24T06:00:00Z");
  static final Duration BACKOFF = Duration.ofMillis(250);
  static final List<Duration> DELAYS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(16));

  final Journal journal = new Journal();
  final TestClock clock = new TestClock(START);
  final ScriptedConsumer kafka = new ScriptedConsumer(journal);
  final JournalingProducer producer = new JournalingProducer(kafka, journal);
  final FakeStore postgres = new FakeStore(journal);
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final RetryRouter router = new RetryRouter(DELAYS, clock);
  final RetryLoop loop = new RetryLoop(kafka, new TransactionalForwarder(producer),
      new Backoff(BACKOFF, Duration.ofSeconds(15)), clock, postgres, router, new PersisterMetrics(registry));

  @Test
  void a_record_not_yet_due_pauses_its_partition_until_the_clock_reaches_its_due_time_while_the_others_flow() {
    ChatMessage s = message(1, "s");
    ChatMessage r = message(2, "r");
    kafka.then("the group assigns retry.1 partitions 0 and 1; s is due now, r in a second", () -> {
          kafka.rebalanceTo(RETRY_1_0, RETRY_1_1);
          refusedOnce(RETRY_1_1, s); // due at START + 1 s
          clock.advance(Duration.ofSeconds(1));
          refusedOnce(RETRY_1_0, r); // due at START + 2 s
        })
        .when("retry.1-0 waits for r", () -> kafka.paused().contains(RETRY_1_0), () -> {
          assertThat(journal.entries()).containsExactly("write s", "stored s", "commit chat.messages.retry.1-1@1");
          assertThat(kafka.position(RETRY_1_0)).as("rewound to r").isZero();
          clock.advance(Duration.ofMillis(700));
        })
        .then("a poll 300 ms before r is due", () -> {
          assertThat(kafka.pollWait()).as("the poll waits until r is due, no longer").isEqualTo(Duration.ofMillis(300));
          assertThat(kafka.paused()).containsExactly(RETRY_1_0);
          assertThat(kafka.deliveries(RETRY_1_0, 0)).as("polls that returned r").isEqualTo(1);
          assertThat(journal.entries()).doesNotContain("write r");
          clock.advance(Duration.ofMillis(300));
        })
        .when("r is committed", () -> kafka.committedOffset(RETRY_1_0) == 1,
            () -> assertThat(kafka.paused()).as("paused partitions").isEmpty());

    kafka.run(loop);

    assertThat(journal.entries()).containsExactly(
        "write s", "stored s", "commit chat.messages.retry.1-1@1",
        "write r", "stored r", "commit chat.messages.retry.1-0@1",
        "consumer closed (LEAVE_GROUP)");
  }

  @Test
  void a_partition_revoked_while_it_waits_is_read_again_from_its_committed_offset_when_it_comes_back() {
    ChatMessage r = message(1, "r");
    kafka.then("the group assigns retry.1-0, which holds r, due in a second", () -> {
          kafka.rebalanceTo(RETRY_1_0);
          refusedOnce(RETRY_1_0, r);
        })
        .when("retry.1-0 waits for r", () -> kafka.paused().contains(RETRY_1_0), () -> kafka.rebalanceTo())
        .then("retry.1-0 comes back", () -> {
          assertThat(journal.entries()).as("nothing written or committed").isEmpty();
          kafka.rebalanceTo(RETRY_1_0);
        })
        .when("it waits for r again", () -> kafka.paused().contains(RETRY_1_0) && kafka.deliveries(RETRY_1_0, 0) == 2,
            () -> clock.advance(Duration.ofSeconds(1)))
        .when("r is committed", () -> kafka.committedOffset(RETRY_1_0) == 1, () -> {});

    kafka.run(loop);

    assertThat(journal.entries()).containsExactly(
        "write r", "stored r", "commit chat.messages.retry.1-0@1", "consumer closed (LEAVE_GROUP)");
  }

  @Test
  void when_postgresql_is_down_the_records_before_commit_and_the_rest_are_retried_from_the_failed_one_after_the_backoff() {
    kafka.then("the group assigns retry.1-0, which holds p, q and r, all due; PostgreSQL fails at q", () -> {
          kafka.rebalanceTo(RETRY_1_0);
          refusedOnce(RETRY_1_0, message(1, "p"));
          refusedOnce(RETRY_1_0, message(2, "q"));
          refusedOnce(RETRY_1_0, message(3, "r"));
          clock.advance(Duration.ofSeconds(1));
          postgres.failOnce("q", FailureKind.TRANSIENT);
        })
        .when("the loop backs off", () -> journal.has("failed q") && !kafka.paused().isEmpty(), () -> {
          assertThat(kafka.committedOffset(RETRY_1_0)).as("committed: p").isEqualTo(1);
          assertThat(kafka.position(RETRY_1_0)).as("rewound to q").isEqualTo(1);
          clock.advance(BACKOFF);
        })
        .when("r is committed", () -> kafka.committedOffset(RETRY_1_0) == 3, () -> {});

    kafka.run(loop);

    assertThat(journal.entries()).containsExactly(
        "write p", "stored p", "write q", "failed q", "commit chat.messages.retry.1-0@1",
        "write q", "stored q", "write r", "stored r", "commit chat.messages.retry.1-0@3",
        "consumer closed (LEAVE_GROUP)");
    assertThat(registry.counter("persister.transient.failures").count()).isEqualTo(1);
  }

  @Test
  void a_record_refused_again_moves_to_the_next_tier_due_after_its_delay_while_its_neighbours_are_stored() {
    kafka.then("the group assigns retry.1-0, which holds p, x and r, all due; PostgreSQL refuses x", () -> {
          kafka.rebalanceTo(RETRY_1_0);
          refusedOnce(RETRY_1_0, message(1, "p"));
          refusedOnce(RETRY_1_0, message(2, "x"));
          refusedOnce(RETRY_1_0, message(3, "r"));
          clock.advance(Duration.ofSeconds(1));
          postgres.refuse("x");
        })
        .when("the batch is committed", () -> kafka.committedOffset(RETRY_1_0) == 3, () -> {});

    kafka.run(loop);

    assertThat(journal.entries()).containsExactly(
        "write p", "stored p", "write x", "refused x", "stored nothing", "write r", "stored r",
        "forward x to chat.messages.retry.2", "commit chat.messages.retry.1-0@3",
        "consumer closed (LEAVE_GROUP)");
    ProducerRecord<byte[], byte[]> next = producer.forwarded().get(0);
    assertThat(header(next, RetryHeaders.ATTEMPT)).isEqualTo("2");
    assertThat(header(next, RetryHeaders.DUE_AT)).isEqualTo("2026-11-24T06:00:05.000Z");
    assertThat(registry.counter("persister.retries", "tier", "2", "kind", "sqlstate-23503").count()).isEqualTo(1);
  }

  @Test
  void a_record_refused_on_the_last_tier_is_dead_lettered_after_its_gap_is_recorded() {
    ChatMessage x = message(5, "x");
    kafka.then("the group assigns retry.3-0, which holds x, due; PostgreSQL refuses x", () -> {
          kafka.rebalanceTo(RETRY_3_0);
          refusedOnce(RETRY_3_0, x);
          clock.advance(DELAYS.get(2));
          postgres.refuse("x");
        })
        .when("x is committed", () -> kafka.committedOffset(RETRY_3_0) == 1, () -> {});

    kafka.run(loop);

    assertThat(journal.entries()).containsExactly(
        "write x", "refused x", "stored nothing", "gaps ride#5",
        "forward x to chat.messages.dlq", "commit chat.messages.retry.3-0@1",
        "consumer closed (LEAVE_GROUP)");
    assertThat(registry.counter("persister.dlq", "kind", "sqlstate-23503").count()).isEqualTo(1);
  }

  /** Appends to {@code tp} the record the router makes of {@code message} refused on every tier before it. */
  private void refusedOnce(TopicPartition tp, ChatMessage message) {
    ConsumerRecord<byte[], byte[]> record = consumed(Topics.CHAT_MESSAGES.name(),
        new ProducerRecord<>(Topics.CHAT_MESSAGES.name(), key(message.conversation()), value(message)));
    ProducerRecord<byte[], byte[]> hop;
    do {
      hop = router.next(record, "insert or update on table \"messages\" violates foreign key constraint",
          "sqlstate-23503");
      record = consumed(hop.topic(), hop);
    } while (!hop.topic().equals(tp.topic()));
    kafka.append(tp, hop.key(), hop.value(), hop.headers());
  }

  private static ConsumerRecord<byte[], byte[]> consumed(String topic, ProducerRecord<byte[], byte[]> produced) {
    return new ConsumerRecord<>(topic, 0, 0, 0L, TimestampType.CREATE_TIME, -1, -1, produced.key(), produced.value(),
        produced.headers(), Optional.empty());
  }

  private static String header(ProducerRecord<byte[], byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
