package io.rallypoint.client.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * How long a frame refused {@code rate_limited} or {@code unavailable} waits before it is sent
 * again (PROTOCOL section 1.5). {@code rate_limited}: exactly its {@code retryAfterMs}, its turn,
 * for which the gateway keeps a token (sending earlier is refused again, jitter gains nothing).
 * {@code unavailable}: {@code retryAfterMs} doubled on every further refusal in a row, up to a
 * ceiling, plus random jitter of up to as much again, so that clients refused together do not
 * return together. Without a {@code retryAfterMs}, a fallback base stands in for it.
 */
public final class RetryDelay {

  /** The codes after which a frame is kept and sent again. */
  public static boolean isRetryable(String code) {
    return "rate_limited".equals(code) || "unavailable".equals(code);
  }

  private final long fallbackMs;
  private final long maxMs;
  private final DoubleSupplier random;

  /**
   * @param fallback the base when a refusal carries no {@code retryAfterMs}
   * @param max      the most the doubling reaches (PROTOCOL: 30 s)
   * @param random   numbers in [0, 1), for the jitter
   */
  public RetryDelay(Duration fallback, Duration max, DoubleSupplier random) {
    this.fallbackMs = ReconnectBackoff.positive(fallback, "fallback");
    this.maxMs = ReconnectBackoff.positive(max, "max");
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * The wait, in milliseconds, after a refusal with {@code code} and {@code retryAfterMs} (a
   * negative value: the refusal had none); {@code attempts} counts this refusal among those in a
   * row (1 for the first).
   */
  public long millis(String code, long retryAfterMs, int attempts) {
    boolean hinted = retryAfterMs >= 0;
    if ("rate_limited".equals(code) && hinted) {
      return retryAfterMs;
    }
    long base = hinted ? retryAfterMs : fallbackMs;
    long backoff = base;
    for (int i = 1; i < attempts && backoff < maxMs; i++) {
      backoff *= 2;
    }
    backoff = Math.min(maxMs, Math.max(backoff, 0));
    return Math.max(base, Math.round(backoff * (1 + random.getAsDouble())));
  }
}
