package io.rallypoint.gateway.fanout;

import io.rallypoint.gateway.store.Keys;
import io.rallypoint.gateway.store.PubSubChannels;
import io.rallypoint.gateway.wire.NodeEnvelope;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis pub/sub between gateway nodes. The store's scripts publish a {@link NodeEnvelope} on a
 * conversation's channel (sharded on a Redis Cluster: one channel per conversation, served by the
 * nodes of its slot only); every other subscribed node hands the frame to its local connections.
 * A node skips its own publishes: it has already delivered those locally.
 */
public final class ClusterBus implements LocalConnections.Subscriptions {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterBus.class);

  private final PubSubChannels pubSub;
  private final Keys keys;
  private final String nodeId;

  public ClusterBus(PubSubChannels pubSub, Keys keys, String nodeId) {
    this.pubSub = pubSub;
    this.keys = keys;
    this.nodeId = nodeId;
  }

  /** Starts handing frames from other nodes to {@code sink(conversation, frameText)}. */
  public void start(BiConsumer<String, String> sink) {
    pubSub.listen((channel, payload) -> {
      String conversation = keys.conversationOf(channel);
      NodeEnvelope envelope = NodeEnvelope.parse(payload);
      if (conversation == null || envelope == null) {
        LOG.warn("ignoring unexpected pub/sub message on {}", channel);
        return;
      }
      if (!envelope.from(nodeId)) {
        sink.accept(conversation, envelope.frame());
      }
    });
  }

  @Override
  public CompletableFuture<Void> subscribe(String conversation) {
    return pubSub.subscribe(keys.channel(conversation));
  }

  @Override
  public void unsubscribe(String conversation) {
    pubSub.unsubscribe(keys.channel(conversation)).exceptionally(error -> {
      LOG.warn("cannot unsubscribe from conversation {}", conversation, error);
      return null;
    });
  }
}
