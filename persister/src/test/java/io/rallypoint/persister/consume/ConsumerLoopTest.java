package io.rallypoint.persister.consume;

import static io.rallypoint.persister.consume.Records.MESSAGES_0;
import static io.rallypoint.persister.consume.Records.MESSAGES_1;
import static io.rallypoint.persister.consume.Records.key;
import static io.rallypoint.persister.consume.Records.message;
import static io.rallypoint.persister.consume.Records.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.rallypoint.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.junit.jupiter.api.Test;

/** What every consumer loop does around its batches: backing off, and stopping. */
class ConsumerLoopTest {

  static final Duration BACKOFF = Duration.ofMillis(250);

  final Journal journal = new Journal();
  final TestClock clock = new TestClock(Instant.parse("2026-11-24T06:00:00Z"));
  final ScriptedConsumer kafka = new ScriptedConsumer(journal);
  final JournalingProducer producer = new JournalingProducer(kafka, journal);
  final Probe loop = new Probe(kafka, producer, clock, journal);

  /** The smallest loop: handles a poll by committing it, or gives it back when the test says the write failed. */
  static final class Probe extends ConsumerLoop {

    private final Journal journal;
    volatile boolean failNext;

    Probe(ScriptedConsumer kafka, JournalingProducer producer, TestClock clock, Journal journal) {
      super("probe", kafka, new TransactionalForwarder(producer), new Backoff(BACKOFF, Duration.ofSeconds(15)), clock);
      this.journal = journal;
    }

    @Override
    List<String> topics() {
      return List.of(Topics.CHAT_MESSAGES.name());
    }

    @Override
    void process(ConsumerRecords<byte[], byte[]> records) {
      String bodies = StreamSupport.stream(records.spliterator(), false).map(r -> Records.label(r.value())).sorted()
          .collect(Collectors.joining(" "));
      if (failNext) {
        failNext = false;
        journal.add("gave back " + bodies);
        backOff(records, "PostgreSQL unavailable");
        return;
      }
      journal.add("handled " + bodies);
      forwarder.commit(consumer, List.of(), Offsets.after(records));
      succeeded();
    }

    @Override
    void stopping() {
      journal.add("stopping");
    }
  }

  @Test
  void a_backoff_pauses_every_partition_also_one_assigned_meanwhile_and_polls_no_longer_than_the_pause_left() {
    kafka.then("the group assigns chat.messages-0, which holds a; the write will fail", () -> {
          kafka.rebalanceTo(MESSAGES_0);
          kafka.append(MESSAGES_0, key("ride"), value(message(1, "a")));
          loop.failNext = true;
        })
        .when("the loop backs off", () -> journal.has("gave back a"), () -> {
          assertThat(kafka.paused()).containsExactly(MESSAGES_0);
          kafka.rebalanceTo(MESSAGES_0, MESSAGES_1); // a rebalance during the pause adds chat.messages-1
          kafka.append(MESSAGES_1, key("ride"), value(message(2, "b")));
          clock.advance(Duration.ofMillis(100));
        })
        .then("a poll 150 ms before the pause is over", () -> {
          assertThat(kafka.paused()).containsExactlyInAnyOrder(MESSAGES_0, MESSAGES_1);
          assertThat(kafka.pollWait()).as("the poll waits until the pause is over, no longer")
              .isEqualTo(Duration.ofMillis(150));
          assertThat(kafka.deliveries(MESSAGES_1, 0)).as("polls that returned b").isZero();
          clock.advance(Duration.ofMillis(150));
        })
        .when("a and b are committed",
            () -> kafka.committedOffset(MESSAGES_0) == 1 && kafka.committedOffset(MESSAGES_1) == 1, () -> {});

    kafka.run(loop);

    assertThat(journal.entries()).containsExactly(
        "gave back a", "handled a b", "commit chat.messages-0@1 chat.messages-1@1",
        "stopping", "consumer closed (LEAVE_GROUP)");
  }

  @Test
  void a_loop_is_ready_once_it_holds_an_assignment_and_on_close_it_finishes_then_leaves_the_group_and_closes_its_producer() {
    assertThat(loop.readinessProblem()).isEqualTo("probe has no assignment from its consumer group yet");
    kafka.then("the group assigns chat.messages-0", () -> kafka.rebalanceTo(MESSAGES_0))
        .then("the next poll", () -> assertThat(loop.readinessProblem()).isNull());

    kafka.run(loop);

    assertThat(journal.entries()).containsExactly("stopping", "consumer closed (LEAVE_GROUP)");
    assertThat(producer.closed()).as("producer closed").isTrue();
  }
}
