package io.rallypoint.gateway.http;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Asks Kafka, Redis and PostgreSQL whether they answer, in parallel and within a timeout. */
public final class Readiness {

  private final Admin kafka;
  private final RedisClusterAsyncCommands<String, String> redis;
  private final DataSource database;
  private final Executor blocking;
  private final Duration timeout;

  public Readiness(Admin kafka, RedisClusterAsyncCommands<String, String> redis, DataSource database, Executor blocking,
      Duration timeout) {
    this.kafka = kafka;
    this.redis = redis;
    this.database = database;
    this.blocking = blocking;
    this.timeout = timeout;
  }

  /** Each dependency ({@code kafka}, {@code redis}, {@code postgresql}) with {@code true} when it answered. */
  public CompletableFuture<Map<String, Boolean>> check() {
    CompletableFuture<Boolean> k = bounded(kafka.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
        .clusterId().toCompletionStage().toCompletableFuture().thenApply(id -> id != null));
    CompletableFuture<Boolean> r = bounded(redis.ping().toCompletableFuture().thenApply("PONG"::equals));
    CompletableFuture<Boolean> p = bounded(CompletableFuture.supplyAsync(() -> {
      try (Connection c = database.getConnection()) {
        return c.isValid((int) Math.max(1, timeout.toSeconds()));
      } catch (Exception e) {
        return false;
      }
    }, blocking));
    return CompletableFuture.allOf(k, r, p).thenApply(ignored -> {
      Map<String, Boolean> result = new LinkedHashMap<>();
      result.put("kafka", k.join());
      result.put("redis", r.join());
      result.put("postgresql", p.join());
      return result;
    });
  }

  private CompletableFuture<Boolean> bounded(CompletableFuture<Boolean> check) {
    // a copy: Kafka's futures refuse to be completed by user code, which completeOnTimeout would do
    CompletableFuture<Boolean> answer = new CompletableFuture<>();
    check.whenComplete((ok, error) -> answer.complete(error == null && Boolean.TRUE.equals(ok)));
    return answer.completeOnTimeout(false, timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
