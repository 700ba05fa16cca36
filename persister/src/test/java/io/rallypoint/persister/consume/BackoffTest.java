package io.rallypoint.persister.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void pauses_double_up_to_the_cap_and_reset_starts_over() {
    Backoff backoff = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(1));

    assertThat(backoff.nextPause()).isEqualTo(Duration.ofMillis(250));
    assertThat(backoff.nextPause()).isEqualTo(Duration.ofMillis(500));
    assertThat(backoff.nextPause()).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.nextPause()).isEqualTo(Duration.ofSeconds(1));

    backoff.reset();
    assertThat(backoff.nextPause()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void a_cap_below_the_start_is_refused() {
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
