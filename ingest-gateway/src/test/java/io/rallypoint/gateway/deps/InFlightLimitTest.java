package io.rallypoint.gateway.deps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InFlightLimitTest {

  @Test
  void pastTheLimitACallFailsAtOnceWithoutRunning() {
    InFlightLimit limit = new InFlightLimit("Redis", 2);
    AtomicInteger ran = new AtomicInteger();
    CompletableFuture<String> first = new CompletableFuture<>();
    CompletableFuture<String> second = new CompletableFuture<>();

    CompletableFuture<String> a = limit.call(() -> { ran.incrementAndGet(); return first; });
    CompletableFuture<String> b = limit.call(() -> { ran.incrementAndGet(); return second; });
    CompletableFuture<String> c = limit.call(() -> { ran.incrementAndGet(); return new CompletableFuture<>(); });

    assertThat(ran).hasValue(2);
    assertThat(a).isNotDone();
    assertThat(b).isNotDone();
    assertThatThrownBy(c::get).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(DependencyDown.class)
        .hasMessage("Redis is unavailable: 2 sends on this node are waiting for it already");
    assertThat(limit.inFlight()).isEqualTo(2);
  }

  @Test
  void aSlotIsFreeAgainOnceItsCallCompletesEitherWay() throws Exception {
    InFlightLimit limit = new InFlightLimit("Redis", 1);
    CompletableFuture<String> failing = new CompletableFuture<>();
    CompletableFuture<String> a = limit.call(() -> failing);
    failing.completeExceptionally(new IllegalStateException("timed out"));
    assertThat(a).isCompletedExceptionally();

    CompletableFuture<String> b = limit.call(() -> CompletableFuture.completedFuture("ok"));
    assertThat(b.get()).isEqualTo("ok");
    assertThat(limit.inFlight()).isZero();
  }

  @Test
  void aCallThatThrowsGivesItsSlotBack() {
    InFlightLimit limit = new InFlightLimit("Redis", 1);
    CompletableFuture<String> thrown = limit.call(() -> {
      throw new IllegalStateException("connection closed");
    });

    assertThat(thrown).isCompletedExceptionally();
    assertThat(limit.inFlight()).isZero();
    assertThat(limit.call(() -> CompletableFuture.completedFuture("next"))).isCompletedWithValue("next");
  }

  @Test
  void aLimitBelowOneIsRefused() {
    assertThatThrownBy(() -> new InFlightLimit("Redis", 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
