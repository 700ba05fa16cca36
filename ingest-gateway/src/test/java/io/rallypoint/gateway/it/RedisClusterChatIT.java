package io.rallypoint.gateway.it;

import static io.rallypoint.gateway.it.Gateways.connect;
import static io.rallypoint.gateway.it.Gateways.conversation;
import static io.rallypoint.gateway.it.Gateways.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.gateway.store.Keys;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisClusterFixture;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The chat contract with two gateway nodes on a Redis Cluster (3 masters, 3 replicas): sends are
 * acked and reach members on the other node through sharded pub/sub, whichever master the
 * conversation's slot is on; read receipts cross nodes; sync and resends behave as on one Redis.
 */
class RedisClusterChatIT {

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  static final RedisClusterFixture cluster = new RedisClusterFixture();

  static GatewayServer north;
  static GatewayServer south;

  @BeforeAll
  static void start() {
    north = Gateways.start(Gateways.env(db, cluster.url()));
    south = Gateways.start(Gateways.env(db, cluster.url()));
  }

  @AfterAll
  static void stop() {
    south.close();
    north.close();
  }

  private static String uuid() {
    return UUID.randomUUID().toString();
  }

  /** One conversation of ana, ben and cy on each of the cluster's three masters. */
  private static Map<Integer, String> aConversationOnEachMaster() {
    Map<Integer, String> byMaster = new HashMap<>();
    Keys keys = new Keys("rallypoint", 0);
    while (byMaster.size() < 3) {
      String conversation = conversation(db, "ana", "ben", "cy");
      byMaster.putIfAbsent(cluster.masterOf(keys.seq(conversation)), conversation);
    }
    return byMaster;
  }

  @Test
  void onEveryMasterSendsAreAckedAndReachMembersOnBothNodesAndReceiptsCrossNodes() {
    for (String conversation : aConversationOnEachMaster().values()) {
      try (FrameClient ana = connect(north, "ana");
          FrameClient benOnSouth = connect(south, "ben");
          FrameClient cyOnNorth = connect(north, "cy")) {
        // When ana sends twice through north
        String first = uuid();
        ana.send(send("s1", conversation, first, "across"));
        JsonNode ack = ana.awaitType("ack");
        ana.send(send("s2", conversation, uuid(), "again"));
        assertThat(ana.awaitType("ack").path("seq").asLong()).isEqualTo(2);

        // Then she has seq 1, and ben on south and cy on north get both, once each, in order
        assertThat(ack.path("seq").asLong()).isEqualTo(1);
        for (FrameClient member : new FrameClient[] {benOnSouth, cyOnNorth}) {
          JsonNode message = member.next();
          assertThat(message.path("type").asText()).isEqualTo("message");
          assertThat(message.path("messageId").asText()).isEqualTo(ack.path("messageId").asText());
          assertThat(message.path("clientMsgId").asText()).isEqualTo(first);
          assertThat(member.next().path("seq").asLong()).isEqualTo(2);
        }

        // When ben reads up to 2 on south, Then ana and cy on north get the receipt
        benOnSouth.send("{\"type\":\"read\",\"id\":\"r\",\"conversation\":\"" + conversation + "\",\"seq\":2}");
        assertThat(benOnSouth.awaitType("ok").path("id").asText()).isEqualTo("r");
        for (FrameClient member : new FrameClient[] {ana, cyOnNorth}) {
          JsonNode receipt = member.next();
          assertThat(receipt.path("type").asText()).isEqualTo("receipt");
          assertThat(receipt.path("user").asText()).isEqualTo("ben");
          assertThat(receipt.path("seq").asLong()).isEqualTo(2);
        }

        // And a read past the last message is refused, an older one moves nothing
        benOnSouth.send("{\"type\":\"read\",\"id\":\"far\",\"conversation\":\"" + conversation + "\",\"seq\":99}");
        assertThat(benOnSouth.awaitType("error").path("code").asText()).isEqualTo("bad_request");
        benOnSouth.send("{\"type\":\"read\",\"id\":\"old\",\"conversation\":\"" + conversation + "\",\"seq\":1}");
        assertThat(benOnSouth.awaitType("ok").path("id").asText()).isEqualTo("old");

        // And ben's reply through south gets seq 3 and reaches ana on north
        benOnSouth.send(send("b", conversation, uuid(), "back"));
        assertThat(benOnSouth.awaitType("ack").path("seq").asLong()).isEqualTo(3);
        JsonNode reply = ana.awaitType("message");
        assertThat(reply.path("seq").asLong()).isEqualTo(3);
        assertThat(reply.path("sender").asText()).isEqualTo("ben");
        assertThat(cyOnNorth.awaitType("message").path("seq").asLong()).isEqualTo(3);
        assertThat(ana.quietFor(java.time.Duration.ofMillis(300))).as("no frame twice").isTrue();
      }
    }
  }

