package io.rallypoint.gateway.it;

import static io.rallypoint.gateway.it.Gateways.adminToken;
import static io.rallypoint.gateway.it.Gateways.connect;
import static io.rallypoint.gateway.it.Gateways.conversation;
import static io.rallypoint.gateway.it.Gateways.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Members added and removed through the admin API on one node, followed by open connections on
 * both (PROTOCOL section 5 and the {@code membership} frame) within a second. Both nodes trust a
 * member list for a minute, so nothing but the change's announcement can explain what moves.
 */
class MembershipChangesIT {

  private static final Duration WITHIN = Duration.ofSeconds(1);

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  /** The node the admin API is called on. */
  static GatewayServer north;
  static GatewayServer south;
  static AdminHttp admin;

  @BeforeAll
  static void start() {
    north = Gateways.start(trustMembersForAMinute(Gateways.env(db, redis)));
    south = Gateways.start(trustMembersForAMinute(Gateways.env(db, redis)));
    admin = new AdminHttp(north, adminToken());
  }

  static Map<String, String> trustMembersForAMinute(Map<String, String> env) {
    env.put("GATEWAY_MEMBERSHIP_CACHE_TTL", "PT1M");
    return env;
  }

  @AfterAll
  static void stop() {
    north.close();
    south.close();
  }

  private static boolean isMembership(JsonNode frame) {
    return "membership".equals(frame.path("type").asText());
  }

  /** The {@code membership} frame, which must arrive within a second of {@code since}. */
  private static JsonNode membershipWithin(FrameClient client, long since) {
    Duration left = WITHIN.minusNanos(System.nanoTime() - since);
    return client.await(MembershipChangesIT::isMembership, left.isNegative() ? Duration.ZERO : left);
  }

  private static JsonNode ask(FrameClient client, String frame, String id) {
    client.send(frame);
    return client.await(f -> id.equals(f.path("id").asText()));
  }

  @Test
  void aRemovedMemberConnectedToTheOtherNodeStopsReceivingWithinASecondAndIsForbidden() {
    String ride = conversation(db, "ana", "ben", "cy");
    try (FrameClient ana = connect(north, "ana");
        FrameClient benOnNorth = connect(north, "ben");
        FrameClient benOnSouth = connect(south, "ben");
        FrameClient cyOnSouth = connect(south, "cy")) {
      // Given ben receiving the conversation on both nodes (and both nodes' member lists read)
      ana.send(send("s1", ride, UUID.randomUUID().toString(), "before"));
      ana.awaitType("ack");
      for (FrameClient member : new FrameClient[] {benOnNorth, benOnSouth, cyOnSouth}) {
        assertThat(member.awaitType("message").path("body").asText()).isEqualTo("before");
      }
      assertThat(ask(benOnSouth, "{\"type\":\"sync\",\"id\":\"y0\",\"conversation\":\"" + ride + "\"}", "y0")
          .path("type").asText()).isEqualTo("sync");

      // When the backend removes him through north
      long start = System.nanoTime();
      assertThat(admin.delete("/admin/conversations/" + ride + "/members/ben").statusCode()).isEqualTo(204);

      // Then his connections on both nodes are told within a second
      for (FrameClient ben : new FrameClient[] {benOnSouth, benOnNorth}) {
        JsonNode left = membershipWithin(ben, start);
        assertThat(left.path("conversation").asText()).isEqualTo(ride);
        assertThat(left.path("state").asText()).isEqualTo("left");
        assertThat(left.has("id")).as("a pushed frame carries no id").isFalse();
      }

      // And the conversation's messages and receipts reach cy on south, and ben nowhere
      ana.send(send("s2", ride, UUID.randomUUID().toString(), "after"));
      ana.awaitType("ack");
      assertThat(cyOnSouth.awaitType("message").path("body").asText()).isEqualTo("after");
      cyOnSouth.send("{\"type\":\"read\",\"conversation\":\"" + ride + "\",\"seq\":2}");
      assertThat(ana.awaitType("receipt").path("user").asText()).isEqualTo("cy");
      assertThat(benOnSouth.quietFor(Duration.ofMillis(500))).as("ben on south got nothing more").isTrue();
      assertThat(benOnNorth.quietFor(Duration.ofMillis(100))).as("ben on north got nothing more").isTrue();

      // And his send, sync, read and meetingPoint on the conversation are forbidden, on either node
      String[][] frames = {
          {send("f1", ride, UUID.randomUUID().toString(), "let me in"), "f1"},
          {"{\"type\":\"sync\",\"id\":\"f2\",\"conversation\":\"" + ride + "\",\"afterSeq\":0}", "f2"},
          {"{\"type\":\"read\",\"id\":\"f3\",\"conversation\":\"" + ride + "\",\"seq\":1}", "f3"},
          {"{\"type\":\"meetingPoint\",\"id\":\"f4\",\"conversation\":\"" + ride + "\"}", "f4"}};
      for (String[] frame : frames) {
        assertThat(ask(benOnSouth, frame[0], frame[1]).path("code").asText()).as(frame[0]).isEqualTo("forbidden");
        assertThat(ask(benOnNorth, frame[0], frame[1]).path("code").asText()).as(frame[0]).isEqualTo("forbidden");
      }
      assertThat(cyOnSouth.quietFor(Duration.ofMillis(300))).as("ben's refused send reached nobody").isTrue();
    }
  }

