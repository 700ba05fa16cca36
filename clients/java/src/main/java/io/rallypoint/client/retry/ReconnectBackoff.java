package io.rallypoint.client.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before reconnect attempt {@code n} (PROTOCOL section 1.7):
 * {@code min(max, initial * 2^n)}, scaled by a random factor in [0.5, 1) so that the clients of a
 * gateway that restarted do not all come back at the same moment.
 */
public final class ReconnectBackoff {

  private final long initialMs;
  private final long maxMs;
  private final DoubleSupplier random;

  /** {@code random} yields numbers in [0, 1). */
  public ReconnectBackoff(Duration initial, Duration max, DoubleSupplier random) {
    this.initialMs = positive(initial, "initial");
    this.maxMs = positive(max, "max");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** The ceiling of attempt {@code attempt} (0 for the first retry): the delay is in [ceiling / 2, ceiling). */
  public long ceilingMillis(int attempt) {
    long ceiling = initialMs;
    for (int i = 0; i < attempt && ceiling < maxMs; i++) {
      ceiling *= 2;
    }
    return Math.min(maxMs, ceiling);
  }

  /** The delay before attempt {@code attempt}, in milliseconds. */
  public long delayMillis(int attempt) {
    long ceiling = ceilingMillis(attempt);
    return (long) Math.floor(ceiling * (0.5 + random.getAsDouble() * 0.5));
  }

  static long positive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, not " + d);
    }
    return d.toMillis();
  }
}
