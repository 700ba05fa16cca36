package io.rallypoint.gateway.store;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Who is online, as every gateway node shares it in Redis. Each user has a hash of the nodes they
 * have connections on ({@link Keys#presenceOfUser}); a node adds itself on the user's first
 * connection there and removes itself on the last, so the user is online while the hash exists, and
 * a user's connections count once however many there are on however many nodes. A connection's
 * cost is one script on the user's key and one set update on the node's key: it does not grow with
 * the number of nodes.
 *
 * <p>Each node beats a heartbeat key with a TTL and lists the users it holds; a node whose heartbeat
 * expired is dead, and a surviving node that claims it ({@link #claimDead}) removes it from each of
 * its users' hashes ({@link #leave}), learning who went offline with it.
 */
public final class RedisPresenceStore {

  private static final LuaScript ONLINE = LuaScript.load("presence-online.lua");
  private static final LuaScript OFFLINE = LuaScript.load("presence-offline.lua");

  private final RedisClusterAsyncCommands<String, String> redis;
  private final Keys keys;

  public RedisPresenceStore(RedisClusterAsyncCommands<String, String> redis, Keys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  /**
   * The user's first connection on {@code nodeId} opened; completes with whether that made the user
   * online (they had no connection on any node).
   */
  public CompletableFuture<Boolean> join(String user, String nodeId) {
    // listed on the node first: a node that dies between the two leaves no user online for good
    return redis.sadd(keys.nodeUsers(nodeId), user).toCompletableFuture()
        .thenCompose(ignored -> ONLINE.<Long>run(redis, ScriptOutputType.INTEGER,
            new String[] {keys.presenceOfUser(user)}, nodeId))
        .thenApply(first -> first == 1L);
  }

  /**
   * The user's last connection on {@code nodeId} closed (or the node died); completes with whether
   * that made the user offline (no connection left on any node).
   */
  public CompletableFuture<Boolean> leave(String user, String nodeId) {
    return OFFLINE.<Long>run(redis, ScriptOutputType.INTEGER, new String[] {keys.presenceOfUser(user)}, nodeId)
        .thenCompose(last -> redis.srem(keys.nodeUsers(nodeId), user).toCompletableFuture()
            .thenApply(ignored -> last == 1L));
  }

  /** Those of {@code users} with a connection open on any node now, in user id order. */
  public CompletableFuture<List<String>> onlineAmong(Collection<String> users) {
    List<String> asked = List.copyOf(users);
    List<CompletableFuture<Long>> exists = new ArrayList<>(asked.size());
    for (String user : asked) { // one key per user (its own slot on a cluster): pipelined, not one EXISTS
      exists.add(redis.exists(keys.presenceOfUser(user)).toCompletableFuture());
    }
    return CompletableFuture.allOf(exists.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
      Set<String> online = new TreeSet<>();
      for (int i = 0; i < asked.size(); i++) {
        if (exists.get(i).join() > 0) {
          online.add(asked.get(i));
        }
      }
      return List.copyOf(online);
    });
  }

  /** The node is alive for {@code ttl} more: its heartbeat is renewed and it is listed among the nodes. */
  public CompletableFuture<Void> beat(String nodeId, Duration ttl) {
    CompletableFuture<String> heartbeat = redis.set(keys.nodeHeartbeat(nodeId), "1",
        SetArgs.Builder.px(ttl.toMillis())).toCompletableFuture();
    CompletableFuture<Long> listed = redis.sadd(keys.presenceNodes(), nodeId).toCompletableFuture();
    return CompletableFuture.allOf(heartbeat, listed);
  }

  /** The node stops beating (a clean shutdown): the others treat it as dead at their next look. */
  public CompletableFuture<Void> stopBeating(String nodeId) {
    return redis.del(keys.nodeHeartbeat(nodeId)).toCompletableFuture().thenApply(ignored -> null);
  }

  /** The listed nodes other than {@code self} whose heartbeat has expired. */
  public CompletableFuture<List<String>> deadNodes(String self) {
    return redis.smembers(keys.presenceNodes()).toCompletableFuture().thenCompose(nodes -> {
      List<String> others = nodes.stream().filter(n -> !n.equals(self)).sorted().toList();
      List<CompletableFuture<Long>> alive = new ArrayList<>(others.size());
      for (String node : others) {
        alive.add(redis.exists(keys.nodeHeartbeat(node)).toCompletableFuture());
      }
      return CompletableFuture.allOf(alive.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
        List<String> dead = new ArrayList<>();
        for (int i = 0; i < others.size(); i++) {
          if (alive.get(i).join() == 0) {
            dead.add(others.get(i));
          }
        }
        return dead;
      });
    });
  }

  /**
   * Claims the clean-up after a dead node for {@code self}, for {@code hold} (another node takes it
   * over after that, if this one died too); completes with whether this node got it.
   */
  public CompletableFuture<Boolean> claimDead(String deadNode, String self, Duration hold) {
    return redis.set(keys.nodeReaper(deadNode), self, SetArgs.Builder.nx().px(hold.toMillis())).toCompletableFuture()
        .thenApply("OK"::equals);
  }

  /** The users a node listed as having connections on it. */
  public CompletableFuture<Set<String>> usersOf(String nodeId) {
    return redis.smembers(keys.nodeUsers(nodeId)).toCompletableFuture();
  }

  /** A dead node is cleaned up after: it is no longer listed. */
  public CompletableFuture<Void> forget(String nodeId) {
    return redis.del(keys.nodeUsers(nodeId)).toCompletableFuture()
        .thenCompose(ignored -> redis.srem(keys.presenceNodes(), nodeId).toCompletableFuture())
        .thenCompose(ignored -> redis.del(keys.nodeReaper(nodeId)).toCompletableFuture())
        .thenApply(ignored -> null);
  }
}
