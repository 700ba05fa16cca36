package io.rallypoint.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.client.frame.Endpoint;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.client.frame.ServerFrames;
import io.rallypoint.gateway.GatewayConfig;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.launcher.admin.AdminCommand;
import io.rallypoint.launcher.admin.TokenCommand;
import io.rallypoint.schemas.config.Env;
import io.rallypoint.testsupport.KafkaBroker;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** {@code rallypoint token} and {@code rallypoint admin} against a real gateway, as an app backend's operator uses them. */
class AdminCliIT {

  private static final String SECRET = "secret-of-the-admin-cli-test";

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  static GatewayServer gateway;
  static Env cli;

  @BeforeAll
  static void start() {
    KafkaBroker.ensureTopics();
    gateway = GatewayServer.start(GatewayConfig.from(Env.of(Map.of(
        "CHAT_JWT_SECRET", SECRET,
        "GATEWAY_PORT", "0",
        "KAFKA_BOOTSTRAP_SERVERS", KafkaBroker.bootstrapServers(),
        "DATABASE_URL", db.jdbcUrlWithCredentials(),
        "REDIS_URL", redis.url()))));
    cli = Env.of(Map.of("CHAT_JWT_SECRET", SECRET, "RALLYPOINT_GATEWAY_URL", "http://127.0.0.1:" + gateway.port()));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  record Run(int exit, String out, String err) {}

  private static Run run(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine line = Rallypoint.configure(new CommandLine(command));
    line.setOut(new PrintWriter(out, true));
    line.setErr(new PrintWriter(err, true));
    int exit = line.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static Run admin(String... args) {
    return run(new AdminCommand(cli), args);
  }

  @Test
  void anOperatorMakesAGroupAndAMemberConnectsWithAMintedTokenAndIsToldWhenRemoved() {
    String ride = "ride-" + UUID.randomUUID();

    // Given a conversation made with two members through the CLI
    Run created = admin("conversation", "create", ride, "--member", "ana", "--member", "ben");
    assertThat(created.exit()).as(created.err()).isZero();
    assertThat(admin("conversation", "create", ride).exit()).as("again: nothing changes").isZero();
    assertThat(admin("members", "list", ride).out().lines()).containsExactly("ana", "ben");

    // When ben connects with a token the CLI minted
    Run token = run(new TokenCommand(cli), "ben", "--ttl", "PT10M");
    assertThat(token.exit()).as(token.err()).isZero();
    try (FrameClient ben = FrameClient.connectSkipping(Endpoint.bearer(
        URI.create("ws://127.0.0.1:" + gateway.port() + "/ws"), token.out().strip()), ServerFrames::isPresencePush)) {
      ben.send("{\"type\":\"sync\",\"id\":\"y1\",\"conversation\":\"" + ride + "\",\"afterSeq\":0}");
      assertThat(ben.awaitType("sync").path("messages").size()).isZero();

      // And the operator removes him
      Run removed = admin("members", "remove", ride, "ben");
      assertThat(removed.exit()).as(removed.err()).isZero();

      // Then his open connection is told at once, and the member list says so
      JsonNode left = ben.await(f -> "membership".equals(f.path("type").asText()), Duration.ofSeconds(5));
      assertThat(left.path("state").asText()).isEqualTo("left");
      assertThat(admin("members", "list", ride).out().lines()).containsExactly("ana");
    }
  }

  @Test
  void consentIsSetInPostgresql() throws Exception {
    String user = "u-" + UUID.randomUUID();
    assertThat(admin("consent", user, "on").exit()).isZero();
    assertThat(sharing(user)).isTrue();
    assertThat(admin("consent", user, "off").exit()).isZero();
    assertThat(sharing(user)).isFalse();
    Run bad = admin("consent", user, "maybe");
    assertThat(bad.exit()).isNotZero();
    assertThat(bad.err()).contains("on or off");
  }

  @Test
  void whatTheGatewayRefusesIsPrintedWithItsCodeAndFailsTheCommand() {
    Run unknown = admin("members", "add", "no-such-" + UUID.randomUUID(), "ana");
    assertThat(unknown.exit()).isNotZero();
    assertThat(unknown.err()).contains("404").contains("not_found");

    Run notAdmin = run(new AdminCommand(cli), "--token", run(new TokenCommand(cli), "ana").out().strip(),
        "members", "list", "whatever");
    assertThat(notAdmin.exit()).isNotZero();
    assertThat(notAdmin.err()).contains("403");

    Run nowhere = run(new AdminCommand(cli), "--gateway", "http://127.0.0.1:1", "members", "list", "x");
    assertThat(nowhere.exit()).isNotZero();
    assertThat(nowhere.err()).contains("no answer from the gateway");
  }

  @Test
  void withoutASecretTheTokenCommandSaysWhereOneComesFrom() throws Exception {
    Path empty = Files.createTempDirectory("rallypoint-no-secret-");
    Run run = run(new TokenCommand(Env.of(Map.of())), "ana", "--state-dir", empty.toString());
    assertThat(run.exit()).isNotZero();
    assertThat(run.err()).contains("CHAT_JWT_SECRET").contains("up");
    Run tooLong = run(new TokenCommand(cli), "ana", "--ttl", "P400D");
    assertThat(tooLong.exit()).isNotZero();
    assertThat(tooLong.err()).contains("365 days");
  }

  private static boolean sharing(String user) throws Exception {
    try (var c = db.dataSource().getConnection();
        var s = c.prepareStatement("SELECT location_sharing_enabled FROM user_preferences WHERE user_id = ?")) {
      s.setString(1, user);
      try (ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getBoolean(1);
      }
    }
  }
}
