package io.rallypoint.client.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TypistsTest {

  @Test
  void a_started_without_renewal_lapses_after_six_seconds() {
    Typists typists = new Typists(6_000);

    assertThat(typists.started("ben", 1_000)).isTrue();
    assertThat(typists.lapsed(6_999)).isEmpty();
    assertThat(typists.lapsed(7_000)).containsExactly("ben");
    assertThat(typists.typing()).isEmpty();
  }

  @Test
  void a_renewal_keeps_the_typist_shown() {
    Typists typists = new Typists(6_000);
    typists.started("ben", 0);

    assertThat(typists.started("ben", 4_000)).as("not news").isFalse();

    assertThat(typists.lapsed(6_000)).isEmpty();
    assertThat(typists.typing()).containsExactly("ben");
  }

  @Test
  void stopped_and_a_closed_connection_end_the_typing() {
    Typists typists = new Typists(6_000);
    typists.started("ben", 0);
    typists.started("cy", 0);

    assertThat(typists.stopped("ben")).isTrue();
    assertThat(typists.stopped("ben")).isFalse();
    assertThat(typists.clear()).containsExactly("cy");
  }
}
