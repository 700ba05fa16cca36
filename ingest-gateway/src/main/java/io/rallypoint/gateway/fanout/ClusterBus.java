package io.rallypoint.gateway.fanout;

import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.rallypoint.gateway.deps.DependencyDown;
import io.rallypoint.gateway.store.Keys;
import io.rallypoint.gateway.wire.NodeEnvelope;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis pub/sub between gateway nodes. The store's scripts publish a {@link NodeEnvelope} on a
 * conversation's channel; every other subscribed node hands the frame to its local connections.
 * Changes every node must follow (the admin API's: members, consent) travel the same way on one
 * channel that every node subscribes to from its start ({@link Keys#changesChannel()}). A node
 * skips its own publishes: it has already applied them locally.
 */
public final class ClusterBus implements LocalConnections.Subscriptions {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterBus.class);

  private final StatefulRedisPubSubConnection<String, String> pubSub;
  private final RedisAsyncCommands<String, String> publisher;
  private final Keys keys;
  private final String nodeId;

  /**
   * @param pubSub    the node's subscriptions
   * @param publisher a connection that is not subscribed (a subscribed one may not publish)
   */
  public ClusterBus(StatefulRedisPubSubConnection<String, String> pubSub, RedisAsyncCommands<String, String> publisher,
      Keys keys, String nodeId) {
    this.pubSub = pubSub;
    this.publisher = publisher;
    this.keys = keys;
    this.nodeId = nodeId;
  }

  /**
   * Starts handing frames from other nodes to {@code frames(conversation, frameText)} and changes
   * to {@code changes(notice)}; returns once the changes channel is subscribed (Redis resubscribes
   * it after a reconnect), so no change announced after the node started is missed.
   */
  public void start(BiConsumer<String, String> frames, Consumer<String> changes, Duration timeout)
      throws InterruptedException {
    String changesChannel = keys.changesChannel();
    pubSub.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String channel, String payload) {
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
          frames.accept(conversation, envelope.frame());
        } else {
          changes.accept(envelope.frame());
        }
      }
    });
    try {
      pubSub.async().subscribe(changesChannel).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new DependencyDown("Redis", e);
    }
  }

  /** Tells the other nodes of a change; fails with {@link DependencyDown} when Redis does not take it. */
  public CompletableFuture<Void> publishChange(String notice) {
    return publisher.publish(keys.changesChannel(), NodeEnvelope.wrap(nodeId, notice)).toCompletableFuture()
        .handle((receivers, error) -> {
          if (error != null) {
            throw new DependencyDown("Redis", error);
          }
          return null;
        });
  }

  @Override
  public CompletableFuture<Void> subscribe(String conversation) {
    return pubSub.async().subscribe(keys.channel(conversation)).toCompletableFuture();
  }

  @Override
  public void unsubscribe(String conversation) {
    pubSub.async().unsubscribe(keys.channel(conversation)).exceptionally(error -> {
      LOG.warn("cannot unsubscribe from conversation {}", conversation, error);
      return null;
    });
  }
}
