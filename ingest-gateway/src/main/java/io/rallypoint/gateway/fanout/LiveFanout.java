package io.rallypoint.gateway.fanout;

import java.util.concurrent.CompletableFuture;

/**
 * Sends a live frame about one member (typing, a position, presence) to the conversation's other
 * members on every node: to this node's connections through the same encode-once path as chat
 * ({@link LocalConnections#deliverToOthers}), to the other nodes on the conversation's channel
 * ({@link ClusterBus#publish}), whose nodes deliver it the same way. The member's own connections
 * get nothing, on any node. Live frames are at most once: nothing is stored or retried.
 */
public final class LiveFanout {

  private final LocalConnections local;
  private final ClusterBus bus;

  public LiveFanout(LocalConnections local, ClusterBus bus) {
    this.local = local;
    this.bus = bus;
  }

  /**
   * Delivers {@code frameText} about {@code user} here and publishes it to the other nodes; completes
   * once Redis took it (exceptionally with {@code DependencyDown} when it did not: only this node's
   * connections got it).
   */
  public CompletableFuture<Void> toOthers(String conversation, String user, String frameText) {
    local.deliverToOthers(conversation, frameText, user);
    return bus.publish(conversation, user, frameText);
  }
}
