package io.rallypoint.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.client.frame.Endpoint;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.client.frame.ServerFrames;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BaselineServerTest {

  /** Conversation "a" has three members, "b" two; "x" is in none. */
  private static final Map<String, String> CONVERSATION_OF =
      Map.of("a0", "a", "a1", "a", "a2", "a", "b0", "b", "b1", "b");

  private BaselineServer server;
  private final Map<String, FrameClient> clients = new HashMap<>();

  @BeforeEach
  void start() {
    server = BaselineServer.start(CONVERSATION_OF::get);
    for (String user : List.of("a0", "a1", "a2", "b0", "b1", "x")) {
      // the baseline does not check tokens; this one is shaped as the gateway wants them, with an exp
      String token = JWT.create().withSubject(user).withExpiresAt(Instant.now().plusSeconds(600))
          .sign(Algorithm.HMAC256("not checked"));
      clients.put(user, FrameClient.connectSkipping(Endpoint.bearer(server.uri(), token), ServerFrames::isPresencePush));
    }
  }

  @AfterEach
  void stop() {
    clients.values().forEach(FrameClient::close);
    server.close();
  }

  private static String send(String id, String conversation, String clientMsgId, String body) {
    return "{\"type\":\"send\",\"id\":\"" + id + "\",\"conversation\":\"" + conversation + "\",\"clientMsgId\":\""
        + clientMsgId + "\",\"body\":\"" + body + "\",\"metadata\":{\"benchT\":42}}";
  }

  @Test
  void aSendIsAckedAndReachesEachOtherMemberOfItsConversationOnce() {
    // When a0 posts in conversation a
    clients.get("a0").send(send("1", "a", "c-1", "hello"));

    // Then a0 gets the ack, and a1 and a2 the message PROTOCOL describes, with the ack's id, seq and time
    JsonNode ack = clients.get("a0").next();
    assertThat(ack.path("type").asText()).isEqualTo("ack");
    assertThat(ack.path("id").asText()).isEqualTo("1");
    assertThat(ack.path("clientMsgId").asText()).isEqualTo("c-1");
    assertThat(ack.path("seq").asLong()).isEqualTo(1);
    for (String member : List.of("a1", "a2")) {
      JsonNode message = clients.get(member).next();
      assertThat(message.path("type").asText()).isEqualTo("message");
      assertThat(message.path("conversation").asText()).isEqualTo("a");
      assertThat(message.path("messageId").asText()).isEqualTo(ack.path("messageId").asText());
      assertThat(message.path("seq").asLong()).isEqualTo(1);
      assertThat(message.path("sender").asText()).isEqualTo("a0");
      assertThat(message.path("clientMsgId").asText()).isEqualTo("c-1");
      assertThat(message.path("body").asText()).isEqualTo("hello");
      assertThat(message.path("metadata").path("benchT").asLong()).isEqualTo(42);
      assertThat(message.path("sentAt").asText()).isEqualTo(ack.path("sentAt").asText());
    }
  }

  @Test
  void neitherTheSenderNorAnotherConversationHearsTheMessage() {
    // Given a0 posted in a (and has its ack, so the broadcast is already queued)
    clients.get("a0").send(send("1", "a", "c-1", "for a"));
    clients.get("a0").awaitType("ack");

    // When a1 answers in a, and b0 posts in b
    clients.get("a1").send(send("2", "a", "c-2", "also for a"));
    clients.get("b0").send(send("3", "b", "c-3", "for b"));

    // Then the next frame a0 gets is a1's message (not its own), and b1's first frame is b's message:
    // a frame queued to them by the first broadcast would have come before these
    JsonNode toSender = clients.get("a0").next();
    assertThat(toSender.path("sender").asText()).isEqualTo("a1");
    assertThat(toSender.path("seq").asLong()).isEqualTo(2);
    JsonNode toOtherConversation = clients.get("b1").next();
    assertThat(toOtherConversation.path("conversation").asText()).isEqualTo("b");
    assertThat(toOtherConversation.path("seq").asLong()).isEqualTo(1);
    assertThat(toOtherConversation.path("body").asText()).isEqualTo("for b");
  }

  @Test
  void aSendToAConversationTheUserIsNotInIsForbidden() {
    // When x, a member of nothing, and b0 post in a
    clients.get("x").send(send("7", "a", "c-7", "intruder"));
    clients.get("b0").send(send("8", "a", "c-8", "wrong room"));

    // Then both are refused with forbidden
    for (String user : List.of("x", "b0")) {
      JsonNode error = clients.get(user).next();
      assertThat(error.path("type").asText()).isEqualTo("error");
      assertThat(error.path("code").asText()).isEqualTo("forbidden");
    }
  }
}
