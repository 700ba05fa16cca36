package io.rallypoint.client.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReadPositionsTest {

  @Test
  void receipts_only_move_forward_and_say_who_read_a_message() {
    ReadPositions reads = new ReadPositions();

    assertThat(reads.record(new Receipt("ride", "ben", 5))).isTrue();
    assertThat(reads.record(new Receipt("ride", "ben", 3))).as("stale").isFalse();
    assertThat(reads.record(new Receipt("ride", "cy", 2))).isTrue();

    assertThat(reads.readersOf(2, "ana")).containsExactly("ben", "cy");
    assertThat(reads.readersOf(4, "ana")).containsExactly("ben");
    assertThat(reads.readersOf(4, "ben")).as("not the sender").isEmpty();
  }
}