  @Test
  void aResendThroughTheOtherNodeGetsTheOriginalAckAndIsNeitherBroadcastNorProducedTwice() {
    String conversation = conversation(db, "ana", "ben");
    try (FrameClient ana = connect(north, "ana");
        FrameClient anaAgain = connect(south, "ana");
        FrameClient ben = connect(north, "ben")) {
      String clientMsgId = uuid();
      ana.send(send("first", conversation, clientMsgId, "once"));
      JsonNode first = ana.awaitType("ack");
      assertThat(ben.awaitType("message").path("clientMsgId").asText()).isEqualTo(clientMsgId);
      assertThat(anaAgain.awaitType("message").path("clientMsgId").asText()).isEqualTo(clientMsgId);

      // When her phone, reconnected to south, resends it
      anaAgain.send(send("again", conversation, clientMsgId, "once"));
      JsonNode again = anaAgain.awaitType("ack");

      // Then it is the same message
      assertThat(again.path("id").asText()).isEqualTo("again");
      assertThat(again.path("messageId").asText()).isEqualTo(first.path("messageId").asText());
      assertThat(again.path("seq").asLong()).isEqualTo(first.path("seq").asLong());
      assertThat(again.path("sentAt").asText()).isEqualTo(first.path("sentAt").asText());

      // And ben's next frame is the next message, and Kafka has the first once
      String sentinel = uuid();
      ana.send(send("next", conversation, sentinel, "next"));
      ana.awaitType("ack");
      JsonNode next = ben.next();
      assertThat(next.path("clientMsgId").asText()).isEqualTo(sentinel);
      assertThat(next.path("seq").asLong()).isEqualTo(first.path("seq").asLong() + 1);
      List<JsonNode> records = TopicRecords.until("chat.messages", conversation,
          v -> v.path("clientMsgId").asText().equals(sentinel));
      assertThat(records).filteredOn(v -> v.path("clientMsgId").asText().equals(clientMsgId)).hasSize(1);
    }
  }

  @Test
  void aClientThatWasAwaySyncsWhatItMissedFromEitherNode() {
    String conversation = conversation(db, "ana", "ben");
    try (FrameClient ana = connect(north, "ana")) {
      for (String body : new String[] {"one", "two", "three", "four"}) {
        ana.send(send(body, conversation, uuid(), body));
        ana.awaitType("ack");
      }

      // When ben, who holds seq 1, syncs through south
      try (FrameClient ben = connect(south, "ben")) {
        ben.send("{\"type\":\"sync\",\"id\":\"y\",\"conversation\":\"" + conversation + "\",\"afterSeq\":1}");
        JsonNode sync = ben.awaitType("sync");

        // Then he gets the three he missed, from the cluster's recent list
        assertThat(sync.path("messages")).extracting(m -> m.path("body").asText()).containsExactly("two", "three", "four");
        assertThat(sync.path("lastSeq").asLong()).isEqualTo(4);
        assertThat(sync.path("hasMore").asBoolean()).isFalse();

        // And the latest page ends at the newest message
        ben.send("{\"type\":\"sync\",\"id\":\"l\",\"conversation\":\"" + conversation + "\",\"limit\":2}");
        assertThat(ben.awaitType("sync").path("messages")).extracting(m -> m.path("body").asText())
            .containsExactly("three", "four");
      }
    }
  }
}
