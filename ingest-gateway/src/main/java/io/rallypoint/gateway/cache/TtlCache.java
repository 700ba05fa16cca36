package io.rallypoint.gateway.cache;

import io.rallypoint.gateway.chat.DependencyDown;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * Values read from PostgreSQL off the event loop, kept for a TTL: each key is loaded at most once
 * per TTL (concurrent callers share the load), a failed load is tried again by the next caller,
 * and keys nobody asked for within the TTL are dropped once the cache grows past a bound.
 */
public final class TtlCache<K, V> {

  /** Reads one value; may block (it runs on the blocking executor). */
  @FunctionalInterface
  public interface Loader<K, V> {
    V load(K key) throws SQLException;
  }

  private static final int PRUNE_ABOVE = 10_000;

  private final Loader<K, V> loader;
  private final Executor blocking;
  private final long ttlNanos;
  private final LongSupplier nanoClock;
  private final Map<K, Cached<V>> cache = new ConcurrentHashMap<>();

  public TtlCache(Loader<K, V> loader, Executor blocking, Duration ttl, LongSupplier nanoClock) {
    this.loader = loader;
    this.blocking = blocking;
    this.ttlNanos = ttl.toNanos();
    this.nanoClock = nanoClock;
  }

  /** The value, from the cache while fresh; fails with {@link DependencyDown} when PostgreSQL cannot be asked. */
  public CompletableFuture<V> get(K key) {
    long now = nanoClock.getAsLong();
    if (cache.size() > PRUNE_ABOVE) {
      cache.values().removeIf(c -> now - c.loadedAt >= ttlNanos);
    }
    return cache.compute(key, (k, existing) -> {
      if (existing != null && now - existing.loadedAt < ttlNanos && !existing.value.isCompletedExceptionally()) {
        return existing;
      }
      return new Cached<>(now, CompletableFuture.supplyAsync(() -> load(k), blocking));
    }).value;
  }

  /** Drops the cached value, so the next {@link #get} reads it again. */
  public void forget(K key) {
    cache.remove(key);
  }

  private V load(K key) {
    try {
      return loader.load(key);
    } catch (SQLException e) {
      throw new DependencyDown("PostgreSQL", e);
    }
  }

  private record Cached<V>(long loadedAt, CompletableFuture<V> value) {}
}
