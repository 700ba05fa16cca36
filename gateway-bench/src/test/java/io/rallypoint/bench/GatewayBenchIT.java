package io.rallypoint.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.rallypoint.gateway.GatewayConfig;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.schemas.config.Env;
import io.rallypoint.testsupport.KafkaBroker;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bench against a real gateway (on the test PostgreSQL, Redis and Kafka), at a small size: it
 * runs and prints each of its reports. It asserts no latency: those are measured, not tested.
 */
class GatewayBenchIT {

  private static final String SECRET = "test-secret-for-the-bench";

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  static GatewayServer gateway;

  @BeforeAll
  static void start() {
    KafkaBroker.ensureTopics();
    Map<String, String> env = new HashMap<>();
    env.put("CHAT_JWT_SECRET", SECRET);
    env.put("GATEWAY_PORT", "0");
    env.put("KAFKA_BOOTSTRAP_SERVERS", KafkaBroker.bootstrapServers());
    env.put("DATABASE_URL", db.jdbcUrlWithCredentials());
    env.put("REDIS_URL", redis.url());
    gateway = GatewayServer.start(GatewayConfig.from(Env.of(env)));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  /** Runs the bench with {@code extra} options over a small load; returns its exit code and what it printed. */
  private static Run bench(String... extra) {
    String[] base = {"--url", "ws://127.0.0.1:" + gateway.port() + "/ws", "--connections", "20", "--group", "5",
        "--rate", "40", "--warmup", "PT1S", "--duration", "PT4S", "--drain", "PT5S", "--baseline", "false",
        "--secret", SECRET, "--database", db.jdbcUrlWithCredentials()};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    int exit = GatewayBench.run(BenchOptions.parse(args, Env.of(Map.of())),
        new PrintStream(printed, true, StandardCharsets.UTF_8));
    return new Run(exit, printed.toString(StandardCharsets.UTF_8));
  }

  private record Run(int exit, String printed) {}

  @Test
  void withSharingItMeasuresChatAloneThenChatWhileSharingAndPrintsTheirRatio() {
    Run run = bench("--share-every", "PT1S");

    assertThat(run.exit()).as(run.printed()).isZero();
    assertThat(run.printed())
        .contains("alone delivery latency ms: p50 ")
        .contains("sharing connected 20 sockets, each with an active recording session")
        .contains("sharing delivery latency ms: p50 ")
        .containsPattern("sharing positions sent \\d+, accepted \\d+, received by other members \\d+")
        .contains("sharing / alone: delivery p50 ");
  }

  @Test
  void withAStormItPrintsChatLatencyInTheStormAgainstBefore() {
    Run run = bench("--storm", "20", "--storm-at", "PT2S");

    assertThat(run.exit()).as(run.printed()).isZero();
    assertThat(run.printed())
        .contains("storm: 20 more connections at PT2S, all at once: 20 opened in ")
        .contains("20 presence answers")
        .contains("steady delivery latency ms: p50 ")
        .contains("storm  delivery latency ms: p50 ")
        .contains("storm / steady: delivery p99 ");
  }
}
