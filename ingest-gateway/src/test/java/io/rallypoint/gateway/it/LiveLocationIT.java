package io.rallypoint.gateway.it;

import static io.rallypoint.gateway.it.Gateways.about;
import static io.rallypoint.gateway.it.Gateways.ask;
import static io.rallypoint.gateway.it.Gateways.connect;
import static io.rallypoint.gateway.it.Gateways.conversation;
import static io.rallypoint.gateway.it.Gateways.now;
import static io.rallypoint.gateway.it.Gateways.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The group's live map on two gateway nodes: each accepted position reaches the other members on
 * both nodes as a server {@code location} frame, never a refused one, never an older one after a
 * newer one, and nothing once the member's session ended or their consent was withdrawn.
 */
class LiveLocationIT {

  @RegisterExtension
  @Order(1)
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  @Order(2)
  static final RedisDatabase redis = new RedisDatabase();

  @RegisterExtension
  @Order(3)
  static final TwoNodes nodes = new TwoNodes(() -> {
    Map<String, String> env = Gateways.unthrottledEnv(db, redis);
    env.put("GATEWAY_CONSENT_CACHE_TTL", "PT1S");
    return env;
  });

  private final AtomicInteger ids = new AtomicInteger();

  private static void consent(String user, boolean enabled) {
    db.sql("INSERT INTO user_preferences (user_id, location_sharing_enabled) VALUES ('" + user + "', " + enabled
        + ") ON CONFLICT (user_id) DO UPDATE SET location_sharing_enabled = " + enabled + ", updated_at = now()");
  }

  private String session(String session, String state) {
    return "{\"type\":\"session\",\"id\":\"s" + ids.incrementAndGet() + "\",\"session\":\"" + session
        + "\",\"state\":\"" + state + "\",\"at\":\"" + now() + "\"}";
  }

  private String location(String conversation, String session, double lat, double lng, Instant at) {
    return "{\"type\":\"location\",\"id\":\"l" + ids.incrementAndGet() + "\",\"conversation\":\"" + conversation
        + "\",\"session\":\"" + session + "\",\"lat\":" + lat + ",\"lng\":" + lng + ",\"at\":\"" + at + "\"}";
  }

  private static String answer(JsonNode reply) {
    return reply.path("type").asText().equals("error") ? reply.path("code").asText() : reply.path("type").asText();
  }

  @Test
  void eachAcceptedPositionReachesTheOtherMembersOnBothNodesNewestLast() {
    String ana = user("ana");
    String ben = user("ben");
    String cy = user("cy");
    consent(ana, true);
    String conversation = conversation(db, ana, ben, cy);
    String rec = "rec-" + UUID.randomUUID();
    try (FrameClient anaOne = connect(nodes.one(), ana); FrameClient anaTwo = connect(nodes.two(), ana);
        FrameClient benTwo = connect(nodes.two(), ben); FrameClient cyOne = connect(nodes.one(), cy)) {
      assertThat(answer(ask(anaOne, session(rec, "started")))).isEqualTo("ok");

      // When ana shares a position through node one
      Instant first = now();
      assertThat(answer(ask(anaOne, location(conversation, rec, 48.8566, 2.3522, first)))).isEqualTo("ok");

      // Then ben (node two) and cy (node one) get it, with its fields
      for (FrameClient member : List.of(benTwo, cyOne)) {
        JsonNode frame = member.await(about("location", conversation, ana));
        assertThat(frame.path("lat").asDouble()).isEqualTo(48.8566);
        assertThat(frame.path("lng").asDouble()).isEqualTo(2.3522);
        assertThat(Instant.parse(frame.path("at").asText())).isEqualTo(first);
        assertThat(frame.has("session")).as("the session id stays private").isFalse();
        assertThat(frame.has("id")).isFalse();
      }

      // When a position taken earlier arrives late (through node two), then a newer one (through node one)
      Instant older = first.minusSeconds(5);
      Instant newer = first.plusSeconds(2);
      assertThat(answer(ask(anaTwo, location(conversation, rec, 1.0, 1.0, older)))).isEqualTo("ok");
      assertThat(answer(ask(anaOne, location(conversation, rec, 48.8570, 2.3530, newer)))).isEqualTo("ok");

      // Then the members' next position is the newer one: the late one was accepted but never shown
      for (FrameClient member : List.of(benTwo, cyOne)) {
        JsonNode next = member.await(about("location", conversation, ana));
        assertThat(Instant.parse(next.path("at").asText())).isEqualTo(newer);
      }

      // And ana's own connections, on both nodes, never got her positions back
      assertThat(anaOne.quietFor(Duration.ofMillis(300))).isTrue();
      assertThat(anaTwo.quietFor(Duration.ofMillis(100))).isTrue();
    }
  }

