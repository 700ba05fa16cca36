package io.rallypoint.gateway.admin;

import io.rallypoint.gateway.fanout.ClusterBus;
import io.rallypoint.gateway.location.Consent;
import io.rallypoint.gateway.membership.MembershipChanges;
import io.rallypoint.gateway.wire.ChangeNotice;
import io.rallypoint.gateway.wire.ChangeNotice.ConsentChanged;
import io.rallypoint.gateway.wire.ChangeNotice.MembershipChanged;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A change made through the admin API, followed by every node: applied on this one, and published
 * on the cluster bus's changes channel for the others, which apply it when they hear it. Applying
 * is idempotent (a change is announced again when a call is retried), so nothing breaks when a
 * node hears of a change that changed nothing.
 */
public final class ClusterChanges {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterChanges.class);

  private final MembershipChanges membership;
  private final Consent consent;
  private final ClusterBus bus;

  public ClusterChanges(MembershipChanges membership, Consent consent, ClusterBus bus) {
    this.membership = membership;
    this.consent = consent;
    this.bus = bus;
  }

  /**
   * Applies the change here and tells the other nodes; completes once both are done, and fails
   * with {@code DependencyDown} when Redis did not take it (the other nodes may not know).
   */
  public CompletableFuture<Void> announce(ChangeNotice change) {
    CompletableFuture<Void> here = apply(change);
    CompletableFuture<Void> told = bus.publishChange(change.toJson());
    return here.thenCombine(told, (applied, published) -> null);
  }

  /** A change another node announced (the changes channel's sink). */
  public void received(String notice) {
    ChangeNotice change = ChangeNotice.parse(notice);
    if (change == null) {
      LOG.warn("ignoring a change notice this node cannot read: {}", notice);
      return;
    }
    apply(change);
  }

  private CompletableFuture<Void> apply(ChangeNotice change) {
    return switch (change) {
      case MembershipChanged m -> membership.changed(m.conversation(), m.user(), m.member());
      case ConsentChanged c -> {
        consent.forget(c.user());
        yield CompletableFuture.completedFuture(null);
      }
    };
  }
}
