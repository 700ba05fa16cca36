package io.rallypoint.gateway.presence;

import io.rallypoint.gateway.connection.Connection;
import io.rallypoint.gateway.connection.ConnectionListener;
import io.rallypoint.gateway.store.RedisPresenceStore;
import io.rallypoint.schemas.frame.PresenceState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts each user's connections on this node and tells Redis only when the count leaves or
 * reaches zero ({@link RedisPresenceStore#join}, {@link RedisPresenceStore#leave}), so a user's
 * connections count once, here and across nodes. When Redis says that made the user online (their
 * first connection anywhere) or offline (their last), the other members of the user's
 * conversations are told ({@code presence} pushed on every node).
 *
 * <p>A user's updates reach Redis one after the other, in the order the count moved, so a quick
 * close and reopen cannot leave the user offline while connected.
 */
public final class PresenceTracker implements ConnectionListener {

  private static final Logger LOG = LoggerFactory.getLogger(PresenceTracker.class);

  private final String nodeId;
  private final RedisPresenceStore store;
  private final PresenceNotices notices;
  /** Users with connections here, or with an update still under way; guarded by this. */
  private final Map<String, Local> users = new HashMap<>();

  private static final class Local {
    int connections;
    CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
  }

  PresenceTracker(String nodeId, RedisPresenceStore store, PresenceNotices notices) {
    this.nodeId = nodeId;
    this.store = store;
    this.notices = notices;
  }

  @Override
  public void opened(Connection connection) {
    String user = connection.user();
    List<String> conversations = List.copyOf(connection.conversations());
    synchronized (this) {
      Local local = users.computeIfAbsent(user, u -> new Local());
      if (local.connections++ == 0) {
        then(user, local, () -> store.join(user, nodeId).thenAccept(first -> {
          if (first) {
            notices.tell(user, PresenceState.ONLINE, conversations);
          }
        }));
      }
    }
  }

  @Override
  public void closed(Connection connection) {
    String user = connection.user();
    List<String> conversations = List.copyOf(connection.conversations());
    synchronized (this) {
      Local local = users.get(user);
      if (local == null || local.connections == 0) {
        return; // never counted
      }
      if (--local.connections == 0) {
        then(user, local, () -> store.leave(user, nodeId).thenAccept(last -> {
          if (last) {
            notices.tell(user, PresenceState.OFFLINE, conversations);
          }
        }));
      }
    }
  }

  /** Users with a connection on this node (for tests and metrics). */
  public synchronized int usersHere() {
    return (int) users.values().stream().filter(l -> l.connections > 0).count();
  }

  /** Completes once every update already started has reached Redis (or failed). */
  public CompletableFuture<Void> settled() {
    CompletableFuture<?>[] tails;
    synchronized (this) {
      tails = users.values().stream().map(l -> l.tail).toArray(CompletableFuture[]::new);
    }
    return CompletableFuture.allOf(tails);
  }

  /** Runs the user's next update after the previous one; caller holds the lock. */
  private void then(String user, Local local, java.util.function.Supplier<CompletableFuture<Void>> update) {
    CompletableFuture<Void> next = local.tail.thenCompose(ignored -> update.get()).exceptionally(error -> {
      LOG.warn("presence of user {} on this node not updated in Redis: {}", user, error.toString());
      return null;
    });
    local.tail = next;
    next.whenComplete((ignored, error) -> {
      synchronized (this) {
        if (local.connections == 0 && local.tail == next) {
          users.remove(user, local);
        }
      }
    });
  }
}
