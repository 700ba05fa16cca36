package io.rallypoint.gateway.it;

import static io.rallypoint.gateway.it.Gateways.connect;
import static io.rallypoint.gateway.it.Gateways.conversation;
import static io.rallypoint.gateway.it.Gateways.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import io.rallypoint.testsupport.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
  void framesOverTheUsersRateLimitAreRefusedWithRateLimited() {
    try (GatewayServer node = gateway(Map.of("GATEWAY_RATE_LIMIT_BURST", "3", "GATEWAY_RATE_LIMIT_PER_SECOND", "1"));
        WsTestClient ana = connect(node, "ana")) {
      for (int i = 1; i <= 5; i++) {
        ana.send("{\"type\":\"ping\",\"id\":\"" + i + "\"}");
      }

      List<String> answers = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        JsonNode frame = ana.next();
        answers.add(frame.path("id").asText() + ":" + frame.path("type").asText() + frame.path("code").asText(""));
      }
      assertThat(answers).containsExactly("1:pong", "2:pong", "3:pong", "4:errorrate_limited", "5:errorrate_limited");
    }
  }

  @Test
  void aSilentConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    try (GatewayServer node = gateway(Map.of("GATEWAY_IDLE_TIMEOUT", "PT0.5S"));
        WsTestClient ana = connect(node, "ana")) {
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
        WsTestClient ana = connect(node, "ana");
        WsTestClient ben = connect(node, "ben");
        WsTestClient cy = connect(node, "cy")) {
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

  private static double slowReadersCut(GatewayServer node) {
    return node.registry().get("rallypoint.gateway.slow.readers.cut").counter().count();
  }
}
