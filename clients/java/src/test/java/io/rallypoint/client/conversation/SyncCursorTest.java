package io.rallypoint.client.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class SyncCursorTest {

  @Test
  void before_the_first_page_there_is_no_cursor_and_no_hole() {
    SyncCursor cursor = new SyncCursor();

    cursor.advance(seq -> true);

    assertThat(cursor.position()).isEmpty();
    assertThat(cursor.leavesHole(42)).isFalse();
  }

  @Test
  void a_page_sets_the_cursor_to_its_last_seq_then_it_moves_over_the_held_seqs_after_it() {
    SyncCursor cursor = new SyncCursor();
    Set<Long> held = Set.of(11L, 12L, 14L);

    cursor.reached(10, held::contains);

    assertThat(cursor.position()).hasValue(12);
    assertThat(cursor.leavesHole(13)).isFalse();
    assertThat(cursor.leavesHole(14)).isTrue();
  }

  @Test
  void live_messages_move_it_only_while_contiguous_so_a_missed_one_is_fetched_by_the_next_sync() {
    SyncCursor cursor = new SyncCursor();
    cursor.reached(5, seq -> false);

    cursor.advance(Set.of(6L, 8L)::contains); // 7 was missed while disconnected

    assertThat(cursor.position()).hasValue(6);
  }

  @Test
  void a_last_seq_lower_than_the_cursor_is_taken_so_nothing_still_to_come_is_skipped() {
    SyncCursor cursor = new SyncCursor();
    cursor.reached(40, seq -> false);

    cursor.reached(12, seq -> false); // the conversation's last seq, after a counter restarted lower

    assertThat(cursor.position()).hasValue(12);
  }

  @Test
  void an_empty_conversation_starts_the_cursor_at_zero() {
    SyncCursor cursor = new SyncCursor();

    cursor.reached(0, Set.of(1L)::contains);

    assertThat(cursor.position()).hasValue(1);
  }
}
