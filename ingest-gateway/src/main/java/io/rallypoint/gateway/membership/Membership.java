package io.rallypoint.gateway.membership;

import io.rallypoint.gateway.cache.TtlCache;
import io.rallypoint.gateway.deps.DependencyDown;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * Who may post to a conversation: its members from PostgreSQL, cached per conversation for a
 * short TTL so the send path asks the database about once per conversation per TTL. Lookups run
 * on the blocking executor; concurrent callers for the same conversation share one query.
 */
public final class Membership {

  private final MemberDao repository;
  private final Executor blocking;
  private final TtlCache<String, Set<String>> members;

  public Membership(MemberDao repository, Executor blocking, Duration ttl, LongSupplier nanoClock) {
    this.repository = repository;
    this.blocking = blocking;
    this.members = new TtlCache<>(repository::membersOf, blocking, ttl, nanoClock);
  }

  /** The members of a conversation; fails when PostgreSQL cannot be asked. */
  public CompletableFuture<Set<String>> members(String conversation) {
    return members.get(conversation);
  }

  /**
   * The members as last read, without waiting (null before the first read); a stale list is read
   * again in the background. Delivery uses it, so a member removed in PostgreSQL stops receiving
   * the conversation within about a TTL on every node.
   */
  public Set<String> knownMembers(String conversation) {
    return members.peek(conversation);
  }

  /**
   * Reads the members again now (they were just changed); until the new list is read, delivery
   * goes on with the previous one.
   */
  public CompletableFuture<Set<String>> reload(String conversation) {
    return members.reload(conversation);
  }

  /** Whether this node keeps a member list of the conversation (fresh or stale). */
  public boolean holds(String conversation) {
    return members.holds(conversation);
  }

  /** Whether the user is a member. */
  public CompletableFuture<Boolean> isMember(String conversation, String user) {
    return members(conversation).thenApply(m -> m.contains(user));
  }

  /** The conversations a user belongs to (uncached: asked once per connection). */
  public CompletableFuture<List<String>> conversationsOf(String user) {
    return DependencyDown.postgresAsync(() -> repository.conversationsOf(user), blocking);
  }

}
