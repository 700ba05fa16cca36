package io.rallypoint.gateway.it;

import static io.rallypoint.gateway.it.Gateways.connect;
import static io.rallypoint.gateway.it.Gateways.conversation;
import static io.rallypoint.gateway.it.Gateways.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two gateway nodes on the same Redis, PostgreSQL and Kafka: members are reached wherever they connect. */
class ClusterIT {

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  static GatewayServer north;
  static GatewayServer south;

  @BeforeAll
  static void start() {
    north = Gateways.start(Gateways.env(db, redis));
    south = Gateways.start(Gateways.env(db, redis));
  }

  @AfterAll
  static void stop() {
    north.close();
    south.close();
  }

  @Test
  void messagesAndReceiptsReachMembersOnTheOtherNodeExactlyOnce() {
    String conversation = conversation(db, "ana", "ben", "cy");
    try (FrameClient ana = connect(north, "ana");
        FrameClient anaOnSouth = connect(south, "ana");
        FrameClient benOnSouth = connect(south, "ben");
        FrameClient cyOnNorth = connect(north, "cy")) {
      String clientMsgId = UUID.randomUUID().toString();

      // When ana sends through the north node
      ana.send(send("s", conversation, clientMsgId, "across"));
      JsonNode ack = ana.awaitType("ack");

      // Then members on both nodes get it, with the same id and seq
      for (FrameClient member : new FrameClient[] {anaOnSouth, benOnSouth, cyOnNorth}) {
        JsonNode message = member.next();
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("messageId").asText()).isEqualTo(ack.path("messageId").asText());
        assertThat(message.path("body").asText()).isEqualTo("across");
      }

      // When ben reads it on the south node
      benOnSouth.send("{\"type\":\"read\",\"conversation\":\"" + conversation + "\",\"seq\":1}");

      // Then the north node's members get the receipt, and nobody got the message twice
      for (FrameClient member : new FrameClient[] {ana, cyOnNorth, anaOnSouth}) {
        JsonNode receipt = member.next();
        assertThat(receipt.path("type").asText()).isEqualTo("receipt");
        assertThat(receipt.path("user").asText()).isEqualTo("ben");
        assertThat(receipt.path("seq").asLong()).isEqualTo(1);
      }

      // And a message sent through the south node gets the next seq of the same conversation
      benOnSouth.send(send("s2", conversation, UUID.randomUUID().toString(), "back"));
      assertThat(benOnSouth.awaitType("ack").path("seq").asLong()).isEqualTo(2);
      JsonNode reply = ana.next();
      assertThat(reply.path("seq").asLong()).isEqualTo(2);
      assertThat(reply.path("sender").asText()).isEqualTo("ben");
      assertThat(cyOnNorth.next().path("seq").asLong()).isEqualTo(2);
    }
  }

  @Test
  void aMemberRemovedFromTheConversationStopsReceivingItOnEveryNode() {
    // Given ben connected on both nodes, in a conversation with ana and cy
    String conversation = conversation(db, "ana", "ben", "cy");
    try (FrameClient ana = connect(north, "ana");
        FrameClient benOnNorth = connect(north, "ben");
        FrameClient benOnSouth = connect(south, "ben");
        FrameClient cyOnSouth = connect(south, "cy")) {
      ana.send(send("before", conversation, UUID.randomUUID().toString(), "before"));
      ana.awaitType("ack");
      for (FrameClient member : new FrameClient[] {benOnNorth, benOnSouth, cyOnSouth}) {
        assertThat(member.awaitType("message").path("body").asText()).isEqualTo("before");
      }

      // When ben is removed from the conversation in PostgreSQL
      db.sql("DELETE FROM conversation_members WHERE conversation_id = '" + conversation + "' AND user_id = 'ben'");

      // Then, within about the membership TTL, ana's messages reach cy and no longer reach ben anywhere
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        String body = "after-" + UUID.randomUUID();
        ana.send(send("after", conversation, UUID.randomUUID().toString(), body));
        ana.awaitType("ack");
        assertThat(cyOnSouth.await(f -> body.equals(f.path("body").asText())).path("type").asText())
            .isEqualTo("message");
        assertThat(benOnNorth.quietFor(Duration.ofMillis(300))).as("ben on north got nothing more").isTrue();
        assertThat(benOnSouth.quietFor(Duration.ofMillis(300))).as("ben on south got nothing more").isTrue();
      });
    }
  }

  private static double subscriptions(GatewayServer node) {
    return node.registry().get("rallypoint.gateway.subscriptions").gauge().value();
  }

  @Test
  void aNodeOnlySubscribesToConversationsWithALocalMember() {
    String onlySouth = conversation(db, "dan", "eli");
    try (FrameClient dan = connect(south, "dan"); FrameClient eli = connect(south, "eli")) {
      dan.send(send("s", onlySouth, UUID.randomUUID().toString(), "local"));
      dan.awaitType("ack");
      assertThat(eli.awaitType("message").path("body").asText()).isEqualTo("local");

      // (connections of other tests may take a moment to be closed server-side)
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(subscriptions(north)).isZero();
        assertThat(subscriptions(south)).isEqualTo(1);
      });
    }
  }
}
