package io.rallypoint.gateway.location;

import io.rallypoint.gateway.cache.TtlCache;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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

  private final TtlCache<String, Boolean> enabled;

  public Consent(PreferenceDao repository, Executor blocking, Duration ttl, LongSupplier nanoClock) {
    if (ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("the consent cache TTL must be at most " + MAX_TTL + ", not " + ttl);
    }
    this.enabled = new TtlCache<>(repository::locationSharingEnabled, blocking, ttl, nanoClock);
  }

  /** Whether the user has location sharing enabled; fails when PostgreSQL cannot be asked. */
  public CompletableFuture<Boolean> sharingEnabled(String user) {
    return enabled.get(user);
  }

  /**
   * Drops this node's cached answer for the user (their preference was just changed), so the
   * change takes effect here at once. A change through the preferences API is dropped on the node
   * that served it (the others see it within their TTL); one through the admin API on every node.
   */
  public void forget(String user) {
    enabled.forget(user);
  }
}
