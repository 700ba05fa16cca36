package io.rallypoint.gateway.typing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a typing lapses, on a clock the test moves by hand. */
class TypingLapsesTest {

  private final ManualTimer timer = new ManualTimer();
  private final List<String> lapsed = new ArrayList<>();
  private final TypingLapses lapses = new TypingLapses(timer, (conversation, user) -> lapsed.add(conversation + " " + user));
  private final Object anasPhone = new Object();
  private final Object anasLaptop = new Object();

  @Test
  void aStartedThatIsNotRenewedLapsesAfterSixSecondsExactlyOnce() {
    // Given ana started typing
    lapses.started("ride", "ana", anasPhone);

    // Then nothing lapses just before 6 s
    timer.advance(Duration.ofMillis(5_999));
    assertThat(lapsed).isEmpty();
    assertThat(lapses.typingCount()).isEqualTo(1);

    // And at 6 s it lapses, once
    timer.advance(Duration.ofMillis(1));
    assertThat(lapsed).containsExactly("ride ana");
    timer.advance(Duration.ofSeconds(60));
    assertThat(lapsed).containsExactly("ride ana");
    assertThat(lapses.typingCount()).isZero();
  }

  @Test
  void aRenewalStartsTheSixSecondsAgain() {
    lapses.started("ride", "ana", anasPhone);
    timer.advance(Duration.ofSeconds(4));

    // When she renews at 4 s
    lapses.started("ride", "ana", anasPhone);

    // Then it has not lapsed at 6 s, nor just before 10 s
    timer.advance(Duration.ofMillis(5_999));
    assertThat(lapsed).isEmpty();
    // And it lapses at 10 s, once: the first lapse was replaced, not added to
    timer.advance(Duration.ofMillis(1));
    assertThat(lapsed).containsExactly("ride ana");
    assertThat(timer.pending()).isZero();
  }

  @Test
  void aStoppedEndsTheTypingWithoutALapse() {
    lapses.started("ride", "ana", anasPhone);
    timer.advance(Duration.ofSeconds(2));

    assertThat(lapses.stopped("ride", "ana")).isTrue();

    timer.advance(Duration.ofSeconds(10));
    assertThat(lapsed).isEmpty();
    // And a stopped with nothing started says so
    assertThat(lapses.stopped("ride", "ana")).isFalse();
  }

  @Test
  void closingTheConnectionThatLastRenewedEndsItsTypingEverywhereAndOnlyThat() {
    // Given ana types in two conversations from her phone and in a third from her laptop
    lapses.started("ride", "ana", anasPhone);
    lapses.started("club", "ana", anasPhone);
    lapses.started("family", "ana", anasLaptop);

    // When the phone's connection closes
    List<String> ended = lapses.closed(anasPhone);

    // Then its two typings end now, without a lapse later, and the laptop's lapses as usual
    assertThat(ended).containsExactlyInAnyOrder("ride", "club");
    timer.advance(Duration.ofSeconds(6));
    assertThat(lapsed).containsExactly("family ana");
  }

  @Test
  void aRenewalFromAnotherConnectionTakesTheTypingOver() {
    lapses.started("ride", "ana", anasPhone);
    lapses.started("ride", "ana", anasLaptop);

    // the phone closing no longer ends it: the laptop renewed it last
    assertThat(lapses.closed(anasPhone)).isEmpty();
    timer.advance(Duration.ofSeconds(6));
    assertThat(lapsed).containsExactly("ride ana");
  }

  @Test
  void typistsAreKeptApartByConversationAndUser() {
    lapses.started("ride", "ana", anasPhone);
    timer.advance(Duration.ofSeconds(3));
    lapses.started("ride", "ben", new Object());
    lapses.stopped("club", "ana");

    timer.advance(Duration.ofSeconds(3));
    assertThat(lapsed).containsExactly("ride ana");
    timer.advance(Duration.ofSeconds(3));
    assertThat(lapsed).containsExactly("ride ana", "ride ben");
  }
}
