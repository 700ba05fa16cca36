package io.rallypoint.client.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OutboxTest {

  private final InMemoryOutboxStore store = new InMemoryOutboxStore();

  private static OutboxEntry entry(String clientMsgId) {
    return new OutboxEntry("ride", clientMsgId, "body " + clientMsgId, null, Instant.parse("2026-11-24T06:00:00Z"), null);
  }

  private static List<String> ids(List<OutboxEntry> entries) {
    return entries.stream().map(OutboxEntry::clientMsgId).toList();
  }

  @Test
  void messages_are_due_oldest_first_and_saved_before_anything_is_sent() {
    Outbox outbox = new Outbox(store, "ana");
    outbox.add(entry("a"));
    outbox.add(entry("b"));

    assertThat(ids(store.load("ana"))).containsExactly("a", "b");
    assertThat(ids(outbox.due(Set.of(), 0).now())).containsExactly("a", "b");
  }

  @Test
  void a_message_in_flight_is_not_sent_twice_and_a_failed_one_not_at_all() {
    Outbox outbox = new Outbox(store, "ana");
    outbox.add(entry("a"));
    outbox.add(entry("b"));
    outbox.add(entry("c"));
    outbox.fail("b", new Failure("forbidden", "not a member"));

    Outbox.Due due = outbox.due(Set.of("a"), 0);

    assertThat(ids(due.now())).containsExactly("c");
    assertThat(outbox.pendingCount()).isEqualTo(2);
    assertThat(store.load("ana").get(1).failure()).isEqualTo(new Failure("forbidden", "not a member"));
  }

  @Test
  void nothing_overtakes_a_message_waiting_for_its_retry() {
    Outbox outbox = new Outbox(store, "ana");
    outbox.add(entry("a"));
    outbox.add(entry("b"));
    outbox.add(entry("c"));
    outbox.retryAt("b", 0, 1_050);

    Outbox.Due before = outbox.due(Set.of("a"), 1_000);
    Outbox.Due after = outbox.due(Set.of("a"), 1_050);

    assertThat(ids(before.now())).isEmpty();
    assertThat(before.nextAt()).hasValue(1_050);
    assertThat(ids(after.now())).containsExactly("b", "c");
    assertThat(after.nextAt()).isEmpty();
  }

  @Test
  void a_new_connection_makes_every_waiting_message_due_at_once() {
    Outbox outbox = new Outbox(store, "ana");
    outbox.add(entry("a"));
    outbox.retryAt("a", 1, 60_000);

    outbox.newConnection();

    assertThat(ids(outbox.due(Set.of(), 0).now())).containsExactly("a");
  }

  @Test
  void unavailable_refusals_in_a_row_are_counted_and_a_rate_limited_one_starts_again() {
    Outbox outbox = new Outbox(store, "ana");
    outbox.add(entry("a"));

    int first = outbox.refusalsInARow("a", true);
    outbox.retryAt("a", first, 0);
    int second = outbox.refusalsInARow("a", true);
    outbox.retryAt("a", second, 0);

    assertThat(first).isEqualTo(1);
    assertThat(second).isEqualTo(2);
    assertThat(outbox.refusalsInARow("a", false)).isZero();
  }

  @Test
  void settling_takes_the_message_out_for_good_and_a_second_settle_finds_nothing() {
    Outbox outbox = new Outbox(store, "ana");
    outbox.add(entry("a"));
    outbox.add(entry("b"));

    assertThat(outbox.settle("a")).isPresent();
    assertThat(outbox.settle("a")).isEmpty();

    assertThat(ids(new Outbox(store, "ana").entries())).containsExactly("b");
  }

  @Test
  void the_outbox_of_one_user_is_not_another_users() {
    new Outbox(store, "ana").add(entry("a"));

    assertThat(new Outbox(store, "ben").entries()).isEmpty();
    assertThat(ids(new Outbox(store, "ana").entries())).containsExactly("a");
  }
}
