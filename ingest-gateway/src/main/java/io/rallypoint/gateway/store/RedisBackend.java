package io.rallypoint.gateway.store;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions.RefreshTrigger;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's Redis: the clients and connections for {@code REDIS_URL}, standalone or a Redis
 * Cluster, behind the commands both share ({@link RedisClusterAsyncCommands}) and the pub/sub the
 * store's scripts publish on.
 *
 * <p>On a cluster the client follows the topology: it asks the nodes every
 * {@link #TOPOLOGY_REFRESH_PERIOD}, and at once after a {@code MOVED} or {@code ASK} redirect or
 * when a node's connection keeps failing to reconnect (a master that died), so commands reach a
 * promoted replica soon after a failover.
 */
public final class RedisBackend implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RedisBackend.class);
  static final Duration TOPOLOGY_REFRESH_PERIOD = Duration.ofSeconds(5);
  /** Adaptive refreshes at most this often (Lettuce's default, 30 s, would keep a failover's second look waiting). */
  private static final Duration ADAPTIVE_REFRESH_PAUSE = Duration.ofSeconds(1);
  private static final int RECONNECTS_BEFORE_REFRESH = 3;

  private final RedisEndpoints endpoints;
  private final RedisClusterAsyncCommands<String, String> commands;
  private final PubSubChannels pubSub;
  private final Deque<AutoCloseable> opened;

  private RedisBackend(RedisEndpoints endpoints, RedisClusterAsyncCommands<String, String> commands,
      PubSubChannels pubSub, Deque<AutoCloseable> opened) {
    this.endpoints = endpoints;
    this.commands = commands;
    this.pubSub = pubSub;
    this.opened = opened;
  }

  /**
   * Connects to {@code REDIS_URL}; commands fail after {@code timeout} when Redis does not answer
   * (on a standalone server at once while the connection is down).
   */
  public static RedisBackend connect(String redisUrl, Duration timeout) {
    RedisEndpoints endpoints = RedisEndpoints.parse(redisUrl);
    Deque<AutoCloseable> opened = new ArrayDeque<>();
    try {
      ClientResources resources = ClientResources.builder().nettyCustomizer(new FlushBatching()).build();
      opened.push(() -> resources.shutdown(0, 2, TimeUnit.SECONDS).get());
      ClientOptions nodeOptions = ClientOptions.builder()
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .timeoutOptions(TimeoutOptions.enabled(timeout))
          .build();
      if (!endpoints.cluster()) {
        RedisClient client = RedisClient.create(resources, endpoints.first());
        client.setOptions(nodeOptions);
        opened.push(client::shutdown);
        StatefulRedisConnection<String, String> connection = client.connect();
        opened.push(connection);
        PubSubChannels pubSub = new StandalonePubSub(client.connectPubSub());
        opened.push(pubSub);
        return new RedisBackend(endpoints, connection.async(), pubSub, opened);
      }
      RedisClusterClient cluster = RedisClusterClient.create(resources, endpoints.nodes());
      cluster.setOptions(ClusterClientOptions.builder()
          // not REJECT_COMMANDS: the client opens a node's connection when a command first goes
          // there (and again after a topology change), and would refuse the commands that opened it;
          // a command to a node that is down waits for it at most the timeout instead
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
          .timeoutOptions(TimeoutOptions.enabled(timeout))
          .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
              .enablePeriodicRefresh(TOPOLOGY_REFRESH_PERIOD)
              .enableAdaptiveRefreshTrigger(RefreshTrigger.MOVED_REDIRECT, RefreshTrigger.ASK_REDIRECT,
                  RefreshTrigger.PERSISTENT_RECONNECTS)
              .refreshTriggersReconnectAttempts(RECONNECTS_BEFORE_REFRESH)
              .adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_PAUSE)
              .build())
          .build());
      opened.push(cluster::shutdown);
      StatefulRedisClusterConnection<String, String> connection = cluster.connect();
      opened.push(connection);
      RedisClient nodes = RedisClient.create(resources);
      nodes.setOptions(nodeOptions);
      opened.push(nodes::shutdown);
      PubSubChannels pubSub = new ShardedPubSub(cluster, nodes, endpoints.first());
      opened.push(pubSub);
      return new RedisBackend(endpoints, connection.async(), pubSub, opened);
    } catch (RuntimeException e) {
      closeAll(opened);
      throw e;
    }
  }

  /** Whether this is a Redis Cluster. */
  public boolean cluster() {
    return endpoints.cluster();
  }

  /** The database keys live in (0 on a cluster). */
  public int database() {
    return endpoints.database();
  }

  /** The commands of the store, the same on a standalone server and a cluster (routed by key there). */
  public RedisClusterAsyncCommands<String, String> commands() {
    return commands;
  }

  /** Where the store's scripts publish. */
  public PubSubChannels pubSub() {
    return pubSub;
  }

  @Override
  public String toString() {
    return endpoints.toString();
  }

  @Override
  public void close() {
    closeAll(opened);
  }

  private static void closeAll(Deque<AutoCloseable> opened) {
    while (!opened.isEmpty()) {
      AutoCloseable resource = opened.pop();
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("error while closing {}", resource, e);
      }
    }
  }
}
