package io.rallypoint.gateway.it;

import static io.rallypoint.gateway.it.Gateways.about;
import static io.rallypoint.gateway.it.Gateways.ask;
import static io.rallypoint.gateway.it.Gateways.connectSeeingPresence;
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
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Presence on two gateway nodes, driven by real WebSocket clients: {@code online} on a member's
 * first connection anywhere, {@code offline} on the last, several connections counting once, and
 * the answer to a {@code presence} request.
 */
class PresenceIT {

  @RegisterExtension
  @Order(1)
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  @Order(2)
  static final RedisDatabase redis = new RedisDatabase();

  @RegisterExtension
  @Order(3)
  static final TwoNodes nodes = new TwoNodes(() -> Gateways.env(db, redis));

  private static Predicate<JsonNode> went(String conversation, String user, String state) {
    return about("presence", conversation, user).and(f -> state.equals(f.path("state").asText()));
  }

  private static String request(String id, String conversation) {
    return "{\"type\":\"presence\",\"id\":\"" + id + "\",\"conversation\":\"" + conversation + "\"}";
  }

  /** Waits for one frame matching each of {@code wanted}, in any order. */
  @SafeVarargs
  private static List<JsonNode> awaitAll(FrameClient ws, Predicate<JsonNode>... wanted) {
    List<Predicate<JsonNode>> left = new java.util.ArrayList<>(List.of(wanted));
    List<JsonNode> found = new java.util.ArrayList<>();
    while (!left.isEmpty()) {
      JsonNode frame = ws.await(f -> left.stream().anyMatch(p -> p.test(f)));
      left.removeIf(p -> p.test(frame));
      found.add(frame);
    }
    return found;
  }

  /** Every frame that arrives within {@code wait}. */
  private static List<JsonNode> received(FrameClient ws, Duration wait) {
    List<JsonNode> frames = new java.util.ArrayList<>();
    long deadline = System.nanoTime() + wait.toNanos();
    for (long left = wait.toNanos(); left > 0; left = deadline - System.nanoTime()) {
      ws.poll(Duration.ofNanos(left)).ifPresent(frames::add);
    }
    return frames;
  }

  @Test
  void membersOnBothNodesSeeAUserGoOnlineAtTheFirstConnectionAndOfflineAtTheLastCountingThemOnce() {
    String ana = user("ana");
    String ben = user("ben");
    String cy = user("cy");
    String rides = conversation(db, ana, ben, cy);
    String club = conversation(db, ana, ben);
    try (FrameClient benOne = connectSeeingPresence(nodes.one(), ben); FrameClient cyTwo = connectSeeingPresence(nodes.two(), cy)) {
      // When ana opens her first connection, on node two
      FrameClient anaPhone = connectSeeingPresence(nodes.two(), ana);

      // Then ben (node one) and cy (node two) see her online, in each conversation they share with her
      // (across conversations nothing is ordered)
      List<JsonNode> benSaw = awaitAll(benOne, went(rides, ana, "online"), went(club, ana, "online"));
      assertThat(benSaw).allSatisfy(f -> assertThat(f.has("id")).isFalse());
      cyTwo.await(went(rides, ana, "online"));

      // When she opens a second connection on node one, and a third on node two, then closes the first
      FrameClient anaLaptop = connectSeeingPresence(nodes.one(), ana);
      FrameClient anaTablet = connectSeeingPresence(nodes.two(), ana);
      anaPhone.close();

      // Then nobody hears of it: she was online and still is
      Predicate<JsonNode> anyPresenceOfAna = f -> f.path("type").asText().equals("presence")
          && f.path("user").asText().equals(ana);
      assertThat(received(benOne, Duration.ofSeconds(1))).noneMatch(anyPresenceOfAna);
      assertThat(received(cyTwo, Duration.ofMillis(200))).noneMatch(anyPresenceOfAna);
      JsonNode asked = ask(benOne, request("p1", rides));
      assertThat(asked.path("online")).extracting(JsonNode::asText).contains(ana);

      // When her last two close
      anaTablet.close();
      assertThat(received(benOne, Duration.ofMillis(500))).noneMatch(anyPresenceOfAna);
      anaLaptop.close();

      // Then both members see her offline, once per conversation
      awaitAll(benOne, went(rides, ana, "offline"), went(club, ana, "offline"));
      cyTwo.await(went(rides, ana, "offline"));
      assertThat(ask(cyTwo, request("p2", rides)).path("online")).extracting(JsonNode::asText)
          .containsExactly(ben.compareTo(cy) < 0 ? ben : cy, ben.compareTo(cy) < 0 ? cy : ben);
    }
  }

