package io.rallypoint.persister.consume;

import java.time.Duration;

/** Exponential backoff, doubling from an initial pause up to a cap; {@link #reset()} after a success. */
public final class Backoff {

  private final Duration initial;
  private final Duration max;
  private Duration next;

  public Backoff(Duration initial, Duration max) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < initial <= max: " + initial + ", " + max);
    }
    this.initial = initial;
    this.max = max;
    this.next = initial;
  }

  /** The pause to take now; the following one will be twice as long, up to the cap. */
  public Duration nextPause() {
    Duration pause = next;
    Duration doubled = next.multipliedBy(2);
    next = doubled.compareTo(max) > 0 ? max : doubled;
    return pause;
  }

  /** Back to the initial pause. */
  public void reset() {
    next = initial;
  }
}
