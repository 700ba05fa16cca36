package io.rallypoint.client.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class RetryDelayTest {

  private static RetryDelay delay(double random) {
    return new RetryDelay(Duration.ofMillis(500), Duration.ofSeconds(30), () -> random);
  }

  @Property
  void a_rate_limited_frame_waits_exactly_its_turn(
      @ForAll @LongRange(min = 0, max = 600_000) long retryAfterMs, @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double random) {
    assertThat(delay(random).millis("rate_limited", retryAfterMs, 1)).isEqualTo(retryAfterMs);
  }

  @Property
  void an_unavailable_frame_never_goes_before_its_retry_after_and_backs_off_with_jitter_of_up_to_as_much_again(
      @ForAll @LongRange(min = 0, max = 60_000) long retryAfterMs, @ForAll @IntRange(min = 1, max = 50) int attempts,
      @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double random) {
    long backoff = Math.min(30_000, retryAfterMs << Math.min(attempts - 1, 20));

    long wait = delay(random).millis("unavailable", retryAfterMs, attempts);

    assertThat(wait).isGreaterThanOrEqualTo(retryAfterMs).isGreaterThanOrEqualTo(backoff);
    assertThat(wait).isLessThanOrEqualTo(Math.max(retryAfterMs, 2 * backoff));
  }

  @Test
  void unavailable_doubles_per_refusal_in_a_row_up_to_30_seconds() {
    RetryDelay noJitter = delay(0);

    assertThat(noJitter.millis("unavailable", 1_000, 1)).isEqualTo(1_000);
    assertThat(noJitter.millis("unavailable", 1_000, 2)).isEqualTo(2_000);
    assertThat(noJitter.millis("unavailable", 1_000, 3)).isEqualTo(4_000);
    assertThat(noJitter.millis("unavailable", 1_000, 10)).isEqualTo(30_000);
    assertThat(delay(0.5).millis("unavailable", 1_000, 1)).isEqualTo(1_500);
  }

  @Test
  void a_refusal_without_retry_after_backs_off_from_the_fallback() {
    assertThat(delay(0).millis("unavailable", -1, 1)).isEqualTo(500);
    assertThat(delay(0).millis("rate_limited", -1, 2)).isEqualTo(1_000);
  }

  @Test
  void only_rate_limited_and_unavailable_are_sent_again() {
    assertThat(RetryDelay.isRetryable("rate_limited")).isTrue();
    assertThat(RetryDelay.isRetryable("unavailable")).isTrue();
    assertThat(RetryDelay.isRetryable("forbidden")).isFalse();
    assertThat(RetryDelay.isRetryable("bad_request")).isFalse();
  }
}
