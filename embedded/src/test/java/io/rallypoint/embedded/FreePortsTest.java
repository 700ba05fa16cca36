package io.rallypoint.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FreePortsTest {

  @Test
  void portsAskedForTogetherAreDistinctAndNoneIsOneInUse() {
    int inUse = FreePorts.one();
    for (int round = 0; round < 20; round++) {
      int[] ports = FreePorts.distinct(8, inUse);
      assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(8);
      assertThat(ports).doesNotContain(inUse);
      assertThat(Arrays.stream(ports).boxed()).allMatch(p -> p > 0 && p < 65536);
    }
  }

  @Test
  void aStartThatFailsIsTriedOnFreshPortsThenItsLastFailureIsThrown() {
    AtomicInteger tries = new AtomicInteger();
    int port = FreePorts.retryingBind(p -> {
      if (tries.incrementAndGet() < FreePorts.ATTEMPTS) {
        throw new IllegalStateException("bind " + p + " failed");
      }
      return p;
    });
    assertThat(tries.get()).isEqualTo(FreePorts.ATTEMPTS);
    assertThat(port).isPositive();

    AtomicInteger again = new AtomicInteger();
    assertThatThrownBy(() -> FreePorts.retryingBind(p -> {
      throw new IllegalStateException("attempt " + again.incrementAndGet());
    })).hasMessage("attempt " + FreePorts.ATTEMPTS);
  }
}
