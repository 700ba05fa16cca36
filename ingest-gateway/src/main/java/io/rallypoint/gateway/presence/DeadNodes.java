package io.rallypoint.gateway.presence;

import io.rallypoint.gateway.membership.Membership;
import io.rallypoint.gateway.store.RedisPresenceStore;
import io.rallypoint.schemas.frame.PresenceState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's heartbeat, and the clean-up after nodes that died. Every quarter of the node TTL the
 * node renews its heartbeat (a Redis key that expires a TTL later) and looks for listed nodes whose
 * heartbeat expired; it claims each such node (one survivor gets it) and removes it from each of
 * the dead node's users' presence, telling the members of the conversations of every user that
 * thereby went offline. So a dead node's users go offline within 1.25 times the TTL of its death,
 * plus the clean-up; the work is per dead node, never per connection.
 */
public final class DeadNodes implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DeadNodes.class);

  private final String nodeId;
  private final RedisPresenceStore store;
  private final Membership membership;
  private final PresenceNotices notices;
  private final Duration ttl;
  private final ScheduledExecutorService scheduler;
  private final AtomicBoolean cleaning = new AtomicBoolean();
  private volatile ScheduledFuture<?> beats;

  DeadNodes(String nodeId, RedisPresenceStore store, Membership membership, PresenceNotices notices, Duration ttl,
      ScheduledExecutorService scheduler) {
    this.nodeId = nodeId;
    this.store = store;
    this.membership = membership;
    this.notices = notices;
    this.ttl = ttl;
    this.scheduler = scheduler;
  }

  /** How often the node beats and looks for dead nodes. */
  Duration period() {
    return ttl.dividedBy(4);
  }

  /** Beats once (waiting up to {@code timeout}: the node is listed before it serves anyone), then every period. */
  void start(Duration timeout) {
    store.beat(nodeId, ttl).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).exceptionally(error -> {
      LOG.warn("presence heartbeat of node {} not written at start: {}", nodeId, error.toString());
      return null;
    }).join();
    long periodMillis = period().toMillis();
    beats = scheduler.scheduleAtFixedRate(this::tick, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    store.beat(nodeId, ttl).exceptionally(error -> {
      LOG.warn("presence heartbeat of node {} not renewed: {}", nodeId, error.toString());
      return null;
    });
    if (!cleaning.compareAndSet(false, true)) {
      return; // the previous look is still cleaning up
    }
    store.deadNodes(nodeId).thenCompose(this::cleanUpAll).whenComplete((ignored, error) -> {
      cleaning.set(false);
      if (error != null) {
        LOG.warn("looking for dead gateway nodes failed: {}", error.toString());
      }
    });
  }

  private CompletableFuture<Void> cleanUpAll(List<String> dead) {
    CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
    for (String node : dead) {
      all = all.thenCompose(ignored -> store.claimDead(node, nodeId, ttl))
          .thenCompose(claimed -> claimed ? cleanUp(node) : CompletableFuture.completedFuture(null));
    }
    return all;
  }

  private CompletableFuture<Void> cleanUp(String deadNode) {
    return store.usersOf(deadNode).thenCompose(users -> {
      LOG.info("gateway node {} is dead (no heartbeat for {}): its {} users leave", deadNode, ttl, users.size());
      List<CompletableFuture<Void>> each = new ArrayList<>(users.size());
      for (String user : users) {
        each.add(store.leave(user, deadNode).thenCompose(last -> last ? tellOffline(user) : done()));
      }
      return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new));
    }).thenCompose(ignored -> store.forget(deadNode));
  }

  private CompletableFuture<Void> tellOffline(String user) {
    return membership.conversationsOf(user).handle((conversations, error) -> {
      if (error != null) {
        LOG.warn("user {} went offline with a dead node, but their conversations cannot be read: {}", user,
            error.toString());
      } else {
        notices.tell(user, PresenceState.OFFLINE, Set.copyOf(conversations));
      }
      return null;
    });
  }

  private static CompletableFuture<Void> done() {
    return CompletableFuture.completedFuture(null);
  }

  /** Stops beating; the heartbeat is removed, so the other nodes clean up at their next look. */
  @Override
  public void close() {
    ScheduledFuture<?> b = beats;
    if (b != null) {
      b.cancel(false);
    }
    try {
      store.stopBeating(nodeId).get(1, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("presence heartbeat of node {} not removed ({}); it expires within {}", nodeId, e.toString(), ttl);
    }
  }
}
