package io.rallypoint.gateway.protect;

import java.util.function.LongSupplier;

/**
 * A token bucket: holds up to {@code capacity} tokens, refills {@code perSecond} tokens a second,
 * and each admitted frame takes one. A refused frame may be promised the next token nobody else
 * was promised ({@link #reserve()}): its token is taken now, in advance, and each later promise
 * lies one refill interval further out. Thread-safe; a user's connections on one node share one.
 *
 * <p>Kept as the generic cell rate algorithm's state, the instant at which the bucket would be
 * full again ({@code fullAt}), so that every wait is an exact number of nanoseconds.
 */
public final class TokenBucket {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final long interval;
  private final long burstTolerance;
  private final LongSupplier nanoClock;
  /** When the bucket is full again if nothing more is taken; at or before now: it is full. */
  private long fullAt;

  public TokenBucket(int capacity, int perSecond, LongSupplier nanoClock) {
    if (capacity < 1 || perSecond < 1) {
      throw new IllegalArgumentException("capacity and rate must be positive: " + capacity + ", " + perSecond);
    }
    this.interval = NANOS_PER_SECOND / perSecond;
    this.burstTolerance = (capacity - 1) * interval;
    this.nanoClock = nanoClock;
    this.fullAt = nanoClock.getAsLong();
  }

  /** Takes a token if one is there that nobody was promised. */
  public synchronized boolean tryTake() {
    long now = nanoClock.getAsLong();
    if (waitNanos(now) > 0) {
      return false;
    }
    fullAt = Math.max(fullAt, now) + interval;
    return true;
  }

  /**
   * Promises a refused frame the next token nobody was promised, and takes it in advance: the
   * frame, sent again once that token is there, needs none. Returns the nanoseconds until then.
   */
  public synchronized long reserve() {
    long now = nanoClock.getAsLong();
    long wait = waitNanos(now);
    fullAt = Math.max(fullAt, now) + interval;
    return wait;
  }

  /** Gives back the token of a promise that was not used (the frame never came back in time). */
  public synchronized void refund() {
    fullAt = Math.max(nanoClock.getAsLong(), fullAt - interval);
  }

  /** Nanoseconds until a token is there that nobody was promised (0 when one is there now). */
  public synchronized long nanosUntilFree() {
    return waitNanos(nanoClock.getAsLong());
  }

  private long waitNanos(long now) {
    return Math.max(0, fullAt - burstTolerance - now);
  }
}
