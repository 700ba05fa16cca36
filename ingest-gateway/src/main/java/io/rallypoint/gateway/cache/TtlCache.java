package io.rallypoint.gateway.cache;

import io.rallypoint.gateway.deps.DependencyDown;
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
      return new Cached<>(now, DependencyDown.postgresAsync(() -> loader.load(k), blocking),
          existing == null ? null : existing.lastKnown());
    }).value;
  }

  /**
   * The last value loaded for the key, without waiting: fresh, or stale while it is read again in
   * the background (a failed read keeps the stale one); null while none has loaded yet. For hot
   * paths that must not wait for PostgreSQL but should follow its changes within about a TTL.
   */
  public V peek(K key) {
    Cached<V> cached = cache.get(key);
    if (cached == null || nanoClock.getAsLong() - cached.loadedAt >= ttlNanos
        || cached.value.isCompletedExceptionally()) {
      get(key); // starts the (re)load; this caller goes on with what is known now
      cached = cache.get(key);
    }
    return cached == null ? null : cached.lastKnown();
  }

  /**
   * Reads the value again now, whatever its age, and keeps the new load (a {@link #peek} meanwhile
   * still answers the previous value). For a change this node was told about: the load starts
   * after the change was made, so it sees it.
   */
  public CompletableFuture<V> reload(K key) {
    long now = nanoClock.getAsLong();
    return cache.compute(key, (k, existing) -> new Cached<>(now,
        DependencyDown.postgresAsync(() -> loader.load(k), blocking), existing == null ? null : existing.lastKnown()))
        .value;
  }

  /** Whether a value for the key is kept (fresh or not). */
  public boolean holds(K key) {
    return cache.containsKey(key);
  }

  /** Drops the cached value, so the next {@link #get} reads it again. */
  public void forget(K key) {
    cache.remove(key);
  }

  /** A load started at {@code loadedAt}, and the value before it ({@code previous}, null if none) for {@link #peek}. */
  private record Cached<V>(long loadedAt, CompletableFuture<V> value, V previous) {
    V lastKnown() {
      return value.isDone() && !value.isCompletedExceptionally() ? value.join() : previous;
    }
  }
}
