package io.rallypoint.location;

import io.rallypoint.schemas.config.Env;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

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
    int streamThreads) {

  public static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";
  public static final String DEFAULT_APPLICATION_ID = "rallypoint-location-stream";
  public static final int DEFAULT_HTTP_PORT = 8081;
  public static final Duration DEFAULT_STATIONARY_AFTER = Duration.ofMinutes(30);
  public static final int DEFAULT_STATIONARY_RADIUS_M = 50;
  public static final Duration DEFAULT_PUNCTUATE_EVERY = Duration.ofSeconds(1);
  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(30);

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
        env.integer("LOCATION_STREAM_THREADS", 1, 1, 64));
  }

  /** The defaults, talking to the given cluster (tests, embedded runs). */
  public static LocationConfig defaults(String bootstrapServers) {
    return from(Env.of(java.util.Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers)));
  }

  /** The same settings with another HTTP port. */
  public LocationConfig withHttpPort(int port) {
    return new LocationConfig(bootstrapServers, applicationId, port, advertisedHost, stationaryAfter,
        stationaryRadiusMeters, punctuateEvery, commitInterval, stateDir, streamThreads);
  }

  /** The same settings with another state directory. */
  public LocationConfig withStateDir(Path dir) {
    return new LocationConfig(bootstrapServers, applicationId, httpPort, advertisedHost, stationaryAfter,
        stationaryRadiusMeters, punctuateEvery, commitInterval, dir, streamThreads);
  }

  /** The same settings with another stationary threshold. */
  public LocationConfig withStationaryAfter(Duration after) {
    return new LocationConfig(bootstrapServers, applicationId, httpPort, advertisedHost, after,
        stationaryRadiusMeters, punctuateEvery, commitInterval, stateDir, streamThreads);
  }

  /** The same settings with another commit interval. */
  public LocationConfig withCommitInterval(Duration interval) {
    return new LocationConfig(bootstrapServers, applicationId, httpPort, advertisedHost, stationaryAfter,
        stationaryRadiusMeters, punctuateEvery, interval, stateDir, streamThreads);
  }

  /** The same settings with another application id. */
  public LocationConfig withApplicationId(String id) {
    return new LocationConfig(bootstrapServers, id, httpPort, advertisedHost, stationaryAfter,
        stationaryRadiusMeters, punctuateEvery, commitInterval, stateDir, streamThreads);
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
