package io.rallypoint.gateway.fanout;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.rallypoint.gateway.deps.DependencyDown;
import io.rallypoint.gateway.store.Keys;
import io.rallypoint.gateway.store.PubSubChannels;
import io.rallypoint.gateway.wire.NodeEnvelope;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis pub/sub between gateway nodes. The store's scripts publish a {@link NodeEnvelope} on a
 * conversation's channel (sharded on a Redis Cluster: one channel per conversation, served by the
 * nodes of its slot only); every other subscribed node hands the frame to its local connections.
 * Changes every node must follow (the admin API's: members, consent) travel the same way on one
 * channel that every node subscribes to from its start ({@link Keys#changesChannel()}). A node
 * skips its own publishes: it has already applied them locally.
 */
public final class ClusterBus implements LocalConnections.Subscriptions {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterBus.class);

  private final PubSubChannels pubSub;
  private final RedisClusterAsyncCommands<String, String> publisher;
  private final boolean sharded;
  private final Keys keys;
  private final String nodeId;

  /**
   * @param pubSub    the node's subscriptions
   * @param publisher a connection that is not subscribed (a subscribed one may not publish)
   * @param sharded   true on a Redis Cluster: changes are published with {@code SPUBLISH}, as the
   *                  scripts publish conversations' frames there
   */
  public ClusterBus(PubSubChannels pubSub, RedisClusterAsyncCommands<String, String> publisher, boolean sharded,
      Keys keys, String nodeId) {
    this.pubSub = pubSub;
    this.publisher = publisher;
    this.sharded = sharded;
    this.keys = keys;
    this.nodeId = nodeId;
  }

  /** Where frames from other nodes go. */
  @FunctionalInterface
  public interface Frames {
    /** A frame of the conversation; {@code except} (may be null) is the user whose connections do not get it. */
    void received(String conversation, String frameText, String except);
  }

  /**
   * Starts handing frames from other nodes to {@code frames} and changes
   * to {@code changes(notice)}; returns once the changes channel is subscribed (it is subscribed
   * again after a reconnect or failover), so no change announced after the node started is missed.
   */
  public void start(Frames frames, Consumer<String> changes, Duration timeout)
      throws InterruptedException {
    String changesChannel = keys.changesChannel();
    pubSub.listen((channel, payload) -> {
      NodeEnvelope envelope = NodeEnvelope.parse(payload);
      String conversation = keys.conversationOf(channel);
      if (envelope == null || (conversation == null && !changesChannel.equals(channel))) {
        LOG.warn("ignoring unexpected pub/sub message on {}", channel);
        return;
      }
      if (envelope.from(nodeId)) {
        return;
      }
      if (conversation != null) {
        frames.received(conversation, envelope.frame(), envelope.except());
      } else {
        changes.accept(envelope.frame());
      }
    });
    try {
      pubSub.subscribe(changesChannel).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new DependencyDown("Redis", e);
    }
  }

  /** Tells the other nodes of a change; fails with {@link DependencyDown} when Redis does not take it. */
  public CompletableFuture<Void> publishChange(String notice) {
    String envelope = NodeEnvelope.wrap(nodeId, notice);
    var published = sharded ? publisher.spublish(keys.changesChannel(), envelope)
        : publisher.publish(keys.changesChannel(), envelope);
    return published.toCompletableFuture().handle((receivers, error) -> {
      if (error != null) {
        throw new DependencyDown("Redis", error);
      }
      return null;
    });
  }

  /**
   * Sends a frame of the conversation to the other nodes, for every connection there but
   * {@code except}'s (may be null); fails with {@link DependencyDown} when Redis does not take it.
   */
  public CompletableFuture<Void> publish(String conversation, String except, String frameText) {
    String envelope = NodeEnvelope.wrap(nodeId, except, frameText);
    String channel = keys.channel(conversation);
    var published = sharded ? publisher.spublish(channel, envelope) : publisher.publish(channel, envelope);
    return published.toCompletableFuture().handle((receivers, error) -> {
      if (error != null) {
        throw new DependencyDown("Redis", error);
      }
      return null;
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
