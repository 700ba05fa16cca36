package io.rallypoint.location;

import io.rallypoint.schemas.config.Env;
import io.rallypoint.schemas.db.DatabaseUrl;
import io.rallypoint.schemas.topic.TopicReplication;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The location-stream settings, parsed once from the environment (PROTOCOL section 4) and validated
 * at construction.
 *
 * @param bootstrapServers       {@code KAFKA_BOOTSTRAP_SERVERS}, default {@code 127.0.0.1:9092}
 * @param applicationId          {@code LOCATION_APPLICATION_ID}, default {@code rallypoint-location-stream};
 *                               instances with the same id share the work by partitions
 * @param httpPort               {@code LOCATION_HTTP_PORT}, default 8081; 0 picks a free port (tests)
 * @param advertisedHost         {@code LOCATION_ADVERTISED_HOST}, default {@code 127.0.0.1}: the host other
 *                               instances use to forward interactive queries here ({@code application.server})
 * @param stationaryAfter        {@code LOCATION_STATIONARY_AFTER}, default {@code PT30M}
 * @param stationaryRadiusMeters {@code LOCATION_STATIONARY_RADIUS_M}, default 50: moving less than this is not moving
 * @param punctuateEvery         {@code LOCATION_PUNCTUATE_EVERY}, default {@code PT1S}: how often the rules are
 *                               re-evaluated on the wall clock for quiet groups
 * @param commitInterval         {@code LOCATION_COMMIT_INTERVAL}, default {@code PT0.03S}: under exactly-once
 *                               output becomes visible at each commit, so this bounds the added latency
 * @param stateDir               {@code LOCATION_STATE_DIR}, default {@code <tmp>/rallypoint-location-stream/<port>}
 * @param streamThreads          {@code LOCATION_STREAM_THREADS}, default 1
 * @param standbyReplicas        {@code LOCATION_STANDBY_REPLICAS}, default 1: warm copies of each task's state on
 *                               other instances, so a task that moves (restart, crash) needs no restore first
 * @param sessionTimeout         {@code LOCATION_SESSION_TIMEOUT}, default {@code PT10S}: how long the group waits for
 *                               an instance that stopped without leaving (a crash) before its tasks move
 * @param instanceId             {@code LOCATION_INSTANCE_ID}, unset by default: a name for this instance, stable
 *                               across its restarts and unique in the application; when set it is a static member
 *                               ({@code group.instance.id}), so after a crash the restarted instance gets its tasks
 *                               back at once instead of after the session timeout
 * @param database               {@code DATABASE_URL}, default the local PostgreSQL: where the meeting-point API
 *                               reads {@code conversation_members} to check that a caller is in the group
 * @param jwtSecret              {@code CHAT_JWT_SECRET}, the HS256 secret of client tokens; without it the
 *                               meeting-point API can authenticate nobody and answers 401 to every caller
 * @param topicReplication       {@code RALLYPOINT_TOPIC_REPLICATION}, default 3: the replication factor of Kafka
 *                               Streams' internal topics (changelogs, repartition topics), with
 *                               {@code min.insync.replicas} 2 from 3 on, as for the registry's topics
 */
