package io.rallypoint.location.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The per-conversation deadlines the wall-clock pass takes from. */
class StationaryDeadlinesTest {

  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

  private final StationaryDeadlines deadlines = new StationaryDeadlines();

  @Test
  void onlyConversationsStrictlyPastTheirDeadlineAreDueEarliestFirst() {
    deadlines.schedule("late", T0.plusSeconds(20));
    deadlines.schedule("early", T0.plusSeconds(10));
    deadlines.schedule("exact", T0.plusSeconds(15));

    assertThat(deadlines.takeDueBefore(T0.plusSeconds(15))).containsExactly("early");
    assertThat(deadlines.takeDueBefore(T0.plusSeconds(30))).containsExactly("exact", "late");
    assertThat(deadlines.size()).isZero();
  }

  @Test
  void takenConversationsAreGoneUntilScheduledAgain() {
    deadlines.schedule("ride", T0);

    assertThat(deadlines.takeDueBefore(T0.plusSeconds(1))).containsExactly("ride");
    assertThat(deadlines.takeDueBefore(T0.plusSeconds(2))).isEmpty();
    assertThat(deadlines.deadlineOf("ride")).isNull();

    deadlines.schedule("ride", T0.plusSeconds(5));
    assertThat(deadlines.takeDueBefore(T0.plusSeconds(6))).containsExactly("ride");
  }

  @Test
  void reschedulingMovesTheConversationAndNullClearsIt() {
    deadlines.schedule("ride", T0.plusSeconds(10));
    deadlines.schedule("other", T0.plusSeconds(10));
    deadlines.schedule("ride", T0.plusSeconds(100));
    deadlines.schedule("other", null);

    assertThat(deadlines.takeDueBefore(T0.plusSeconds(50))).isEmpty();
    assertThat(deadlines.deadlineOf("ride")).isEqualTo(T0.plusSeconds(100));
    assertThat(deadlines.deadlineOf("other")).isNull();
    assertThat(deadlines.size()).isEqualTo(1);
  }

  @Test
  void schedulingTheSameDeadlineTwiceKeepsOneEntry() {
    deadlines.schedule("ride", T0);
    deadlines.schedule("ride", T0);

    assertThat(deadlines.takeDueBefore(T0.plusMillis(1))).containsExactly("ride");
  }

  @Test
  void clearForgetsEverything() {
    deadlines.schedule("a", T0);
    deadlines.schedule("b", T0.plusSeconds(1));
    deadlines.clear();

    assertThat(deadlines.size()).isZero();
    assertThat(deadlines.takeDueBefore(T0.plusSeconds(10))).isEmpty();
  }
}
