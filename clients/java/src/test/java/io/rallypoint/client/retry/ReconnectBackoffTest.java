package io.rallypoint.client.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {

  private static ReconnectBackoff backoff(double random) {
    return new ReconnectBackoff(Duration.ofMillis(500), Duration.ofSeconds(15), () -> random);
  }

  @Property
  void every_delay_is_between_half_its_ceiling_and_the_ceiling(
      @ForAll @IntRange(min = 0, max = 1_000) int attempt, @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double random) {
    ReconnectBackoff backoff = backoff(random);
    long ceiling = backoff.ceilingMillis(attempt);

    long delay = backoff.delayMillis(attempt);

    assertThat(delay).isBetween(ceiling / 2, ceiling - 1);
  }

  @Test
  void the_ceiling_doubles_from_the_initial_backoff_up_to_the_maximum() {
    ReconnectBackoff backoff = backoff(0.5);

    assertThat(backoff.ceilingMillis(0)).isEqualTo(500);
    assertThat(backoff.ceilingMillis(1)).isEqualTo(1_000);
    assertThat(backoff.ceilingMillis(4)).isEqualTo(8_000);
    assertThat(backoff.ceilingMillis(5)).isEqualTo(15_000);
    assertThat(backoff.ceilingMillis(Integer.MAX_VALUE)).isEqualTo(15_000);
  }

  @Test
  void the_jitter_spreads_clients_over_the_lower_and_upper_half_of_the_ceiling() {
    assertThat(backoff(0.0).delayMillis(2)).isEqualTo(1_000);
    assertThat(backoff(0.999_999).delayMillis(2)).isEqualTo(1_999);
  }
}
