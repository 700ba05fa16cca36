package io.rallypoint.gateway.store;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * Sharded pub/sub ({@code SSUBSCRIBE}) on a Redis Cluster: each channel is subscribed on the master
 * that serves its slot, through one connection per such master.
 *
 * <p>Lettuce subscribes a connection's shard channels again when that connection reconnects, but
 * not on another node: after a failover, or a slot moved to another shard, the old node is gone or
 * no longer serves the channel. So this class follows the topology itself: whenever the cluster
 * client's view changes (a topology refresh, at the latest every few seconds) and once a second, a
 * channel whose slot is now served by another master is subscribed there, and a connection left
 * without channels is closed. A channel the server unsubscribed (a slot that moved away) is
 * subscribed again the same way.
 */
final class ShardedPubSub implements PubSubChannels {

  private static final Logger LOG = LoggerFactory.getLogger(ShardedPubSub.class);
  private static final long CHECK_EVERY_MILLIS = 1_000;

  private final RedisClusterClient cluster;
  private final RedisClient nodes;
  private final RedisURI seed;
  /** Where each wanted channel is subscribed (or being subscribed); guarded by this, like nodeConnections. */
  private final Map<String, Placement> channels = new HashMap<>();
  private final Map<String, CompletableFuture<StatefulRedisPubSubConnection<String, String>>> nodeConnections =
      new HashMap<>();
  private volatile BiConsumer<String, String> sink = (channel, payload) -> { };
  private final ScheduledFuture<?> checks;
  private final Disposable topologyChanges;

  /** A channel's node (null: none yet, or lost) and the subscription there. */
  private static final class Placement {
    String nodeId;
    CompletableFuture<Void> subscribed;
  }

  /**
   * @param cluster the cluster client whose topology decides where a channel lives
   * @param nodes a client for single-node connections (sharing the cluster client's resources)
   * @param seed credentials and options every node connection uses (host and port are the node's)
   */
  ShardedPubSub(RedisClusterClient cluster, RedisClient nodes, RedisURI seed) {
    this.cluster = cluster;
    this.nodes = nodes;
    this.seed = seed;
    this.checks = cluster.getResources().eventExecutorGroup()
        .scheduleAtFixedRate(this::check, CHECK_EVERY_MILLIS, CHECK_EVERY_MILLIS, TimeUnit.MILLISECONDS);
    this.topologyChanges = cluster.getResources().eventBus().get()
        .filter(ClusterTopologyChangedEvent.class::isInstance)
        .subscribe(event -> check());
  }

  @Override
  public void listen(BiConsumer<String, String> sink) {
    this.sink = sink;
  }

