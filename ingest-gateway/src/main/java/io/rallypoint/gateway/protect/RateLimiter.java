package io.rallypoint.gateway.protect;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-user rate limit on this node: one {@link TokenBucket} per connected user, shared by all of
 * the user's connections and dropped when the last one closes.
 */
public final class RateLimiter {

  private final int burst;
  private final int perSecond;
  private final LongSupplier nanoClock;
  private final Map<String, Entry> buckets = new ConcurrentHashMap<>();

  public RateLimiter(int burst, int perSecond, LongSupplier nanoClock) {
    this.burst = burst;
    this.perSecond = perSecond;
    this.nanoClock = nanoClock;
  }

  /** The user's bucket, created on the first connection; pair with {@link #release(String)}. */
  public TokenBucket acquire(String user) {
    return buckets.compute(user, (u, e) -> e == null
        ? new Entry(new TokenBucket(burst, perSecond, nanoClock), 1)
        : new Entry(e.bucket, e.connections + 1)).bucket;
  }

  /** One of the user's connections closed. */
  public void release(String user) {
    buckets.computeIfPresent(user, (u, e) -> e.connections <= 1 ? null : new Entry(e.bucket, e.connections - 1));
  }

  /** Users with a bucket (for tests and metrics). */
  public int users() {
    return buckets.size();
  }

  private record Entry(TokenBucket bucket, int connections) {}
}
