package io.rallypoint.gateway.it;

import static io.rallypoint.gateway.it.Gateways.conversation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.schemas.json.Json;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo page's client ({@code web/rallypoint-client.js}, the one mobile and web teams port) run
 * in Node, whose {@code WebSocket} is the browser's, against a gateway with the default rate limit:
 * an outbox of 300 messages written while offline drains once online, each message sent again only
 * after its {@code retryAfterMs} and never ahead of an older one, each acked once, without a reconnect. Skipped when this machine has no Node with a WebSocket (Node 20.10 or
 * later).
 */
class BrowserClientIT {

  private static final int OUTBOX = 300;

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  @TempDir
  Path dir;

  @Test
  void anOfflineOutboxOf300DrainsInOrderAtItsTurnsWithoutAReconnect() throws Exception {
    List<String> node = nodeWithWebSocket();
    assumeTrue(node != null, "SKIPPED: no Node with a WebSocket (node 20.10+ with --experimental-websocket, or 22+)");
    copy("/io/rallypoint/gateway/web/rallypoint-client.js", dir.resolve("rallypoint-client.mjs"));
    copy("/io/rallypoint/gateway/it/outbox-flush.mjs", dir.resolve("outbox-flush.mjs"));
    Map<String, String> env = Gateways.env(db, redis); // the default rate limit: 20 frames a second, bursts of 40
    String conversation = conversation(db, "ana", "ben");

    try (GatewayServer gateway = Gateways.start(env)) {
      // Given a conversation under way (and a warm Kafka producer)
      try (FrameClient ben = Gateways.connect(gateway, "ben")) {
        ben.send(Gateways.send("hello", conversation, UUID.randomUUID().toString(), "hello"));
        assertThat(ben.awaitType("ack").path("seq").asLong()).isEqualTo(1);
      }

      // When ana's app starts with 300 messages in its outbox
      JsonNode result = runNode(node, "outbox-flush.mjs", Gateways.ws(gateway).toString(), Gateways.token("ana"),
          conversation, Integer.toString(OUTBOX), "100000");

      // Then every message was acked, once, under its own seq
      List<Long> seqs = new ArrayList<>();
      result.path("seqs").forEach(seq -> seqs.add(seq.isNull() ? null : seq.asLong()));
      assertThat(seqs).as(result.toString()).hasSize(OUTBOX).doesNotContainNull().doesNotHaveDuplicates();
      assertThat(result.path("pending").asInt()).isZero();
      // the gateway refused what the burst did not cover, each message once: the client sent each
      // again only once its retryAfterMs had passed (its turn), and never while an older message
      // waited (order kept); it never reconnected
      assertThat(result.path("rateLimited").asInt()).isBetween(OUTBOX - 40 - 40, OUTBOX - 40);
      assertThat(result.path("sends").asInt()).isEqualTo(OUTBOX + result.path("rateLimited").asInt()
          + result.path("unavailable").asInt());
      assertThat(result.path("early").asInt()).isZero();
      assertThat(result.path("overtook").asInt()).isZero();
      assertThat(result.path("otherErrors")).as(result.toString()).isEmpty();
      assertThat(result.path("connects").asInt()).as(result.path("states").toString()).isEqualTo(1);
      assertThat(result.path("elapsedMs").asLong()).isGreaterThan((OUTBOX - 80) * 50L);

      // And chat.messages holds each of them once, under the seq it was acked with
      long last = seqs.stream().mapToLong(Long::longValue).max().orElseThrow();
      TopicRecords.until("chat.messages", conversation, v -> v.path("seq").asLong() == last);
      List<JsonNode> records = TopicRecords.now("chat.messages", conversation);
      List<Long> expected = new ArrayList<>(seqs);
      expected.addFirst(1L);
      assertThat(records.stream().map(r -> r.path("seq").asLong()).toList()).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  void whenItsTokenExpiresTheClientWaitsForAFreshOneInsteadOfReconnecting() throws Exception {
    List<String> node = nodeWithWebSocket();
    assumeTrue(node != null, "SKIPPED: no Node with a WebSocket (node 20.10+ with --experimental-websocket, or 22+)");
    copy("/io/rallypoint/gateway/web/rallypoint-client.js", dir.resolve("rallypoint-client.mjs"));
    copy("/io/rallypoint/gateway/it/token-expiry.mjs", dir.resolve("token-expiry.mjs"));
    String conversation = conversation(db, "ana");

    try (GatewayServer gateway = Gateways.start(Gateways.env(db, redis))) {
      // Given ana's app with a token that expires in 2 to 3 s (exp is whole seconds)
      String expiring = JWT.create().withSubject("ana").withExpiresAt(Instant.now().plusSeconds(3))
          .sign(Algorithm.HMAC256(Gateways.SECRET));
      JsonNode result = runNode(node, "token-expiry.mjs", Gateways.ws(gateway).toString(), expiring,
          Gateways.token("ana"), conversation);

      // Then: open, closed with 4001 (expired, said as token_expired), no attempt with the dead
      // token for 3 s, open again with the fresh one (and stopped by the script)
      assertThat(result.path("states").toString()).isEqualTo("[\"connecting\",\"open\",\"expired\",\"offline\","
          + "\"connecting\",\"open\",\"stopped\"]");
      assertThat(result.path("errors").toString()).isEqualTo("[\"token_expired\"]");
    }
  }

  /** Runs a script of this class's resources (copied to {@link #dir}) and returns the JSON it printed last. */
  private JsonNode runNode(List<String> node, String script, String... args) throws Exception {
    List<String> command = new ArrayList<>(node);
    command.add(dir.resolve(script).toString());
    command.addAll(List.of(args));
    Process run = new ProcessBuilder(command).directory(dir.toFile())
        .redirectError(dir.resolve("stderr.txt").toFile()).start();
    String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(run.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String stderr = Files.readString(dir.resolve("stderr.txt"));
    assertThat(run.exitValue()).as("node said: %s%s", out, stderr).isZero();
    return Json.parse(out.lines().reduce((a, b) -> b).orElseThrow());
  }

  /** The command that runs Node with a WebSocket, or null when there is none. */
  private static List<String> nodeWithWebSocket() {
    for (List<String> candidate : List.of(List.of("node"), List.of("node", "--experimental-websocket"))) {
      List<String> probe = new ArrayList<>(candidate);
      probe.addAll(List.of("-e", "process.exit(typeof WebSocket === 'function' ? 0 : 3)"));
      try {
        Process p = new ProcessBuilder(probe).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return candidate;
        }
      } catch (IOException e) {
        return null; // no node at all
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  private static void copy(String resource, Path to) throws IOException {
    try (InputStream in = BrowserClientIT.class.getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      Files.copy(in, to);
    }
  }
}
