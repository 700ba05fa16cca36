package io.rallypoint.gateway.chat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * Who may post to a conversation: its members from PostgreSQL, cached per conversation for a
 * short TTL so the send path asks the database about once per conversation per TTL. Lookups run
 * on the blocking executor; concurrent callers for the same conversation share one query.
 */
public final class Membership {

  private final MemberRepository repository;
  private final Executor blocking;
  private final long ttlNanos;
  private final LongSupplier nanoClock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  public Membership(MemberRepository repository, Executor blocking, Duration ttl, LongSupplier nanoClock) {
    this.repository = repository;
    this.blocking = blocking;
    this.ttlNanos = ttl.toNanos();
    this.nanoClock = nanoClock;
  }

  /** The members of a conversation; fails when PostgreSQL cannot be asked. */
  public CompletableFuture<Set<String>> members(String conversation) {
    long now = nanoClock.getAsLong();
    Cached cached = cache.compute(conversation, (c, existing) -> {
      if (existing != null && now - existing.loadedAt < ttlNanos && !existing.members.isCompletedExceptionally()) {
        return existing;
      }
      return new Cached(now, CompletableFuture.supplyAsync(() -> load(c), blocking));
    });
    return cached.members;
  }

  /** Whether the user is a member. */
  public CompletableFuture<Boolean> isMember(String conversation, String user) {
    return members(conversation).thenApply(m -> m.contains(user));
  }

  /** The conversations a user belongs to (uncached: asked once per connection). */
  public CompletableFuture<List<String>> conversationsOf(String user) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return repository.conversationsOf(user);
      } catch (java.sql.SQLException e) {
        throw new DependencyDown("PostgreSQL", e);
      }
    }, blocking);
  }

  private Set<String> load(String conversation) {
    try {
      return repository.membersOf(conversation);
    } catch (java.sql.SQLException e) {
      throw new DependencyDown("PostgreSQL", e);
    }
  }

  private record Cached(long loadedAt, CompletableFuture<Set<String>> members) {}
}
