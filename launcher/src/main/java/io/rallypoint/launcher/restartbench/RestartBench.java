package io.rallypoint.launcher.restartbench;

import io.rallypoint.embedded.FreePorts;
import io.rallypoint.launcher.tokens.Tokens;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * How long Rallypoint takes to come back: {@code rallypoint up} in a process of its own, on free
 * ports and a fresh state folder, stopped cleanly (SIGTERM, as Ctrl-C) and killed (SIGKILL) and
 * started again; then a second persister and a second location-stream beside it, each killed or
 * restarted. It prints, from each process start, the time until {@code up} says it is up, until a
 * message sent then is in PostgreSQL, and until every group's meeting point moves again; and for
 * the second instances the longest an acked message waited to be stored and the longest any
 * group's meeting point stood still. Not a test: it asserts nothing and exits 0 when it ran.
 */
public final class RestartBench {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
  private static final Duration RESUME_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration WALK_EVERY = Duration.ofMillis(200);
  private static final Duration CHAT_EVERY = Duration.ofMillis(50);
  /** How long the bench watches after a restarted instance is ready (a rebalance back to it comes then). */
  private static final Duration SETTLE = Duration.ofSeconds(10);

  private final int rounds;
  private final int groupCount;
  private final boolean instanceIds;
  private final PrintStream out;
  private final Path state;
  private final String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
  // the ports of up's servers and of the second instances, chosen together so no two are the same
  private final int[] ports = FreePorts.distinct(8);
  private final int kafka = ports[0];
  private final int postgres = ports[1];
  private final int redis = ports[2];
  private final int gateway = ports[3];
  private final int persisterHttp = ports[4];
  private final int locationHttp = ports[5];
  private final List<String> groups;
  private final List<JarProcess> running = new java.util.concurrent.CopyOnWriteArrayList<>();

  private RestartBench(int rounds, int groupCount, boolean instanceIds, PrintStream out) throws IOException {
    this.rounds = rounds;
    this.groupCount = groupCount;
    this.instanceIds = instanceIds;
    this.out = out;
    this.state = Files.createTempDirectory("rallypoint-restart-bench-");
    this.groups = IntStream.range(0, groupCount).mapToObj(i -> "restart-bench-" + i).toList();
  }

