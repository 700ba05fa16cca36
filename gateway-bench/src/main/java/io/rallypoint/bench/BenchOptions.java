package io.rallypoint.bench;

import io.rallypoint.schemas.config.Env;
import io.rallypoint.schemas.db.DatabaseUrl;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What {@link GatewayBench} runs: N connections in groups of M users per conversation, spread
 * round-robin over one or more gateways, sending at a fixed aggregate rate for a bounded time.
 *
 * @param gateways    {@code --url} (ws://127.0.0.1:8080/ws; comma-separated for several gateways)
 * @param connections {@code --connections} (1000): WebSocket connections, one user each
 * @param groupSize   {@code --group} (10): users per conversation (the last group may be smaller)
 * @param rate        {@code --rate} (5000): sends per second over all connections, open loop
 * @param duration    {@code --duration} (PT30S): how long latencies are measured, after the warm-up
 * @param warmup      {@code --warmup} (PT5S): sending at the rate before measuring starts
 * @param jwtSecret   {@code --secret} (env CHAT_JWT_SECRET): signs the users' tokens
 * @param database    {@code --database} (env DATABASE_URL, else the local default): where the bench
 *                    conversations and their members are created
 * @param drain       {@code --drain} (PT5S): how long to wait for the last acks and deliveries
 * @param baseline    {@code --baseline} (true): first run the same load against an in-process
 *                    {@link BaselineServer}, and print the gateway's latencies as ratios to it
 * @param shareEvery  {@code --share-every} (off, zero): the gateway is measured twice in the run, chat
 *                    alone and then chat while every member shares a position this often (jittered),
 *                    from an active recording session, and the second's latencies are printed as ratios
 *                    to the first's
 * @param storm       {@code --storm} (0, off): this many more members of the bench conversations connect
 *                    all at once at {@code stormAt}, and chat latency in the storm is printed against
 *                    chat latency before it
 * @param stormAt     {@code --storm-at} (PT15S): when the storm starts, from the start of sending (the
 *                    warm-up included); after the warm-up and before the end of the measured part
 */
public record BenchOptions(
    List<URI> gateways,
    int connections,
    int groupSize,
    int rate,
    Duration duration,
    Duration warmup,
    String jwtSecret,
    DatabaseUrl database,
    Duration drain,
    boolean baseline,
    Duration shareEvery,
    int storm,
    Duration stormAt) {

  public static final String USAGE = """
      usage: bench [--url ws://host:port/ws[,ws://...]] [--connections 1000] [--group 10] [--rate 5000]
                   [--duration PT30S] [--warmup PT5S] [--drain PT5S] [--secret S] [--database postgresql://...]
                   [--baseline true|false] [--share-every PT2S] [--storm 1000 [--storm-at PT15S]]
      --baseline true (the default) first runs the same load against an in-process Netty broadcast server.
      --share-every measures the gateways twice: chat alone, then chat while every member shares a position
      that often; --storm connects that many more members at once at --storm-at (from the start of sending).
      CHAT_JWT_SECRET and DATABASE_URL are read from the environment when not given.""";

  public BenchOptions {
    gateways = List.copyOf(gateways);
    if (jwtSecret == null || jwtSecret.isBlank()) {
      throw new IllegalArgumentException("a JWT secret (--secret or CHAT_JWT_SECRET) is required");
    }
    Objects.requireNonNull(database, "database");
    if (gateways.isEmpty()) {
      throw new IllegalArgumentException("at least one gateway URL is required");
    }
    if (connections < 2 || groupSize < 2 || groupSize > connections) {
      throw new IllegalArgumentException("need at least 2 connections and 2 <= group <= connections");
    }
    if (rate < 1 || duration.isNegative() || duration.isZero() || warmup.isNegative() || drain.isNegative()) {
      throw new IllegalArgumentException("rate must be positive, duration positive, warm-up and drain not negative");
    }
    if (shareEvery.isNegative() || storm < 0) {
      throw new IllegalArgumentException("--share-every and --storm must not be negative");
    }
    if (storm > 0 && (stormAt.compareTo(warmup) <= 0 || stormAt.compareTo(warmup.plus(duration)) >= 0)) {
      throw new IllegalArgumentException("--storm-at must fall after the warm-up and before the end of the measured"
          + " part (" + warmup + " < --storm-at < " + warmup.plus(duration) + ")");
    }
    if (storm > 0 && !shareEvery.isZero()) { // the fields are not assigned yet: no sharing() here
      throw new IllegalArgumentException("--storm and --share-every are measured in separate runs");
    }
  }

  /** Whether the members share positions ({@code --share-every}). */
  public boolean sharing() {
    return !shareEvery.isZero();
  }

  /** The defaults, with the secret and database from the environment. */
  public static BenchOptions defaults(Env env) {
    return parse(new String[0], env);
  }

  /** Parses {@code --name value} pairs over the defaults; throws {@link IllegalArgumentException} with the usage. */
  public static BenchOptions parse(String[] args, Env env) {
    List<URI> gateways = List.of(URI.create("ws://127.0.0.1:8080/ws"));
    int connections = 1_000;
    int groupSize = 10;
    int rate = 5_000;
    Duration duration = Duration.ofSeconds(30);
    Duration warmup = Duration.ofSeconds(5);
    String secret = env.optional("CHAT_JWT_SECRET").orElse(null);
    DatabaseUrl database = DatabaseUrl.parse(env.string("DATABASE_URL", DatabaseUrl.LOCAL_DEFAULT));
    Duration drain = Duration.ofSeconds(5);
    boolean baseline = true;
    Duration shareEvery = Duration.ZERO;
    int storm = 0;
    Duration stormAt = Duration.ofSeconds(15);
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException("options come in --name value pairs: " + Arrays.toString(args) + "\n" + USAGE);
    }
    try {
      for (int i = 0; i < args.length; i += 2) {
        String value = args[i + 1];
        switch (args[i]) {
          case "--url" -> {
            List<URI> urls = new ArrayList<>();
            for (String url : value.split(",")) {
              urls.add(URI.create(url.trim()));
            }
            gateways = urls;
          }
          case "--connections" -> connections = Integer.parseInt(value);
          case "--group" -> groupSize = Integer.parseInt(value);
          case "--rate" -> rate = Integer.parseInt(value);
          case "--duration" -> duration = Duration.parse(value);
          case "--warmup" -> warmup = Duration.parse(value);
          case "--drain" -> drain = Duration.parse(value);
          case "--secret" -> secret = value;
          case "--database" -> database = DatabaseUrl.parse(value);
          case "--baseline" -> baseline = trueOrFalse("--baseline", value);
          case "--share-every" -> shareEvery = Duration.parse(value);
          case "--storm" -> storm = Integer.parseInt(value);
          case "--storm-at" -> stormAt = Duration.parse(value);
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      return new BenchOptions(gateways, connections, groupSize, rate, duration, warmup, secret, database, drain,
          baseline, shareEvery, storm, stormAt);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(e.getMessage() + "\n" + USAGE, e);
    }
  }

  /** Only the words true and false: a typo must not silently mean false. */
  private static boolean trueOrFalse(String option, String value) {
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(option + " takes true or false, not '" + value + "'");
    };
  }

  /** Conversations the connections form. */
  public int conversations() {
    return (connections + groupSize - 1) / groupSize;
  }
}