  @Test
  void anAddedMembersOpenConnectionStartsReceivingWithoutReconnecting() {
    // Given carol connected to south, where nobody is in the conversation yet, and to north
    String ride = conversation(db, "ana");
    try (FrameClient ana = connect(north, "ana");
        FrameClient carolOnSouth = connect(south, "carol");
        FrameClient carolOnNorth = connect(north, "carol")) {
      ana.send(send("s1", ride, UUID.randomUUID().toString(), "before carol"));
      ana.awaitType("ack");

      // When the backend adds her through north
      long start = System.nanoTime();
      assertThat(admin.put("/admin/conversations/" + ride + "/members/carol", "{}").statusCode()).isEqualTo(204);

      // Then both her connections are told within a second
      for (FrameClient carol : new FrameClient[] {carolOnSouth, carolOnNorth}) {
        JsonNode joined = membershipWithin(carol, start);
        assertThat(joined.path("conversation").asText()).isEqualTo(ride);
        assertThat(joined.path("state").asText()).isEqualTo("joined");
      }

      // And they receive what ana sends next, without having sent anything for the conversation
      ana.send(send("s2", ride, UUID.randomUUID().toString(), "welcome"));
      ana.awaitType("ack");
      assertThat(carolOnSouth.awaitType("message").path("body").asText()).isEqualTo("welcome");
      assertThat(carolOnNorth.awaitType("message").path("body").asText()).isEqualTo("welcome");

      // And she may sync the history and send to it from south, and ana gets it
      JsonNode history = ask(carolOnSouth,
          "{\"type\":\"sync\",\"id\":\"y1\",\"conversation\":\"" + ride + "\",\"afterSeq\":0}", "y1");
      assertThat(history.path("messages")).extracting(m -> m.path("body").asText())
          .containsExactly("before carol", "welcome");
      carolOnSouth.send(send("c1", ride, UUID.randomUUID().toString(), "thanks"));
      assertThat(carolOnSouth.awaitType("ack").path("seq").asLong()).isEqualTo(3);
      assertThat(ana.awaitType("message").path("body").asText()).isEqualTo("thanks");

      // And adding her again tells nobody anything
      assertThat(admin.put("/admin/conversations/" + ride + "/members/carol", "{}").statusCode()).isEqualTo(204);
      assertThat(carolOnSouth.quietFor(Duration.ofMillis(500))).isTrue();
    }
  }
}