  /** Runs the bench; 0 when every phase completed, 1 when one did not. */
  public static int run(int rounds, int groups, boolean instanceIds, PrintStream out) {
    RestartBench bench;
    try {
      bench = new RestartBench(rounds, groups, instanceIds, out);
    } catch (IOException e) {
      out.println("restart bench: cannot create a state folder: " + e.getMessage());
      return 1;
    }
    // Ctrl-C on the bench stops what it started too (SIGTERM: up stops its servers)
    Thread cleanup = new Thread(bench::stopAll, "restart-bench-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      bench.runPhases();
      bench.stopAll();
      bench.deleteServerData();
      return 0;
    } catch (Exception e) {
      out.println("restart bench stopped: " + e);
      return 1;
    } finally {
      bench.stopAll();
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running already
      }
    }
  }

  private void runPhases() throws Exception {
    out.printf("State folder %s; logs in %s%n", state, state.resolve("logs"));
    Files.createDirectories(state.resolve("logs"));
    out.printf("%-34s %8s %12s %16s %6s%n", "up, from its process start", "up", "persisted", "meeting points", "load");

    JarProcess up = startUp();
    double first = up.awaitUp(START_TIMEOUT);
    createGroups();
    MeetingPointProbe walk = new MeetingPointProbe(bootstrap(), groups, WALK_EVERY);
    try (walk) {
      Row firstRow = resumed(up, first, walk, 0);
      out.printf("%-34s %7.1fs %11.1fs %15.1fs %6.1f%n", "first start (empty state folder)", firstRow.up,
          firstRow.persisted, firstRow.moved, load());
      for (int round = 1; round <= rounds; round++) {
        for (boolean kill : new boolean[] {false, true}) {
          if (kill) {
            up.kill();
          } else {
            up.stop();
          }
          running.remove(up);
          long step = walk.stepNow();
          up = startUp();
          Row row = resumed(up, up.awaitUp(START_TIMEOUT), walk, step);
          out.printf("%-34s %7.1fs %11.1fs %15.1fs %6.1f%n",
              (kill ? "kill -9, start again #" : "Ctrl-C, start again #") + round, row.up, row.persisted, row.moved, load());
        }
      }
      scaledOut(walk);
    }
    double stopped = up.stop();
    running.remove(up);
    out.printf("up stopped on SIGTERM in %.1f s%n", stopped);
  }

  private record Row(double up, double persisted, double moved) {}

  /** After a start: a message sent as soon as the gateway takes it, and the walkers' next step. */
  private Row resumed(JarProcess up, double upSeconds, MeetingPointProbe walk, long stepBefore) throws Exception {
    try (ChatProbe chat = ChatProbe.connectWhenUp(gateway, token("alice"), RESUME_TIMEOUT)) {
      ChatProbe.Acked acked = chat.send(groups.get(0), "after the restart").get(RESUME_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      long stored = ChatProbe.awaitStored(jdbcUrl(), acked, RESUME_TIMEOUT);
      double moved = walk.awaitAllMovedPast(stepBefore, up.startedNanos(), RESUME_TIMEOUT);
      return new Row(upSeconds, JarProcess.seconds(stored - up.startedNanos()), moved);
    }
  }

  /** A second persister and location-stream beside up's own: kill or restart each and watch the others carry on. */
  private void scaledOut(MeetingPointProbe walk) throws Exception {
    out.println();
    out.printf("Second instances beside up's, %s (%d groups, a message every %d ms, every group moving every %d ms)%n",
        instanceIds ? "with instance ids (static members)" : "without instance ids (dynamic members)",
        groupCount, CHAT_EVERY.toMillis(), WALK_EVERY.toMillis());
    out.printf("%-44s %10s %22s %6s%n", "", "ready", "longest wait / freeze", "load");
    int persisterB = ports[6];
    int locationB = ports[7];
    JarProcess persister = startPersister(persisterB);
    persister.awaitReady(ready(persisterB), START_TIMEOUT);
    JarProcess location = startLocation(locationB);
    location.awaitReady(ready(locationB), START_TIMEOUT);
    try (ChatProbe chat = ChatProbe.connectWhenUp(gateway, token("alice"), RESUME_TIMEOUT);
        ChatLoad load = new ChatLoad(chat, jdbcUrl(), groups, CHAT_EVERY)) {
      Thread.sleep(SETTLE);
      for (int round = 1; round <= rounds; round++) {
        for (boolean kill : new boolean[] {false, true}) {
          long from = System.nanoTime();
          if (kill) {
            persister.kill();
          } else {
            persister.stop();
          }
          running.remove(persister);
          persister = startPersister(persisterB);
          double ready = persister.awaitReady(ready(persisterB), START_TIMEOUT);
          Thread.sleep(SETTLE);
          out.printf("%-44s %9.1fs %20.1fs %6.1f%n", "persister: " + (kill ? "kill -9" : "SIGTERM") + ", start again #"
              + round, ready, load.longestWait(from, System.nanoTime()), load());
        }
        for (boolean kill : new boolean[] {false, true}) {
          int owned = ownedBy(locationB);
          long from = System.nanoTime();
          if (kill) {
            location.kill();
          } else {
            location.stop();
          }
          running.remove(location);
          location = startLocation(locationB);
          double ready = location.awaitReady(ready(locationB), START_TIMEOUT);
          Thread.sleep(SETTLE);
          out.printf("%-44s %9.1fs %20.1fs %6.1f%n", "location-stream (owned " + owned + "/" + groupCount + "): "
              + (kill ? "kill -9" : "SIGTERM") + " #" + round, ready, walk.longestFreeze(from, System.nanoTime()), load());
        }
      }
      if (load.failures() > 0) {
        out.printf("%d chat sends were refused or lost (the gateway restarts with up)%n", load.failures());
      }
    }
    persister.stop();
    location.stop();
    running.remove(persister);
    running.remove(location);
  }

  /** How many groups the instance on {@code port} owns now, asked through its own meeting-point API. */
  private int ownedBy(int port) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    int owned = 0;
    for (String g : groups) {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/meeting-points/" + g))
          .header("Authorization", "Bearer " + token("alice")).timeout(Duration.ofSeconds(5)).GET().build();
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() == 200
          && response.headers().firstValue("X-Served-By").orElse("").endsWith(":" + port)) {
        owned++;
      }
    }
    return owned;
  }

  private JarProcess startUp() {
    Map<String, String> env = new HashMap<>(services());
    env.put("KAFKA_BOOTSTRAP_SERVERS", null);
    env.put("DATABASE_URL", null);
    env.put("REDIS_URL", null);
    env.put("GATEWAY_PORT", String.valueOf(gateway));
    env.put("PERSISTER_HTTP_PORT", String.valueOf(persisterHttp));
    env.put("LOCATION_HTTP_PORT", String.valueOf(locationHttp));
    return track(JarProcess.start(List.of("up", "--state-dir", state.toString(), "--kafka-port", String.valueOf(kafka),
        "--postgres-port", String.valueOf(postgres), "--redis-port", String.valueOf(redis)), env, log("up")));
  }

  private JarProcess startPersister(int port) {
    Map<String, String> env = new HashMap<>(services());
    env.put("PERSISTER_HTTP_PORT", String.valueOf(port));
    env.put("PERSISTER_INSTANCE_ID", instanceIds ? "restart-bench-persister-b" : null);
    return track(JarProcess.start(List.of("persister"), env, log("persister-b")));
  }

  private JarProcess startLocation(int port) {
    Map<String, String> env = new HashMap<>(services());
    env.put("LOCATION_HTTP_PORT", String.valueOf(port));
    env.put("LOCATION_STATE_DIR", state.resolve("location-b").toString());
    env.put("LOCATION_INSTANCE_ID", instanceIds ? "restart-bench-location-b" : null);
    return track(JarProcess.start(List.of("location-stream"), env, log("location-stream-b")));
  }

  /** What every process of this bench is told: up's servers (for the second instances) and the token secret. */
  private Map<String, String> services() {
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap());
    env.put("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + postgres + "/postgres");
    env.put("REDIS_URL", "redis://127.0.0.1:" + redis);
    env.put("CHAT_JWT_SECRET", secret);
    env.put(io.rallypoint.schemas.topic.TopicReplication.VARIABLE, "1"); // up's one embedded broker
    for (String variable : List.of("PERSISTER_INSTANCE_ID", "LOCATION_INSTANCE_ID", "LOCATION_STATE_DIR")) {
      env.put(variable, null);
    }
    return env;
  }

  private JarProcess track(JarProcess process) {
    running.add(process);
    return process;
  }

  private void createGroups() throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl(), "postgres", "")) {
      try (PreparedStatement conversation = c.prepareStatement(
              "INSERT INTO conversations (id, title) VALUES (?, 'restart bench') ON CONFLICT DO NOTHING");
          PreparedStatement member = c.prepareStatement(
              "INSERT INTO conversation_members (conversation_id, user_id) VALUES (?, 'alice') ON CONFLICT DO NOTHING")) {
        for (String g : groups) {
          conversation.setString(1, g);
          conversation.executeUpdate();
          member.setString(1, g);
          member.executeUpdate();
        }
      }
    }
  }

  private synchronized void stopAll() {
    for (JarProcess p : List.copyOf(running).reversed()) {
      try {
        if (p.alive()) {
          p.stop();
        }
      } catch (Exception e) {
        out.println("could not stop a process: " + e.getMessage());
      }
    }
  }

  /** Everything but the logs: the embedded servers' data is only good for this run. */
  private void deleteServerData() throws IOException {
    try (var entries = Files.list(state)) {
      for (Path entry : entries.filter(p -> !p.getFileName().toString().equals("logs")).toList()) {
        try (var tree = Files.walk(entry)) {
          for (Path p : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
    out.printf("Logs kept in %s%n", state.resolve("logs"));
  }

  /** The machine's 1-minute load average: on a shared machine the times above follow it. */
  private static double load() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private String token(String user) {
    return Tokens.withSecret(secret).user(user, Duration.ofHours(2), Instant.now());
  }

  private String bootstrap() {
    return "127.0.0.1:" + kafka;
  }

  private String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + postgres + "/postgres";
  }

  private static String ready(int port) {
    return "http://127.0.0.1:" + port + "/health/ready";
  }

  private Path log(String name) {
    return state.resolve("logs").resolve(name + ".log");
  }

}
