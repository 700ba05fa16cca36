package io.rallypoint.gateway.it;

import static io.rallypoint.gateway.it.Gateways.connect;
import static io.rallypoint.gateway.it.Gateways.conversation;
import static io.rallypoint.gateway.it.Gateways.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The limits that protect a node from its clients, each on a gateway configured to reach it quickly. */
class ProtectionIT {

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  private static GatewayServer gateway(Map<String, String> overrides) {
    Map<String, String> env = Gateways.env(db, redis);
    env.putAll(overrides);
    return Gateways.start(env);
  }

  @Test
  void framesOverTheUsersRateLimitAreRefusedWithRateLimitedAndWhenToRetry() throws Exception {
    try (GatewayServer node = gateway(Map.of("GATEWAY_RATE_LIMIT_BURST", "3", "GATEWAY_RATE_LIMIT_PER_SECOND", "1"));
        FrameClient ana = connect(node, "ana")) {
      for (int i = 1; i <= 5; i++) {
        ana.send("{\"type\":\"ping\",\"id\":\"" + i + "\"}");
      }

      List<String> answers = new ArrayList<>();
      List<Long> retryAfters = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        JsonNode frame = ana.next();
        answers.add(frame.path("id").asText() + ":" + frame.path("type").asText() + frame.path("code").asText(""));
        if (frame.has("retryAfterMs")) {
          retryAfters.add(frame.path("retryAfterMs").asLong());
        }
      }
      assertThat(answers).containsExactly("1:pong", "2:pong", "3:pong", "4:errorrate_limited", "5:errorrate_limited");
      // at one frame a second, the 4th may come back within a second, the 5th a second later
      assertThat(retryAfters).hasSize(2);
      assertThat(retryAfters.get(0)).isBetween(900L, 1_000L);
      assertThat(retryAfters.get(1)).isBetween(1_900L, 2_000L);

      // And the 5th, sent again once its time has passed, is answered, on the same connection
      ana.send("{\"type\":\"ping\",\"id\":\"5-again\"}");
      JsonNode early = ana.next();
      assertThat(early.path("code").asText()).as("sent again too early").isEqualTo("rate_limited");
      // (the client's pace: refused at once, it waits the retryAfterMs it was told, then sends again)
      List<String> refusals = new ArrayList<>();
      JsonNode onTime = ana.untilAnswered("{\"type\":\"ping\",\"id\":\"5-on-time\"}", "pong", refusals, Duration.ofSeconds(10));
      assertThat(onTime.path("id").asText()).isEqualTo("5-on-time");
      assertThat(refusals).as("answered once it waited as told, never refused twice").hasSizeLessThanOrEqualTo(1);
      assertThat(ana.closeCode()).isNotDone();
    }
  }

  @Test
  void aClientThatKeepsSendingNewFramesWhileRefusedIsClosedWith1008OnceTheAbuseWindowHasPassed() throws Exception {
    try (GatewayServer node = gateway(Map.of("GATEWAY_RATE_LIMIT_BURST", "1", "GATEWAY_RATE_LIMIT_PER_SECOND", "1",
            "GATEWAY_ABUSE_WINDOW", "PT1S", "GATEWAY_ABUSE_CLOSE_AFTER", "5"));
        FrameClient ana = connect(node, "ana")) {
      ana.send("{\"type\":\"ping\",\"id\":\"first\"}");
      assertThat(ana.awaitType("pong").path("id").asText()).isEqualTo("first");

      // When ana keeps sending new frames every 50 ms, whatever retryAfterMs says
      long start = System.nanoTime();
      AtomicInteger seq = new AtomicInteger();
      try (ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor()) {
        pace.scheduleAtFixedRate(() -> {
          int n = seq.incrementAndGet();
          if (n > 100 || ana.closeCode().isDone()) {
            return;
          }
          try {
            ana.send("{\"type\":\"sync\",\"conversation\":\"c\",\"afterSeq\":" + n + "}");
          } catch (CompletionException closing) {
            // the gateway closed meanwhile: nothing more to send
          }
        }, 0, 50, TimeUnit.MILLISECONDS);

        // Then after a second of refusals, and not before, the gateway closes the connection with 1008
        assertThat(ana.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1008);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        pace.shutdownNow();
      }
      long refused = 0;
      for (JsonNode frame = ana.poll(Duration.ZERO).orElse(null); frame != null; frame = ana.poll(Duration.ZERO).orElse(null)) {
        assertThat(frame.path("code").asText()).isEqualTo("rate_limited");
        refused++;
      }
      assertThat(refused).isGreaterThanOrEqualTo(5);
    }
  }

  @Test
  void aSilentConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    try (GatewayServer node = gateway(Map.of("GATEWAY_IDLE_TIMEOUT", "PT0.5S"));
        FrameClient ana = connect(node, "ana")) {
      assertThat(ana.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1001);
    }
  }

  @Test
  void aReaderThatStallsIsCutWhileTheOthersKeepReceiving() {
    String conversation = conversation(db, "ana", "ben", "cy");
    try (GatewayServer node = gateway(Map.of(
            "GATEWAY_OUTBOUND_HIGH_WATER_BYTES", "65536",
            "GATEWAY_MAX_BODY_CHARS", "60000",
            "GATEWAY_RATE_LIMIT_BURST", "10000",
            "GATEWAY_RATE_LIMIT_PER_SECOND", "10000"));
        FrameClient ana = connect(node, "ana");
        FrameClient ben = connect(node, "ben");
        FrameClient cy = connect(node, "cy")) {
      // Given ben's phone stops reading
      ben.stopReading();
      String body = "x".repeat(50_000);

      // When ana keeps sending large messages until the node gives up on ben (kernel buffers take the first MBs)
      long seq = 0;
      for (int i = 0; i < 1_000 && slowReadersCut(node) == 0; i++) {
        ana.send(send("s" + i, conversation, UUID.randomUUID().toString(), body));
        seq = ana.awaitType("ack").path("seq").asLong();
      }

      // Then ben was cut, and only ben
      assertThat(slowReadersCut(node)).isEqualTo(1);
      await().atMost(Duration.ofSeconds(10)).until(() -> node.connectionCount() == 2);

      // And cy received every message, up to the last one
      long last = seq;
      long received = 0;
      while (received < last) {
        received = cy.awaitType("message").path("seq").asLong();
      }
      assertThat(received).isEqualTo(last);

      // And the conversation goes on for those still here
      ana.send(send("after", conversation, UUID.randomUUID().toString(), "still here?"));
      ana.awaitType("ack");
      assertThat(cy.awaitType("message").path("body").asText()).isEqualTo("still here?");
    }
  }

  @Test
  void pastTheRedisInFlightLimitASendIsRefusedAtOnceAndItsResendIsAccepted() {
    String conversation = conversation(db, "ana", "ben");
    RedisClient admin = redis.client();
    try (GatewayServer node = gateway(Map.of("GATEWAY_REDIS_MAX_PENDING_SENDS", "2"));
        FrameClient ana = connect(node, "ana");
        FrameClient ben = connect(node, "ben");
        StatefulRedisConnection<String, String> adminConnection = admin.connect()) {
      ana.send(send("warm", conversation, UUID.randomUUID().toString(), "warm"));
      ana.awaitType("ack");

      // Given Redis answers nobody for 2 s (each send waits on one accept script)
      adminConnection.sync().clientPause(2_000);
      long pausedAt = System.nanoTime();

      // When ana sends six messages at once
      List<String> clientMsgIds = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        clientMsgIds.add(UUID.randomUUID().toString());
        ana.send(send("s" + i, conversation, clientMsgIds.get(i), "m" + i));
      }

      // Then the four past the limit of two are refused unavailable at once, long before Redis is back
      Set<String> refused = new HashSet<>();
      while (refused.size() < 4) {
        JsonNode error = ana.awaitType("error");
        assertThat(error.path("code").asText()).isEqualTo("unavailable");
        assertThat(error.path("retryAfterMs").asLong()).as("when to try again").isEqualTo(1_000);
        refused.add(error.path("id").asText());
      }
      assertThat(Duration.ofNanos(System.nanoTime() - pausedAt)).isLessThan(Duration.ofMillis(1_500));

      // And the two that reached Redis are acked once it answers again
      Set<String> acked = new HashSet<>();
      while (acked.size() < 2) {
        acked.add(ana.awaitType("ack").path("clientMsgId").asText());
      }
      assertThat(acked).doesNotContainAnyElementsOf(refused);

      // And each refused message, sent again as PROTOCOL says, is accepted: six messages, six seqs
      for (int i = 0; i < 6; i++) {
        if (refused.contains("s" + i)) {
          ana.send(send("again" + i, conversation, clientMsgIds.get(i), "m" + i));
          acked.add(ana.awaitType("ack").path("clientMsgId").asText());
        }
      }
      assertThat(acked).containsExactlyInAnyOrderElementsOf(clientMsgIds);
      Set<Long> seqs = new HashSet<>();
      Set<String> bodies = new HashSet<>();
      while (bodies.size() < 6) {
        JsonNode message = ben.awaitType("message");
        if (!message.path("body").asText().equals("warm")) {
          assertThat(seqs.add(message.path("seq").asLong())).as("a seq delivered twice").isTrue();
          bodies.add(message.path("body").asText());
        }
      }
      assertThat(bodies).containsExactlyInAnyOrder("m0", "m1", "m2", "m3", "m4", "m5");
      assertThat(ben.quietFor(Duration.ofMillis(300))).isTrue();
    } finally {
      admin.shutdown();
    }
  }

  private static double slowReadersCut(GatewayServer node) {
    return node.registry().get("rallypoint.gateway.slow.readers.cut").counter().count();
  }
}
