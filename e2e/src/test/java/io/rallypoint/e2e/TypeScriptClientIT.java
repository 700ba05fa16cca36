package io.rallypoint.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.rallypoint.gateway.GatewayConfig;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.persister.Persister;
import io.rallypoint.persister.PersisterConfig;
import io.rallypoint.schemas.config.Env;
import io.rallypoint.testsupport.KafkaBroker;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import io.rallypoint.testsupport.ToolOnPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The TypeScript client, {@code clients/typescript}, checked and tested with Node: {@code npm ci}
 * from its lock file; {@code npm run check} (its generated types are what the JSON Schemas give,
 * and the copy the gateway serves is the build of its source); {@code npm test} ({@code node
 * --test}: the unit tests, the packed tarball installed into an empty project, and the gateway
 * tests against a real gateway and persister on real Kafka, Redis and PostgreSQL, with the default
 * rate limit).
 * Without Node 20.10+ and npm on the PATH the class is skipped with a message, except on CI
 * ({@code CI=true}), where that fails the build.
 */
class TypeScriptClientIT {

  private static final Path PACKAGE = Path.of("..", "clients", "typescript").toAbsolutePath().normalize();
  private static final String SECRET = "e2e-secret-for-the-typescript-client";
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration CHECK_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration TEST_TIMEOUT = Duration.ofMinutes(6);
  /** The oldest Node with a WebSocket (behind --experimental-websocket, which the tests pass). */
  private static final int[] OLDEST_NODE = {20, 10};

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  private static Path npm;

  @BeforeAll
  static void installThePackagesDependencies() throws Exception {
    String missing = "the TypeScript client cannot be built or tested. Install Node.js 20.10 or later with npm";
    Path node = ToolOnPath.require("node", missing);
    npm = ToolOnPath.require("npm", missing);
    String version = run(Duration.ofSeconds(30), Map.of(), node.toString(), "--version").output().strip();
    if (!atLeast(version, OLDEST_NODE)) {
      ToolOnPath.unusable("node " + version + " is older than 20.10 (no WebSocket): " + missing);
    }
    Run install = run(INSTALL_TIMEOUT, Map.of(), npm.toString(), "ci", "--no-audit", "--no-fund", "--prefer-offline",
        "--loglevel=error");
    assertThat(install.exit()).as("npm ci in %s:%n%s", PACKAGE, install.output()).isZero();
  }

  @Test
  void theGeneratedTypesAndTheCopyTheGatewayServesAreFresh() throws Exception {
    Run check = run(CHECK_TIMEOUT, Map.of(), npm.toString(), "run", "check");

    assertThat(check.exit()).as(check.output()).isZero();
    assertThat(check.output()).contains("src/protocol.ts matches the schemas", "rallypoint-client.js is the build of src/");
  }

  @Test
  void thePackagesTestsPassAgainstARealGateway() throws Exception {
    KafkaBroker.ensureTopics();
    // a persister too: a sync of more than the gateway's cache (the latest 50) waits for the database
    Persister persister = Persister.start(persisterConfig());
    try (persister; GatewayServer gateway = GatewayServer.start(GatewayConfig.from(Env.of(gatewayEnv())))) {
      Run test = run(TEST_TIMEOUT, Map.of("RALLYPOINT_GATEWAY_URL", "http://127.0.0.1:" + gateway.port(),
          "CHAT_JWT_SECRET", SECRET), npm.toString(), "test");

      assertThat(test.exit()).as(test.output()).isZero();
      // every test ran: none was skipped for want of the gateway
      assertThat(test.output()).as(test.output()).contains("# fail 0", "# skipped 0").containsPattern("# pass [1-9]");
    }
  }

  /** A gateway with the default limits (the outbox test meets the default rate limit). */
  private static Map<String, String> gatewayEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("CHAT_JWT_SECRET", SECRET);
    env.put("GATEWAY_PORT", "0");
    env.put("KAFKA_BOOTSTRAP_SERVERS", KafkaBroker.bootstrapServers());
    env.put("DATABASE_URL", db.jdbcUrlWithCredentials());
    env.put("REDIS_URL", redis.url());
    return env;
  }

  private static PersisterConfig persisterConfig() {
    return new PersisterConfig(KafkaBroker.bootstrapServers(), db.databaseUrl(), 0, "typescript-client-" + UUID.randomUUID(),
        500, List.of(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800)), Duration.ofMillis(100),
        Duration.ofSeconds(1), 2, 1, PersisterConfig.DEFAULT_BATCH_WAIT);
  }

  /** Whether {@code node --version} (v20.10.0) is at least major.minor. */
  private static boolean atLeast(String version, int[] oldest) {
    Matcher m = Pattern.compile("v(\\d+)\\.(\\d+)").matcher(version);
    if (!m.lookingAt()) {
      return false;
    }
    int major = Integer.parseInt(m.group(1));
    return major > oldest[0] || (major == oldest[0] && Integer.parseInt(m.group(2)) >= oldest[1]);
  }

  private record Run(int exit, String output) {}

  /** Runs the command in the package's folder, with these variables added, and returns its exit code and output. */
  private static Run run(Duration timeout, Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("typescript-client-", ".log");
    try {
      ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(List.of(command)))
          .directory(PACKAGE.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor();
        fail(String.join(" ", command) + " did not finish within " + timeout + ":\n" + Files.readString(log));
      }
      return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
