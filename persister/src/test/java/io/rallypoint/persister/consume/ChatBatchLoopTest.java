package io.rallypoint.persister.consume;

import static io.rallypoint.persister.consume.Records.MESSAGES_0;
import static io.rallypoint.persister.consume.Records.MESSAGES_1;
import static io.rallypoint.persister.consume.Records.RECEIPTS_0;
import static io.rallypoint.persister.consume.Records.key;
import static io.rallypoint.persister.consume.Records.message;
import static io.rallypoint.persister.consume.Records.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rallypoint.persister.ops.PersisterMetrics;
import io.rallypoint.persister.retry.RetryRouter;
import io.rallypoint.persister.write.FailureKind;
import io.rallypoint.schemas.event.ReceiptEvent;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.topic.RetryHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The main consumer loop against a MockConsumer over partition logs, a MockProducer and a fake
 * PostgreSQL: what is written, what is committed, and in which order.
 */
class ChatBatchLoopTest {

  static final Instant START = Instant.parse("2026-11-24T06:00:00Z");
  static final Duration BACKOFF = Duration.ofMillis(250);

  final Journal journal = new Journal();
  final TestClock clock = new TestClock(START);
  final ScriptedConsumer kafka = new ScriptedConsumer(journal);
  final JournalingProducer producer = new JournalingProducer(kafka, journal);
  final FakeStore postgres = new FakeStore(journal);
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final ChatBatchLoop loop = new ChatBatchLoop(kafka, new TransactionalForwarder(producer),
      new Backoff(BACKOFF, Duration.ofSeconds(15)), clock, postgres,
      new RetryRouter(List.of(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(16)), clock),
      new PersisterMetrics(registry), "chat-0");

  final ChatMessage a = message(1, "a");
  final ChatMessage b = message(2, "b");
  final ChatMessage c = message(3, "c");
  final ChatMessage d = message(4, "d");

  @Test
  void the_next_batch_is_polled_while_one_is_written_and_each_is_committed_after_its_write_in_order() {
    AtomicReference<CountDownLatch> firstWrite = new AtomicReference<>();
    kafka.then("the group assigns chat.messages-0, which holds a and b", () -> {
          kafka.rebalanceTo(MESSAGES_0);
          send(MESSAGES_0, a, b);
          firstWrite.set(postgres.holdNextWrite());
        })
        .when("PostgreSQL is writing a and b", () -> journal.is("write a b"), () -> {
          // the loop polls on while the first batch is being written: c is the next batch
          send(MESSAGES_0, c);
          firstWrite.get().countDown();
        })
        .when("c is committed", () -> kafka.committedOffset(MESSAGES_0) == 3, () -> {});

    kafka.run(loop);

    assertThat(journal.entries()).containsExactly(
        "write a b", "stored a b", "commit chat.messages-0@2",
        "write c", "stored c", "commit chat.messages-0@3",
        "consumer closed (LEAVE_GROUP)");
  }

  @Test
  void a_batch_still_being_written_when_the_loop_stops_is_committed_before_the_consumer_leaves_the_group() {
    AtomicReference<CountDownLatch> write = new AtomicReference<>();
    kafka.then("the group assigns chat.messages-0, which holds a", () -> {
          kafka.rebalanceTo(MESSAGES_0);
          send(MESSAGES_0, a);
          write.set(postgres.holdNextWrite());
        })
        .when("PostgreSQL is writing a", () -> journal.is("write a"), () -> {
          loop.close(); // the service shuts down
          write.get().countDown();
        });

    kafka.run(loop);

    assertThat(journal.entries()).containsExactly(
        "write a", "stored a", "commit chat.messages-0@1", "consumer closed (LEAVE_GROUP)");
  }

  @Test
  void a_write_postgresql_could_not_do_is_rewound_and_written_again_after_the_backoff_with_nothing_committed_before() {
    kafka.then("the group assigns chat.messages-0, which holds a and b; PostgreSQL is down for one write", () -> {
          kafka.rebalanceTo(MESSAGES_0);
          send(MESSAGES_0, a, b);
          postgres.failOnce("a", FailureKind.TRANSIENT);
        })
        .when("the loop backs off", () -> journal.has("failed a b") && !kafka.paused().isEmpty(), () -> {
          assertThat(kafka.committedOffset(MESSAGES_0)).as("committed").isEqualTo(-1);
          assertThat(kafka.position(MESSAGES_0)).as("rewound to a").isZero();
          clock.advance(BACKOFF.minusMillis(1));
        })
        .then("a poll 1 ms before the backoff is over", () -> {
          assertThat(kafka.paused()).containsExactly(MESSAGES_0);
          assertThat(kafka.deliveries(MESSAGES_0, 0)).as("polls that returned a").isEqualTo(1);
          clock.advance(Duration.ofMillis(1));
        })
        .when("a and b are committed", () -> kafka.committedOffset(MESSAGES_0) == 2, () -> {});

    kafka.run(loop);

    assertThat(journal.entries()).containsExactly(
        "write a b", "failed a b",
        "write a b", "stored a b", "commit chat.messages-0@2",
        "consumer closed (LEAVE_GROUP)");
    assertThat(registry.counter("persister.transient.failures").count()).isEqualTo(1);
  }

