package io.rallypoint.gateway.deps;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Admission control in front of one dependency: at most {@code limit} calls wait for it at once.
 * Past that, a call fails at once with {@link DependencyDown} without reaching the dependency, so an
 * overloaded node answers {@code unavailable} now instead of queueing a send until the command
 * timeout, and what it did accept is not held up behind the rest.
 */
public final class InFlightLimit {

  private final String dependency;
  private final int limit;
  private final AtomicInteger inFlight = new AtomicInteger();

  public InFlightLimit(String dependency, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, not " + limit);
    }
    this.dependency = dependency;
    this.limit = limit;
  }

  /** Runs {@code call} if fewer than the limit are waiting; its slot is free again once it completes. */
  public <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> call) {
    if (inFlight.incrementAndGet() > limit) {
      inFlight.decrementAndGet();
      return CompletableFuture.failedFuture(new DependencyDown(dependency,
          new IllegalStateException(limit + " sends on this node are waiting for it already")));
    }
    CompletableFuture<T> pending;
    try {
      pending = call.get();
    } catch (RuntimeException e) {
      inFlight.decrementAndGet();
      return CompletableFuture.failedFuture(e);
    }
    return pending.whenComplete((result, error) -> inFlight.decrementAndGet());
  }

  /** The calls waiting now. */
  public int inFlight() {
    return inFlight.get();
  }
}
