package io.rallypoint.gateway.location;

import io.rallypoint.gateway.chat.DependencyDown;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * Whether a user shares their location ({@code user_preferences.location_sharing_enabled}), cached
 * per user for a TTL of at most 10 s, so a change in the table takes effect within that. Lookups
 * run on the blocking executor; concurrent callers for one user share one query.
 */
public final class Consent {

  /** PROTOCOL's promise: a change takes effect within 10 s. */
  public static final Duration MAX_TTL = Duration.ofSeconds(10);
  private static final int PRUNE_ABOVE = 10_000;

  private final PreferenceRepository repository;
  private final Executor blocking;
  private final long ttlNanos;
  private final LongSupplier nanoClock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  public Consent(PreferenceRepository repository, Executor blocking, Duration ttl, LongSupplier nanoClock) {
    if (ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("the consent cache TTL must be at most " + MAX_TTL + ", not " + ttl);
    }
    this.repository = repository;
    this.blocking = blocking;
    this.ttlNanos = ttl.toNanos();
    this.nanoClock = nanoClock;
  }

  /** Whether the user has location sharing enabled; fails when PostgreSQL cannot be asked. */
  public CompletableFuture<Boolean> sharingEnabled(String user) {
    long now = nanoClock.getAsLong();
    if (cache.size() > PRUNE_ABOVE) {
      cache.values().removeIf(c -> now - c.loadedAt >= ttlNanos); // users who went away
    }
    return cache.compute(user, (u, existing) -> {
      if (existing != null && now - existing.loadedAt < ttlNanos && !existing.enabled.isCompletedExceptionally()) {
        return existing;
      }
      return new Cached(now, CompletableFuture.supplyAsync(() -> load(u), blocking));
    }).enabled;
  }

  /**
   * Drops this node's cached answer for the user (their preference was just changed through this
   * node), so the change takes effect here at once; other nodes see it within their TTL.
   */
  public void forget(String user) {
    cache.remove(user);
  }

  private boolean load(String user) {
    try {
      return repository.locationSharingEnabled(user);
    } catch (SQLException e) {
      throw new DependencyDown("PostgreSQL", e);
    }
  }

  private record Cached(long loadedAt, CompletableFuture<Boolean> enabled) {}
}
