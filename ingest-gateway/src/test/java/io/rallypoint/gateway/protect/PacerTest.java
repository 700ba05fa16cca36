package io.rallypoint.gateway.protect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The rate limit as one connection meets it, on a clock the test moves: turns, retryAfterMs, the abuse window. */
class PacerTest {

  private static final Duration WINDOW = Duration.ofSeconds(10);
  private final AtomicLong now = new AtomicLong(5_000_000_000L);

  /** 20 frames a second, bursts of 40, as the gateway's defaults. */
  private final TokenBucket bucket = new TokenBucket(40, 20, now::get);

  private Pacer pacer(int minRefusals) {
    return new Pacer(bucket, now::get, WINDOW, minRefusals);
  }

  private void advanceMillis(long millis) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  @Test
  void anOutboxSentAtOnceIsRefusedFrameByFrameWithEachFramesOwnTurn() {
    Pacer pacer = pacer(100);

    // When 100 frames arrive at once
    List<Pacer.Verdict> verdicts = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      verdicts.add(pacer.admit("m" + i));
    }

    // Then the burst goes through and each of the other 60 is told when a token is there for it,
    // one refill interval (50 ms) after the one before
    assertThat(verdicts.subList(0, 40)).allMatch(Pacer.Admitted.class::isInstance);
    List<Long> waits = verdicts.subList(40, 100).stream().map(v -> ((Pacer.Refused) v).retryAfterMs()).toList();
    List<Long> expected = new ArrayList<>();
    for (long turn = 1; turn <= 60; turn++) {
      expected.add(turn * 50);
    }
    assertThat(waits).isEqualTo(expected);
  }

  @Test
  void eachRefusedFrameSentAgainAfterItsRetryAfterGoesThroughEvenWhileOthersWait() {
    Pacer pacer = pacer(100);
    long[] retryAt = new long[500];
    // Given an outbox of 500 frames sent at once: 40 through, 460 refused with their turns
    for (int i = 0; i < 500; i++) {
      if (pacer.admit("m" + i) instanceof Pacer.Refused refused) {
        retryAt[i] = refused.retryAfterMs();
      }
    }

    // When each refused frame is sent again once its retryAfterMs has passed (here 1 ms late),
    // and a new frame keeps arriving every 10 ms in between
    long start = 0;
    int admittedAgain = 0;
    int newFramesRefused = 0;
    for (long t = 1; t <= 23_100; t++) {
      advanceMillis(1);
      for (int i = 40; i < 500; i++) {
        if (retryAt[i] + 1 == t - start) {
          assertThat(pacer.admit("m" + i)).as("frame %d at its turn", i).isInstanceOf(Pacer.Admitted.class);
          admittedAgain++;
        }
      }
      if (t % 10 == 0 && pacer.admit("new" + t) instanceof Pacer.Refused) {
        newFramesRefused++;
      }
    }

    // Then every one of them went through at its turn, in 23 s at the sustained rate, with the
    // connection refusing for far longer than the abuse window and never called abusive
    assertThat(admittedAgain).isEqualTo(460);
    assertThat(newFramesRefused).isEqualTo(2_310);
  }

  @Test
  void aConnectionThatKeepsSendingNewFramesWhileRefusedIsAbusiveOnceTheWindowHasPassed() {
    Pacer pacer = pacer(100);
    // Given the burst spent
    for (int i = 0; i < 40; i++) {
      pacer.admit("burst" + i);
    }

    // When the client keeps sending a new frame every 10 ms, ignoring every retryAfterMs
    List<Pacer.Verdict> verdicts = new ArrayList<>();
    for (int i = 0; i <= 1_000; i++) {
      verdicts.add(pacer.admit("flood" + i));
      advanceMillis(10);
    }

    // Then nothing of it goes through (every token is promised to the frames it was told to send
    // again), it is refused until the window has passed, and abusive from then on
    assertThat(verdicts.subList(0, 1_000)).allMatch(Pacer.Refused.class::isInstance);
    assertThat(verdicts.get(1_000)).isInstanceOfSatisfying(Pacer.Abusive.class, abusive -> {
      assertThat(abusive.refusedFor()).isEqualTo(WINDOW);
      assertThat(abusive.refusals()).isEqualTo(1_001);
    });
  }

  @Test
  void theWindowStartsAgainAtEveryAdmittedFrame() {
    Pacer pacer = pacer(100);
    for (int i = 0; i < 40; i++) {
      pacer.admit("burst" + i);
    }
    // Given 9.9 s of new frames every 10 ms, all refused
    int i = 0;
    for (; i < 990; i++) {
      assertThat(pacer.admit("flood" + i)).isInstanceOf(Pacer.Refused.class);
      advanceMillis(10);
    }

    // When one refused frame is sent again at its turn (due at 7.55 s), it goes through
    assertThat(pacer.admit("flood150")).isInstanceOf(Pacer.Admitted.class);

    // Then another 9.9 s of refusals is still no abuse: the window counts from that frame
    for (int j = 0; j < 990; j++, i++) {
      assertThat(pacer.admit("flood" + i)).isInstanceOf(Pacer.Refused.class);
      advanceMillis(10);
    }
    advanceMillis(100);
    assertThat(pacer.admit("flood" + i)).isInstanceOf(Pacer.Abusive.class);
  }

  @Test
  void refusedForTheWholeWindowIsAbuseOnlyWithTheLeastNumberOfRefusals() {
    // Given a laptop that takes every token the user gets: a new frame every 10 ms
    Pacer laptop = pacer(100);
    // and two phones of the same user that send one frame a second, all refused meanwhile
    Pacer phone = pacer(100);
    Pacer strictPhone = pacer(11);
    for (int i = 0; i < 40; i++) {
      laptop.admit("burst" + i);
    }
    for (int ms = 0; ms < 10_000; ms += 10) {
      laptop.admit("laptop" + ms);
      if (ms % 1_000 == 0) {
        assertThat(phone.admit("phone" + ms)).isInstanceOf(Pacer.Refused.class);
        assertThat(strictPhone.admit("phone" + ms)).isInstanceOf(Pacer.Refused.class);
      }
      advanceMillis(10);
    }

    // When 10 s have passed since their first refusal and they send their 11th frame
    Pacer.Verdict eleventh = phone.admit("phone-last");
    Pacer.Verdict strictEleventh = strictPhone.admit("phone-last");

    // Then 11 refusals are no abuse where 100 are needed, and abuse where 11 are
    assertThat(eleventh).isInstanceOf(Pacer.Refused.class);
    assertThat(strictEleventh).isInstanceOfSatisfying(Pacer.Abusive.class,
        abusive -> assertThat(abusive.refusals()).isEqualTo(11));
  }

  @Test
  void aFrameSentAgainBeforeItsTurnIsRefusedAndItsTurnStillHolds() {
    Pacer pacer = pacer(100);
    for (int i = 0; i < 40; i++) {
      pacer.admit("burst" + i);
    }
    long wait = ((Pacer.Refused) pacer.admit("m")).retryAfterMs();
    assertThat(wait).isEqualTo(50);

    // When it is sent again 20 ms later: refused, with a turn of its own after the first
    advanceMillis(20);
    assertThat(pacer.admit("m")).isInstanceOfSatisfying(Pacer.Refused.class,
        again -> assertThat(again.retryAfterMs()).isEqualTo(80));

    // Then at the first turn it goes through, and at the second again
    advanceMillis(30);
    assertThat(pacer.admit("m")).isInstanceOf(Pacer.Admitted.class);
    advanceMillis(50);
    assertThat(pacer.admit("m")).isInstanceOf(Pacer.Admitted.class);
    assertThat(pacer.openTurns()).isZero();
  }

  @Test
  void aTurnIsKeptForAMinuteAfterItIsDueThenForgotten() {
    Pacer pacer = pacer(100);
    for (int i = 0; i < 40; i++) {
      pacer.admit("burst" + i);
    }
    // Given 20 refused frames, due 50 ms to 1 s from now
    for (int i = 0; i < 20; i++) {
      pacer.admit("m" + i);
    }

    // When the first comes back 59 s late, it still has its turn
    advanceMillis(59_050);
    assertThat(pacer.admit("m0")).isInstanceOf(Pacer.Admitted.class);
    assertThat(pacer.openTurns()).isEqualTo(19);

    // Then a minute after they were due the others are forgotten (the client dropped them)
    advanceMillis(2_000);
    assertThat(pacer.admit("another")).isInstanceOf(Pacer.Admitted.class);
    assertThat(pacer.openTurns()).isZero();
  }

  @Test
  void aClosedConnectionsTurnsGoBackToItsUsersOtherConnections() {
    Pacer phone = pacer(100);
    Pacer laptop = pacer(100);
    for (int i = 0; i < 60; i++) {
      phone.admit("m" + i); // 40 through, 20 turns
    }
    advanceMillis(1_000); // 20 tokens: all promised
    assertThat(laptop.admit("hello")).isInstanceOf(Pacer.Refused.class);

    phone.release();

    assertThat(laptop.admit("hello again")).isInstanceOf(Pacer.Admitted.class);
  }

  @Test
  void pastTheMostOpenTurnsARefusedFrameIsToldToWaitForEveryPromisedToken() {
    Pacer pacer = pacer(100_000);
    for (int i = 0; i < 40 + Pacer.MAX_TURNS; i++) {
      pacer.admit("m" + i);
    }
    assertThat(pacer.openTurns()).isEqualTo(Pacer.MAX_TURNS);

    Pacer.Verdict past = pacer.admit("one more");

    assertThat(past).isInstanceOfSatisfying(Pacer.Refused.class,
        r -> assertThat(r.retryAfterMs()).isEqualTo((Pacer.MAX_TURNS + 1) * 50L));
    assertThat(pacer.openTurns()).isEqualTo(Pacer.MAX_TURNS);
  }
}
