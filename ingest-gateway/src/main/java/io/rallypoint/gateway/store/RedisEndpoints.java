package io.rallypoint.gateway.store;

import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code REDIS_URL} parsed: one standalone server ({@code redis://host:port[/db]}, any form Lettuce
 * reads) or the seed nodes of a Redis Cluster ({@code redis-cluster://[user:password@]host:port[,host:port...]},
 * database 0 only: a cluster has no other).
 *
 * @param cluster whether the URL names a cluster
 * @param nodes the server, or the cluster's seed nodes (any of them will do to find the others)
 */
public record RedisEndpoints(boolean cluster, List<RedisURI> nodes) {

  static final String CLUSTER_SCHEME = "redis-cluster://";

  public RedisEndpoints {
    nodes = List.copyOf(nodes);
  }

  /** Parses {@code url}; throws {@link IllegalArgumentException} naming the URL when it is not one of the forms above. */
  public static RedisEndpoints parse(String url) {
    if (!url.regionMatches(true, 0, CLUSTER_SCHEME, 0, CLUSTER_SCHEME.length())) {
      return new RedisEndpoints(false, List.of(RedisURI.create(url)));
    }
    String rest = url.substring(CLUSTER_SCHEME.length());
    int at = rest.lastIndexOf('@');
    String credentials = at < 0 ? "" : rest.substring(0, at + 1);
    String hosts = at < 0 ? rest : rest.substring(at + 1);
    if (hosts.endsWith("/") || hosts.endsWith("/0")) {
      hosts = hosts.substring(0, hosts.lastIndexOf('/'));
    }
    if (hosts.contains("/") || hosts.contains("?")) {
      throw new IllegalArgumentException("REDIS_URL " + url + ": a Redis Cluster URL is redis-cluster://host:port[,host:port...]"
          + " (a cluster has database 0 only)");
    }
    List<RedisURI> nodes = new ArrayList<>();
    for (String host : hosts.split(",", -1)) {
      if (!host.matches("[^:\\s]+:\\d{1,5}")) {
        throw new IllegalArgumentException("REDIS_URL " + url + ": '" + host + "' is not host:port");
      }
      nodes.add(RedisURI.create("redis://" + credentials + host));
    }
    return new RedisEndpoints(true, nodes);
  }

  /** The first seed node: its credentials and options are every node's. */
  public RedisURI first() {
    return nodes.get(0);
  }

  /** The database index keys and channels live in (always 0 on a cluster). */
  public int database() {
    return cluster ? 0 : first().getDatabase();
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(cluster ? "Redis Cluster " : "Redis ");
    for (RedisURI node : nodes) {
      text.append(text.charAt(text.length() - 1) == ' ' ? "" : ",").append(node.getHost()).append(':').append(node.getPort());
    }
    return cluster ? text.toString() : text + " database " + first().getDatabase();
  }
}