  @Override
  public synchronized CompletableFuture<Void> subscribe(String channel) {
    Placement placement = channels.computeIfAbsent(channel, c -> new Placement());
    RedisClusterNode owner = owner(channel);
    if (owner == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("no Redis master serves the slot of " + channel));
    }
    if (owner.getNodeId().equals(placement.nodeId) && !placement.subscribed.isCompletedExceptionally()) {
      return placement.subscribed;
    }
    return place(channel, placement, owner);
  }

  @Override
  public CompletableFuture<Void> unsubscribe(String channel) {
    CompletableFuture<Void> done;
    synchronized (this) {
      Placement placement = channels.remove(channel);
      done = placement == null || placement.nodeId == null
          ? CompletableFuture.completedFuture(null)
          : sunsubscribe(placement.nodeId, channel);
    }
    return done.whenComplete((ignored, error) -> closeUnused());
  }

  /** Subscribes the channel on its slot's master now (and leaves the node it was on, if any). */
  private CompletableFuture<Void> place(String channel, Placement placement, RedisClusterNode owner) {
    String previous = placement.nodeId;
    String nodeId = owner.getNodeId();
    CompletableFuture<Void> subscribed = connection(owner)
        .thenCompose(connection -> connection.async().ssubscribe(channel).toCompletableFuture());
    placement.nodeId = nodeId;
    placement.subscribed = subscribed;
    subscribed.whenComplete((ignored, error) -> {
      if (error != null) {
        LOG.warn("cannot subscribe to {} on Redis node {} ({}); trying again", channel, owner.getUri(), error.toString());
        synchronized (this) {
          if (placement.subscribed == subscribed) {
            placement.nodeId = null; // the next check tries again, wherever the slot is then
          }
        }
      }
    });
    if (previous != null && !previous.equals(nodeId)) {
      LOG.info("channel {} moves from Redis node {} to {}", channel, previous, nodeId);
      sunsubscribe(previous, channel).whenComplete((ignored, error) -> closeUnused());
    }
    return subscribed;
  }

  /** Subscribes every channel whose slot's master is not where it is subscribed. */
  private void check() {
    try {
      synchronized (this) {
        for (Map.Entry<String, Placement> entry : channels.entrySet()) {
          RedisClusterNode owner = owner(entry.getKey());
          Placement placement = entry.getValue();
          if (owner != null && !owner.getNodeId().equals(placement.nodeId)) {
            place(entry.getKey(), placement, owner);
          }
        }
      }
      closeUnused();
    } catch (RuntimeException e) {
      LOG.warn("checking the shard channels' nodes failed", e);
    }
  }

  private RedisClusterNode owner(String channel) {
    return cluster.getPartitions().getMasterBySlot(SlotHash.getSlot(channel));
  }

  /** The node's connection, opened when there is none (or the last attempt failed). */
  private CompletableFuture<StatefulRedisPubSubConnection<String, String>> connection(RedisClusterNode node) {
    CompletableFuture<StatefulRedisPubSubConnection<String, String>> existing = nodeConnections.get(node.getNodeId());
    if (existing != null && !existing.isCompletedExceptionally()) {
      return existing;
    }
    RedisURI uri = RedisURI.builder(seed).withHost(node.getUri().getHost()).withPort(node.getUri().getPort()).build();
    String nodeId = node.getNodeId();
    CompletableFuture<StatefulRedisPubSubConnection<String, String>> opened =
        nodes.connectPubSubAsync(StringCodec.UTF8, uri).toCompletableFuture().thenApply(connection -> {
          connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void smessage(String channel, String payload) {
              sink.accept(channel, payload);
            }

            @Override
            public void sunsubscribed(String channel, long count) {
              lost(nodeId, channel);
            }
          });
          return connection;
        });
    nodeConnections.put(nodeId, opened);
    return opened;
  }

  /** The node unsubscribed us from a channel we still want there (its slot moved): subscribe it again. */
  private synchronized void lost(String nodeId, String channel) {
    Placement placement = channels.get(channel);
    if (placement != null && nodeId.equals(placement.nodeId) && placement.subscribed.isDone()) {
      placement.nodeId = null;
    }
  }

  private CompletableFuture<Void> sunsubscribe(String nodeId, String channel) {
    CompletableFuture<StatefulRedisPubSubConnection<String, String>> connection = nodeConnections.get(nodeId);
    if (connection == null) {
      return CompletableFuture.completedFuture(null);
    }
    return connection.thenCompose(c -> c.async().sunsubscribe(channel).toCompletableFuture())
        .exceptionally(error -> null); // a node that is gone has no subscriptions left to leave
  }

  /** Closes the connections of nodes no channel is placed on: a dead node's stops reconnecting. */
  private void closeUnused() {
    Set<CompletableFuture<StatefulRedisPubSubConnection<String, String>>> unused = new HashSet<>();
    synchronized (this) {
      Set<String> used = new HashSet<>();
      channels.values().forEach(p -> used.add(p.nodeId));
      nodeConnections.entrySet().removeIf(entry -> {
        if (used.contains(entry.getKey())) {
          return false;
        }
        unused.add(entry.getValue());
        return true;
      });
    }
    unused.forEach(connection -> connection.thenAccept(StatefulRedisPubSubConnection::closeAsync));
  }

  @Override
  public void close() {
    checks.cancel(false);
    topologyChanges.dispose();
    synchronized (this) {
      channels.clear();
    }
    closeUnused();
  }
}
