package io.rallypoint.gateway.protect;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-user rate limit on this node: one {@link TokenBucket} per connected user, shared by all of
 * the user's connections (each paced by its own {@link Pacer}) and dropped when the last one closes.
 */
public final class RateLimiter {

  private final int burst;
  private final int perSecond;
  private final Duration abuseWindow;
  private final int abuseMinRefusals;
  private final LongSupplier nanoClock;
  private final Map<String, Entry> buckets = new ConcurrentHashMap<>();

  /**
   * @param abuseWindow      how long a connection may go with no frame admitted while it keeps sending
   * @param abuseMinRefusals the fewest refusals in that window that make it abuse
   */
  public RateLimiter(int burst, int perSecond, Duration abuseWindow, int abuseMinRefusals, LongSupplier nanoClock) {
    this.burst = burst;
    this.perSecond = perSecond;
    this.abuseWindow = abuseWindow;
    this.abuseMinRefusals = abuseMinRefusals;
    this.nanoClock = nanoClock;
  }

  /** A new connection's pace on the user's bucket (created on the first connection); pair with {@link #release}. */
  public Pacer acquire(String user) {
    TokenBucket bucket = buckets.compute(user, (u, e) -> e == null
        ? new Entry(new TokenBucket(burst, perSecond, nanoClock), 1)
        : new Entry(e.bucket, e.connections + 1)).bucket;
    return new Pacer(bucket, nanoClock, abuseWindow, abuseMinRefusals);
  }

  /** One of the user's connections closed: its open turns go back to the bucket. */
  public void release(String user, Pacer pacer) {
    pacer.release();
    buckets.computeIfPresent(user, (u, e) -> e.connections <= 1 ? null : new Entry(e.bucket, e.connections - 1));
  }

  /** Users with a bucket (for tests and metrics). */
  public int users() {
    return buckets.size();
  }

  private record Entry(TokenBucket bucket, int connections) {}
}