public record LocationConfig(
    String bootstrapServers,
    String applicationId,
    int httpPort,
    String advertisedHost,
    Duration stationaryAfter,
    double stationaryRadiusMeters,
    Duration punctuateEvery,
    Duration commitInterval,
    Path stateDir,
    int streamThreads,
    int standbyReplicas,
    Duration sessionTimeout,
    Optional<String> instanceId,
    DatabaseUrl database,
    Optional<String> jwtSecret,
    TopicReplication topicReplication) {

  public static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";
  public static final String DEFAULT_APPLICATION_ID = "rallypoint-location-stream";
  public static final int DEFAULT_HTTP_PORT = 8081;
  public static final Duration DEFAULT_STATIONARY_AFTER = Duration.ofMinutes(30);
  public static final int DEFAULT_STATIONARY_RADIUS_M = 50;
  public static final Duration DEFAULT_PUNCTUATE_EVERY = Duration.ofSeconds(1);
  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(30);
  public static final int DEFAULT_STANDBY_REPLICAS = 1;
  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);

  public LocationConfig {
    requireText(bootstrapServers, "KAFKA_BOOTSTRAP_SERVERS");
    requireText(applicationId, "LOCATION_APPLICATION_ID");
    requireText(advertisedHost, "LOCATION_ADVERTISED_HOST");
    if (httpPort < 0 || httpPort > 65_535) {
      throw new IllegalArgumentException("LOCATION_HTTP_PORT=" + httpPort + " is outside 0..65535");
    }
    requirePositive(stationaryAfter, "LOCATION_STATIONARY_AFTER");
    requirePositive(punctuateEvery, "LOCATION_PUNCTUATE_EVERY");
    requirePositive(commitInterval, "LOCATION_COMMIT_INTERVAL");
    if (!(stationaryRadiusMeters > 0) || Double.isInfinite(stationaryRadiusMeters)) {
      throw new IllegalArgumentException("LOCATION_STATIONARY_RADIUS_M=" + stationaryRadiusMeters + " must be a positive number of metres");
    }
    Objects.requireNonNull(stateDir, "LOCATION_STATE_DIR");
    if (streamThreads < 1) {
      throw new IllegalArgumentException("LOCATION_STREAM_THREADS=" + streamThreads + " must be at least 1");
    }
    if (standbyReplicas < 0) {
      throw new IllegalArgumentException("LOCATION_STANDBY_REPLICAS=" + standbyReplicas + " must not be negative");
    }
    requirePositive(sessionTimeout, "LOCATION_SESSION_TIMEOUT");
    instanceId = Objects.requireNonNull(instanceId, "LOCATION_INSTANCE_ID").filter(id -> !id.isBlank());
    Objects.requireNonNull(database, "DATABASE_URL");
    jwtSecret = Objects.requireNonNull(jwtSecret, "CHAT_JWT_SECRET").filter(secret -> !secret.isBlank());
    Objects.requireNonNull(topicReplication, TopicReplication.VARIABLE);
  }

  /** The settings from environment variables, with the documented defaults. */
  public static LocationConfig from(Env env) {
    int port = env.integer("LOCATION_HTTP_PORT", DEFAULT_HTTP_PORT, 0, 65_535);
    return new LocationConfig(
        env.string("KAFKA_BOOTSTRAP_SERVERS", DEFAULT_BOOTSTRAP_SERVERS),
        env.string("LOCATION_APPLICATION_ID", DEFAULT_APPLICATION_ID),
        port,
        env.string("LOCATION_ADVERTISED_HOST", "127.0.0.1"),
        env.duration("LOCATION_STATIONARY_AFTER", DEFAULT_STATIONARY_AFTER),
        env.integer("LOCATION_STATIONARY_RADIUS_M", DEFAULT_STATIONARY_RADIUS_M, 1, 1_000_000),
        env.duration("LOCATION_PUNCTUATE_EVERY", DEFAULT_PUNCTUATE_EVERY),
        env.duration("LOCATION_COMMIT_INTERVAL", DEFAULT_COMMIT_INTERVAL),
        env.optional("LOCATION_STATE_DIR").map(Path::of).orElseGet(() -> defaultStateDir(port)),
        env.integer("LOCATION_STREAM_THREADS", 1, 1, 64),
        env.integer("LOCATION_STANDBY_REPLICAS", DEFAULT_STANDBY_REPLICAS, 0, 8),
        env.duration("LOCATION_SESSION_TIMEOUT", DEFAULT_SESSION_TIMEOUT),
        env.optional("LOCATION_INSTANCE_ID"),
        DatabaseUrl.parse(env.string("DATABASE_URL", DatabaseUrl.LOCAL_DEFAULT)),
        env.optional("CHAT_JWT_SECRET"),
        TopicReplication.from(env, TopicReplication.CLUSTER));
  }

  /** The defaults, talking to the given one-broker cluster (tests, embedded runs): internal topics have one replica. */
  public static LocationConfig defaults(String bootstrapServers) {
    return from(Env.of(java.util.Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers,
        TopicReplication.VARIABLE, "1")));
  }

  /** The same settings with another HTTP port. */
  public LocationConfig withHttpPort(int port) {
    return new LocationConfig(bootstrapServers, applicationId, port, advertisedHost, stationaryAfter,
        stationaryRadiusMeters, punctuateEvery, commitInterval, stateDir, streamThreads, standbyReplicas,
        sessionTimeout, instanceId, database, jwtSecret, topicReplication);
  }

  /** The same settings with another state directory. */
  public LocationConfig withStateDir(Path dir) {
    return new LocationConfig(bootstrapServers, applicationId, httpPort, advertisedHost, stationaryAfter,
        stationaryRadiusMeters, punctuateEvery, commitInterval, dir, streamThreads, standbyReplicas,
        sessionTimeout, instanceId, database, jwtSecret, topicReplication);
  }

  /** The same settings with another stationary threshold. */
  public LocationConfig withStationaryAfter(Duration after) {
    return new LocationConfig(bootstrapServers, applicationId, httpPort, advertisedHost, after,
        stationaryRadiusMeters, punctuateEvery, commitInterval, stateDir, streamThreads, standbyReplicas,
        sessionTimeout, instanceId, database, jwtSecret, topicReplication);
  }

  /** The same settings with another commit interval. */
  public LocationConfig withCommitInterval(Duration interval) {
    return new LocationConfig(bootstrapServers, applicationId, httpPort, advertisedHost, stationaryAfter,
        stationaryRadiusMeters, punctuateEvery, interval, stateDir, streamThreads, standbyReplicas,
        sessionTimeout, instanceId, database, jwtSecret, topicReplication);
  }

  /** The same settings with another application id. */
  public LocationConfig withApplicationId(String id) {
    return new LocationConfig(bootstrapServers, id, httpPort, advertisedHost, stationaryAfter,
        stationaryRadiusMeters, punctuateEvery, commitInterval, stateDir, streamThreads, standbyReplicas,
        sessionTimeout, instanceId, database, jwtSecret, topicReplication);
  }

  /** The same settings with another number of standby replicas. */
  public LocationConfig withStandbyReplicas(int replicas) {
    return new LocationConfig(bootstrapServers, applicationId, httpPort, advertisedHost, stationaryAfter,
        stationaryRadiusMeters, punctuateEvery, commitInterval, stateDir, streamThreads, replicas,
        sessionTimeout, instanceId, database, jwtSecret, topicReplication);
  }

  /** The same settings with another session timeout. */
  public LocationConfig withSessionTimeout(Duration timeout) {
    return new LocationConfig(bootstrapServers, applicationId, httpPort, advertisedHost, stationaryAfter,
        stationaryRadiusMeters, punctuateEvery, commitInterval, stateDir, streamThreads, standbyReplicas,
        timeout, instanceId, database, jwtSecret, topicReplication);
  }

  /** The same settings under a stable instance id (static group membership). */
  public LocationConfig withInstanceId(String id) {
    return new LocationConfig(bootstrapServers, applicationId, httpPort, advertisedHost, stationaryAfter,
        stationaryRadiusMeters, punctuateEvery, commitInterval, stateDir, streamThreads, standbyReplicas,
        sessionTimeout, Optional.of(id), database, jwtSecret, topicReplication);
  }

  /** The same settings with another database for the membership check. */
  public LocationConfig withDatabase(DatabaseUrl db) {
    return new LocationConfig(bootstrapServers, applicationId, httpPort, advertisedHost, stationaryAfter,
        stationaryRadiusMeters, punctuateEvery, commitInterval, stateDir, streamThreads, standbyReplicas,
        sessionTimeout, instanceId, db, jwtSecret, topicReplication);
  }

  /** The same settings with another token secret. */
  public LocationConfig withJwtSecret(String secret) {
    return new LocationConfig(bootstrapServers, applicationId, httpPort, advertisedHost, stationaryAfter,
        stationaryRadiusMeters, punctuateEvery, commitInterval, stateDir, streamThreads, standbyReplicas, sessionTimeout,
        instanceId, database, Optional.of(secret), topicReplication);
  }

  private static Path defaultStateDir(int port) {
    // One folder per HTTP port, so several instances on one machine never share task directories.
    return Path.of(System.getProperty("java.io.tmpdir"), "rallypoint-location-stream", String.valueOf(port));
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }

  private static void requirePositive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + "=" + d + " must be a positive ISO-8601 duration such as PT30M");
    }
  }
}