  @Test
  void when_a_write_fails_the_batch_polled_behind_it_is_rewound_too_and_nothing_is_lost() {
    AtomicReference<CountDownLatch> write = new AtomicReference<>();
    kafka.then("the group assigns chat.messages-0 (with a) and -1; PostgreSQL will refuse the write", () -> {
          kafka.rebalanceTo(MESSAGES_0, MESSAGES_1);
          send(MESSAGES_0, a);
          postgres.failOnce("a", FailureKind.TRANSIENT);
          write.set(postgres.holdNextWrite());
        })
        .when("PostgreSQL is writing a", () -> journal.is("write a"), () -> {
          // the next poll takes b (behind a on the same partition) and c (another partition)
          send(MESSAGES_0, b);
          send(MESSAGES_1, c);
          write.get().countDown();
        })
        .when("the loop backs off", () -> journal.has("failed a") && !kafka.paused().isEmpty(), () -> {
          assertThat(kafka.position(MESSAGES_0)).as("chat.messages-0 rewound to a").isZero();
          assertThat(kafka.position(MESSAGES_1)).as("chat.messages-1 rewound to c").isZero();
          clock.advance(BACKOFF);
        })
        .when("a, b and c are committed",
            () -> kafka.committedOffset(MESSAGES_0) == 2 && kafka.committedOffset(MESSAGES_1) == 1, () -> {});

    kafka.run(loop);

    assertThat(journal.entries()).containsExactly(
        "write a", "failed a",
        "write a b c", "stored a b c", "commit chat.messages-0@2 chat.messages-1@1",
        "consumer closed (LEAVE_GROUP)");
  }

  @Test
  void a_commit_kafka_refuses_rewinds_the_batch_which_is_written_again_harmlessly_and_committed() {
    kafka.then("the group assigns chat.messages-0, which holds a; the next commit fails", () -> {
          kafka.rebalanceTo(MESSAGES_0);
          send(MESSAGES_0, a);
          kafka.refuseCommits(1);
        })
        .when("the loop backs off", () -> journal.has("commit refused") && !kafka.paused().isEmpty(), () -> {
          assertThat(kafka.position(MESSAGES_0)).as("rewound to a").isZero();
          clock.advance(BACKOFF);
        })
        .when("a is committed", () -> kafka.committedOffset(MESSAGES_0) == 1, () -> {});

    kafka.run(loop);

    assertThat(journal.entries()).containsExactly(
        "write a", "stored a", "commit refused",
        "write a", "stored a", "commit chat.messages-0@1",
        "consumer closed (LEAVE_GROUP)");
    assertThat(registry.counter("persister.rows.duplicate").count()).as("a found stored already").isEqualTo(1);
  }

  @Test
  void partitions_revoked_mid_batch_are_committed_before_they_go_and_never_after_so_nothing_is_written_twice_or_lost() {
    AtomicReference<CountDownLatch> write = new AtomicReference<>();
    kafka.then("the group assigns chat.messages-0 (with a) and -1 (with b)", () -> {
          kafka.rebalanceTo(MESSAGES_0, MESSAGES_1);
          send(MESSAGES_0, a);
          send(MESSAGES_1, b);
          write.set(postgres.holdNextWrite());
        })
        .when("PostgreSQL is writing a and b", () -> journal.is("write a b"), () -> {
          write.get().countDown();
          // a second member joins and takes chat.messages-1 while the batch is under way
          kafka.rebalanceTo(MESSAGES_0);
          assertThat(journal.entries()).as("committed inside the revocation").containsExactly(
              "write a b", "stored a b", "commit chat.messages-0@1 chat.messages-1@1");
          send(MESSAGES_0, c);
          send(MESSAGES_1, d); // the other member's now
        })
        .when("c is committed", () -> kafka.committedOffset(MESSAGES_0) == 2, () -> {
          // the other member leaves: chat.messages-1 comes back, from its committed offset
          kafka.rebalanceTo(MESSAGES_0, MESSAGES_1);
        })
        .when("d is committed", () -> kafka.committedOffset(MESSAGES_1) == 2, () -> {});

    kafka.run(loop);

    assertThat(journal.entries()).containsExactly(
        "write a b", "stored a b", "commit chat.messages-0@1 chat.messages-1@1",
        "write c", "stored c", "commit chat.messages-0@2",
        "write d", "stored d", "commit chat.messages-1@2",
        "consumer closed (LEAVE_GROUP)");
  }

