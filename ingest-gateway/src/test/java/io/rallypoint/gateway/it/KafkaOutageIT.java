package io.rallypoint.gateway.it;

import static io.rallypoint.gateway.it.Gateways.connect;
import static io.rallypoint.gateway.it.Gateways.conversation;
import static io.rallypoint.gateway.it.Gateways.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kafka refuses a send, then is back: the client gets {@code unavailable}, and its resend of the
 * same clientMsgId yields the very message first accepted (same messageId and seq), on the topic once.
 * The outage is a gateway whose Kafka is a closed port; "back" is a second gateway on the same Redis
 * with the real broker, as a client would reach after a restart.
 */
class KafkaOutageIT {

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  @Test
  void aSendKafkaRefusedIsProducedWithTheSameIdAndSeqWhenResent() throws Exception {
    String conversation = conversation(db, "ana", "ben");
    Map<String, String> outageEnv = Gateways.env(db, redis);
    outageEnv.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + closedPort());
    outageEnv.put("GATEWAY_KAFKA_TIMEOUT", "PT2S");

    try (GatewayServer cutOff = Gateways.start(outageEnv);
        GatewayServer healthy = Gateways.start(Gateways.env(db, redis));
        FrameClient ben = connect(healthy, "ben")) {
      // Given a gateway that cannot reach Kafka reports it is not ready
      HttpResponse<String> ready = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(Gateways.http(cutOff, "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("\"kafka\":\"down\"");
      // And a conversation that has a first message already (its counter's seed needs Kafka)
      try (FrameClient ana = connect(healthy, "ana")) {
        ana.send(send("first", conversation, UUID.randomUUID().toString(), "first"));
        ana.awaitType("ack");
        ben.awaitType("message");
      }

      // When ana sends through it
      String clientMsgId = UUID.randomUUID().toString();
      JsonNode refused;
      try (FrameClient ana = connect(cutOff, "ana")) {
        ana.send(send("try-1", conversation, clientMsgId, "are you there"));
        refused = ana.await(f -> f.path("type").asText().equals("error") || f.path("type").asText().equals("ack"),
            Duration.ofSeconds(15));
      }

      // Then she is told to retry, though members already saw the message (broadcast precedes Kafka)
      assertThat(refused.path("type").asText()).isEqualTo("error");
      assertThat(refused.path("code").asText()).isEqualTo("unavailable");
      assertThat(refused.path("id").asText()).isEqualTo("try-1");
      JsonNode seen = ben.awaitType("message");
      assertThat(seen.path("clientMsgId").asText()).isEqualTo(clientMsgId);

      // When she resends it once Kafka is reachable
      try (FrameClient ana = connect(healthy, "ana")) {
        ana.send(send("try-2", conversation, clientMsgId, "are you there"));
        JsonNode ack = ana.awaitType("ack");

        // Then it is the same message, not a new one
        assertThat(ack.path("id").asText()).isEqualTo("try-2");
        assertThat(ack.path("messageId").asText()).isEqualTo(seen.path("messageId").asText());
        assertThat(ack.path("seq").asLong()).isEqualTo(seen.path("seq").asLong());

        // And a further resend is answered from the acked state
        ana.send(send("try-3", conversation, clientMsgId, "are you there"));
        JsonNode again = ana.awaitType("ack");
        assertThat(again.path("messageId").asText()).isEqualTo(seen.path("messageId").asText());

        // And chat.messages holds it exactly once, before the next message
        String sentinel = UUID.randomUUID().toString();
        ana.send(send("next", conversation, sentinel, "next"));
        assertThat(ana.awaitType("ack").path("seq").asLong()).isEqualTo(seen.path("seq").asLong() + 1);
        List<JsonNode> records = TopicRecords.until("chat.messages", conversation,
            v -> v.path("clientMsgId").asText().equals(sentinel));
        assertThat(records).filteredOn(v -> v.path("clientMsgId").asText().equals(clientMsgId))
            .singleElement()
            .satisfies(v -> assertThat(v.path("messageId").asText()).isEqualTo(seen.path("messageId").asText()));
        // And ben never got a second copy
        assertThat(ben.next().path("clientMsgId").asText()).isEqualTo(sentinel);
      }
    }
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