  @Test
  void aRefusedPositionIsNeverShown() {
    String ana = user("ana");
    String ben = user("ben");
    String eve = user("eve");
    consent(ana, true);
    consent(eve, true);
    String conversation = conversation(db, ana, ben);
    String rec = "rec-" + UUID.randomUUID();
    String evesRec = "rec-" + UUID.randomUUID();
    try (FrameClient anaWs = connect(nodes.one(), ana); FrameClient benWs = connect(nodes.two(), ben);
        FrameClient eveWs = connect(nodes.one(), eve)) {
      // ben has no consent, ana no session yet, eve is no member
      assertThat(answer(ask(benWs, location(conversation, rec, 1, 2, now())))).isEqualTo("consent_required");
      assertThat(answer(ask(anaWs, location(conversation, rec, 1, 2, now())))).isEqualTo("session_inactive");
      assertThat(answer(ask(eveWs, session(evesRec, "started")))).isEqualTo("ok");
      assertThat(answer(ask(eveWs, location(conversation, evesRec, 1, 2, now())))).isEqualTo("forbidden");

      assertThat(anaWs.quietFor(Duration.ofMillis(500))).isTrue();
      assertThat(benWs.quietFor(Duration.ofMillis(100))).isTrue();
    }
  }

  @Test
  void nothingIsShownOnceTheSessionEndedOrConsentWasWithdrawn() {
    String ana = user("ana");
    String ben = user("ben");
    consent(ana, true);
    String conversation = conversation(db, ana, ben);
    String rec = "rec-" + UUID.randomUUID();
    try (FrameClient anaWs = connect(nodes.one(), ana); FrameClient benWs = connect(nodes.two(), ben)) {
      assertThat(answer(ask(anaWs, session(rec, "started")))).isEqualTo("ok");
      assertThat(answer(ask(anaWs, location(conversation, rec, 1, 2, now())))).isEqualTo("ok");
      benWs.await(about("location", conversation, ana));

      // When her session ends, then her next positions are refused and ben sees none
      assertThat(answer(ask(anaWs, session(rec, "ended")))).isEqualTo("ok");
      assertThat(answer(ask(anaWs, location(conversation, rec, 3, 4, now())))).isEqualTo("session_inactive");
      assertThat(benWs.quietFor(Duration.ofMillis(500))).isTrue();

      // Given she shares again from a new session
      String again = "rec-" + UUID.randomUUID();
      assertThat(answer(ask(anaWs, session(again, "started")))).isEqualTo("ok");
      assertThat(answer(ask(anaWs, location(conversation, again, 5, 6, now())))).isEqualTo("ok");
      assertThat(benWs.await(about("location", conversation, ana)).path("lat").asDouble()).isEqualTo(5);

      // When she withdraws consent: once it takes effect (her positions are refused), ben sees nothing more
      consent(ana, false);
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
          .until(() -> answer(ask(anaWs, location(conversation, again, 7, 8, now()))).equals("consent_required"));
      benWs.poll(Duration.ofMillis(500)); // a position accepted before it took effect may still arrive
      assertThat(answer(ask(anaWs, location(conversation, again, 9, 10, now())))).isEqualTo("consent_required");
      assertThat(benWs.quietFor(Duration.ofSeconds(1))).isTrue();
    }
  }
}
