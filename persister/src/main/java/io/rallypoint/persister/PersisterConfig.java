package io.rallypoint.persister;

import io.rallypoint.schemas.config.Env;
import io.rallypoint.schemas.db.DatabaseUrl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a persister instance runs, read once from the environment.
 *
 * @param bootstrapServers  the Kafka cluster ({@code KAFKA_BOOTSTRAP_SERVERS}, required)
 * @param database          the PostgreSQL to write to ({@code DATABASE_URL})
 * @param httpPort          health and metrics port ({@code PERSISTER_HTTP_PORT}, default 8082; 0 = any)
 * @param groupId           the consumer group of {@code chat.messages} and {@code chat.receipts}
 * @param maxBatch          the most records one poll, hence one database write, takes
 * @param retryDelays       the delay before retry tier 1, 2, 3 ({@code PERSISTER_RETRY_DELAYS}, default PT1S,PT4S,PT16S)
 * @param backoffInitial    the first pause when PostgreSQL is unavailable
 * @param backoffMax        the longest pause when PostgreSQL stays unavailable
 * @param poolSize          PostgreSQL connections
 * @param consumers         consumer loops of the main group in this instance (each writes its partitions in parallel)
 * @param batchWait         how long the broker may hold a poll to gather a fuller batch ({@code PERSISTER_BATCH_WAIT},
 *                          default PT0.1S; at most PT5S)
 * @param instanceId        {@code PERSISTER_INSTANCE_ID}, unset by default: a name for this instance, stable across
 *                          its restarts and unique in the group; when set its consumers are static members
 *                          ({@code group.instance.id}), so after a crash the restarted instance gets its partitions
 *                          back at once instead of after the session timeout
 */
public record PersisterConfig(
    String bootstrapServers,
    DatabaseUrl database,
    int httpPort,
    String groupId,
    int maxBatch,
    List<Duration> retryDelays,
    Duration backoffInitial,
    Duration backoffMax,
    int poolSize,
    int consumers,
    Duration batchWait,
    Optional<String> instanceId) {

  public static final String DEFAULT_GROUP = "rallypoint-persister";

  /**
   * Records per poll, hence per database write. Measured with {@code PersisterBenchmark} (300,000
   * messages, 2 loops): 5,000 drained at 0.63-0.65 x raw COPY, 10,000 at 0.70-1.08 (5 runs), 20,000 at 0.95;
   * a bigger batch spreads each commit (PostgreSQL's and Kafka's) over more rows. It only matters
   * when there is a backlog: at live rates a poll returns what arrived within {@link #DEFAULT_BATCH_WAIT}.
   */
  public static final int DEFAULT_MAX_BATCH = 10_000;

  /**
   * How long a poll may wait for more records. Every batch costs a PostgreSQL transaction and a
   * Kafka offset commit whatever its size; answering each poll at once made batches of about 8
   * messages at 2,500 messages/s, and those commits cost more CPU than the rows. Waiting up to
   * 100 ms makes them a hundred times fewer there. It only delays persistence: delivery, acks and
   * sync (which merges Redis' recent messages) do not wait for it.
   */
  public static final Duration DEFAULT_BATCH_WAIT = Duration.ofMillis(100);

  public PersisterConfig {
    if (batchWait.isNegative() || batchWait.isZero() || batchWait.compareTo(Duration.ofSeconds(5)) > 0) {
      throw new IllegalArgumentException("PERSISTER_BATCH_WAIT must be more than PT0S and at most PT5S, got " + batchWait);
    }
    retryDelays = List.copyOf(retryDelays);
    instanceId = Objects.requireNonNull(instanceId, "instanceId").filter(id -> !id.isBlank());
    if (poolSize < consumers + 1) {
      throw new IllegalArgumentException("PERSISTER_DB_POOL (" + poolSize + ") needs one connection per consumer ("
          + consumers + ") plus one for the retry tiers");
    }
    if (retryDelays.size() != io.rallypoint.schemas.topic.Topics.RETRY_TIERS) {
      throw new IllegalArgumentException("PERSISTER_RETRY_DELAYS needs one delay per retry tier ("
          + io.rallypoint.schemas.topic.Topics.RETRY_TIERS + "), got " + retryDelays.size());
    }
  }

  /** An instance without an instance id (dynamic group membership). */
  public PersisterConfig(String bootstrapServers, DatabaseUrl database, int httpPort, String groupId, int maxBatch,
      List<Duration> retryDelays, Duration backoffInitial, Duration backoffMax, int poolSize, int consumers,
      Duration batchWait) {
    this(bootstrapServers, database, httpPort, groupId, maxBatch, retryDelays, backoffInitial, backoffMax, poolSize,
        consumers, batchWait, Optional.empty());
  }

  /** The configuration from the environment; the message names the variable when one is wrong. */
  public static PersisterConfig from(Env env) {
    String bootstrap = env.optional("KAFKA_BOOTSTRAP_SERVERS")
        .orElseThrow(() -> new IllegalArgumentException("KAFKA_BOOTSTRAP_SERVERS is not set"));
    return new PersisterConfig(
        bootstrap,
        DatabaseUrl.parse(env.string("DATABASE_URL", DatabaseUrl.LOCAL_DEFAULT)),
        env.integer("PERSISTER_HTTP_PORT", 8082, 0, 65_535),
        env.string("PERSISTER_GROUP_ID", DEFAULT_GROUP),
        env.integer("PERSISTER_MAX_BATCH", DEFAULT_MAX_BATCH, 1, 50_000),
        delays(env.string("PERSISTER_RETRY_DELAYS", "PT1S,PT4S,PT16S")),
        env.duration("PERSISTER_BACKOFF_INITIAL", Duration.ofMillis(250)),
        env.duration("PERSISTER_BACKOFF_MAX", Duration.ofSeconds(15)),
        env.integer("PERSISTER_DB_POOL", 3, 1, 64),
        env.integer("PERSISTER_CONSUMERS", 2, 1, 64),
        env.duration("PERSISTER_BATCH_WAIT", DEFAULT_BATCH_WAIT),
        env.optional("PERSISTER_INSTANCE_ID"));
  }

  /** The same instance with another HTTP port (tests, several instances on one host). */
  public PersisterConfig withHttpPort(int port) {
    return new PersisterConfig(bootstrapServers, database, port, groupId, maxBatch, retryDelays, backoffInitial,
        backoffMax, poolSize, consumers, batchWait, instanceId);
  }

  /** The same instance under a stable instance id (static group membership). */
  public PersisterConfig withInstanceId(String id) {
    return new PersisterConfig(bootstrapServers, database, httpPort, groupId, maxBatch, retryDelays, backoffInitial,
        backoffMax, poolSize, consumers, batchWait, Optional.of(id));
  }

  /** The delay before retry tier {@code n} (1-based). */
  public Duration retryDelay(int tier) {
    return retryDelays.get(tier - 1);
  }

  private static List<Duration> delays(String list) {
    List<Duration> delays = new ArrayList<>();
    for (String part : list.split(",")) {
      try {
        delays.add(Duration.parse(part.trim()));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("PERSISTER_RETRY_DELAYS='" + list
            + "' is not a comma-separated list of ISO-8601 durations such as PT1S,PT4S,PT16S");
      }
    }
    return delays;
  }
}