  @Test
  void a_message_postgresql_refuses_goes_to_retry_1_with_the_commit_and_the_rest_of_the_batch_is_stored() {
    kafka.then("the group assigns chat.messages-0, which holds a, b and c; PostgreSQL refuses b", () -> {
          kafka.rebalanceTo(MESSAGES_0, RECEIPTS_0);
          send(MESSAGES_0, a, b, c);
          kafka.append(RECEIPTS_0, key("ride"), value(new ReceiptEvent("ride", "bob", 3, START)));
          postgres.refuse("b");
        })
        .when("the batch is committed", () -> kafka.committedOffset(MESSAGES_0) == 3, () -> {});

    kafka.run(loop);

    assertThat(journal.entries()).containsExactly(
        "write a b c + receipts bob@3", "refused b", "stored a c + receipts bob@3",
        "forward b to chat.messages.retry.1", "commit chat.messages-0@3 chat.receipts-0@1",
        "consumer closed (LEAVE_GROUP)");
    ProducerRecord<byte[], byte[]> retry = producer.forwarded().get(0);
    assertThat(header(retry, RetryHeaders.ATTEMPT)).isEqualTo("1");
    assertThat(header(retry, RetryHeaders.DUE_AT)).isEqualTo("2026-11-24T06:00:01.000Z");
    assertThat(header(retry, RetryHeaders.ORIGINAL_OFFSET)).isEqualTo("1");
    assertThat(header(retry, RetryHeaders.ERROR_KIND)).isEqualTo("sqlstate-23503");
    assertThat(retry.value()).isEqualTo(value(b));
    assertThat(registry.counter("persister.retries", "tier", "1", "kind", "sqlstate-23503").count()).isEqualTo(1);
  }

  @Test
  void an_unreadable_record_goes_to_the_dead_letter_topic_with_the_commit_and_its_gap_is_written_with_the_batch() {
    byte[] unreadable = "{\"conversation\":\"ride\",\"seq\":2,\"sentAt\":\"yesterday\"}".getBytes(StandardCharsets.UTF_8);
    kafka.then("the group assigns chat.messages-0, which holds a, bytes that are no chat message, and c", () -> {
          kafka.rebalanceTo(MESSAGES_0);
          send(MESSAGES_0, a);
          kafka.append(MESSAGES_0, key("ride"), unreadable);
          send(MESSAGES_0, c);
        })
        .when("the batch is committed", () -> kafka.committedOffset(MESSAGES_0) == 3, () -> {});

    kafka.run(loop);

    assertThat(journal.entries()).containsExactly(
        "write a c + gaps ride#2", "stored a c + gaps ride#2",
        "forward bytes {\"conversation\":\"ride\",\"seq\":2,\"sentAt\":\"yesterday\"} to chat.messages.dlq",
        "commit chat.messages-0@3",
        "consumer closed (LEAVE_GROUP)");
    assertThat(registry.counter("persister.dlq", "kind", "unreadable").count()).isEqualTo(1);
  }

  @Test
  void a_write_postgresql_will_never_do_stops_the_loop_with_nothing_committed() {
    kafka.then("the group assigns chat.messages-0, which holds a; the messages table is missing", () -> {
          kafka.rebalanceTo(MESSAGES_0);
          send(MESSAGES_0, a);
          postgres.failOnce("a", FailureKind.FATAL);
        })
        .when("never: the loop stops first", () -> false, () -> {});

    assertThatThrownBy(() -> kafka.run(loop))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("PostgreSQL refuses every write");
    assertThat(journal.entries()).containsExactly("write a", "failed a", "consumer closed (LEAVE_GROUP)");
    assertThat(producer.closed()).isTrue();
  }

  private void send(TopicPartition tp, ChatMessage... messages) {
    for (ChatMessage m : messages) {
      kafka.append(tp, key(m.conversation()), value(m));
    }
  }

  private static String header(ProducerRecord<byte[], byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