  @Test
  void aPresenceRequestAnswersWhoIsOnlineAnyNodeAndWhoIsRecording() {
    String ana = user("ana");
    String ben = user("ben");
    String cy = user("cy");
    String conversation = conversation(db, ana, ben, cy);
    String rec = "rec-" + UUID.randomUUID();
    try (FrameClient anaOne = connectSeeingPresence(nodes.one(), ana); FrameClient benTwo = connectSeeingPresence(nodes.two(), ben)) {
      // Given ben records an activity, and cy (a member) is not connected
      JsonNode started = ask(benTwo, "{\"type\":\"session\",\"id\":\"s1\",\"session\":\"" + rec
          + "\",\"state\":\"started\",\"at\":\"" + now() + "\"}");
      assertThat(started.path("type").asText()).isEqualTo("ok");

      // When ana asks who is there (on node one)
      JsonNode reply = ask(anaOne, request("p1", conversation));

      // Then the reply echoes her id, names both connected members (her too) in id order, and ben as recording
      assertThat(reply.path("type").asText()).isEqualTo("presence");
      assertThat(reply.path("id").asText()).isEqualTo("p1");
      assertThat(reply.path("conversation").asText()).isEqualTo(conversation);
      List<String> expected = ana.compareTo(ben) < 0 ? List.of(ana, ben) : List.of(ben, ana);
      assertThat(reply.path("online")).extracting(JsonNode::asText).containsExactlyElementsOf(expected);
      assertThat(reply.path("recording")).extracting(JsonNode::asText).containsExactly(ben);
      assertThat(reply.has("user")).isFalse();

      // When ben ends his session, he is no longer recording
      ask(benTwo, "{\"type\":\"session\",\"id\":\"s2\",\"session\":\"" + rec + "\",\"state\":\"ended\",\"at\":\""
          + now() + "\"}");
      assertThat(ask(anaOne, request("p2", conversation)).path("recording")).isEmpty();
    }
  }

  @Test
  void aNonMemberIsForbidden() {
    String eve = user("eve");
    String conversation = conversation(db, user("ana"));
    try (FrameClient eveWs = connectSeeingPresence(nodes.one(), eve)) {
      JsonNode refused = ask(eveWs, request("p1", conversation));
      assertThat(refused.path("type").asText()).isEqualTo("error");
      assertThat(refused.path("code").asText()).isEqualTo("forbidden");
    }
  }

  @Test
  void aUserWhoReconnectsAtOnceIsOnlineAfterwards() {
    String ana = user("ana");
    String ben = user("ben");
    String conversation = conversation(db, ana, ben);
    try (FrameClient benWs = connectSeeingPresence(nodes.one(), ben)) {
      // When ana's connection drops and she reconnects at once, to the other node
      connectSeeingPresence(nodes.one(), ana).close();
      try (FrameClient again = connectSeeingPresence(nodes.two(), ana)) {
        // Then, whatever ben heard meanwhile, she is online
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(ask(benWs, request("p" + UUID.randomUUID(), conversation)).path("online"))
                .extracting(JsonNode::asText).contains(ana));
      }
    }
  }
}
