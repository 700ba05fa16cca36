package io.rallypoint.gateway.it;

import static io.rallypoint.gateway.it.Gateways.ask;
import static io.rallypoint.gateway.it.Gateways.now;
import static io.rallypoint.gateway.it.Gateways.connect;
import static io.rallypoint.gateway.it.Gateways.conversation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.schemas.frame.Exclusion;
import io.rallypoint.schemas.frame.GeoPoint;
import io.rallypoint.schemas.frame.MeetingPoint;
import io.rallypoint.schemas.json.Json;
import io.rallypoint.schemas.topic.Topic;
import io.rallypoint.schemas.topic.Topics;
import io.rallypoint.testsupport.KafkaBroker;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The location frames on two gateway nodes against real Kafka, Redis and PostgreSQL: consent,
 * recording sessions, location updates and meeting points, driven by real WebSocket clients.
 */
class LocationIT {

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

  private static String user(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static void consent(String user, boolean enabled) {
    db.sql("INSERT INTO user_preferences (user_id, location_sharing_enabled) VALUES ('" + user + "', " + enabled
        + ") ON CONFLICT (user_id) DO UPDATE SET location_sharing_enabled = " + enabled + ", updated_at = now()");
  }

  private String session(String session, String state, Instant at) {
    return "{\"type\":\"session\",\"id\":\"s" + ids.incrementAndGet() + "\",\"session\":\"" + session
        + "\",\"state\":\"" + state + "\",\"at\":\"" + at + "\"}";
  }

  private String location(String conversation, String session, double lat, double lng, Instant at) {
    return "{\"type\":\"location\",\"id\":\"l" + ids.incrementAndGet() + "\",\"conversation\":\"" + conversation
        + "\",\"session\":\"" + session + "\",\"lat\":" + lat + ",\"lng\":" + lng + ",\"at\":\"" + at + "\"}";
  }

  /** Sends a frame and returns the reply to it (ok or error with its id). */
  private static String code(JsonNode reply) {
    return reply.path("type").asText().equals("error") ? reply.path("code").asText() : reply.path("type").asText();
  }

  @Test
  void consentDecidesWhetherLocationsAndPinsAreAcceptedWithinTenSeconds() {
    String ana = user("ana");
    String ben = user("ben");
    String conversation = conversation(db, ana, ben);
    String rec = "rec-" + UUID.randomUUID();
    try (FrameClient anaWs = connect(nodes.one(), ana); FrameClient benWs = connect(nodes.one(), ben)) {
      assertThat(code(ask(anaWs, session(rec, "started", now())))).isEqualTo("ok");

      // Given ana has not enabled location sharing: her location and her meet-up pin are refused
      assertThat(code(ask(anaWs, location(conversation, rec, 48.85, 2.35, now())))).isEqualTo("consent_required");
      String pin = "{\"type\":\"send\",\"id\":\"pin1\",\"conversation\":\"" + conversation + "\",\"clientMsgId\":\""
          + UUID.randomUUID() + "\",\"body\":\"\",\"metadata\":{\"kind\":\"meetup\",\"lat\":48.8,\"lng\":2.3}}";
      assertThat(code(ask(anaWs, pin))).isEqualTo("consent_required");

      // When she enables it, then within 10 s a location is accepted
      consent(ana, true);
      Instant at = now();
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
          .until(() -> code(ask(anaWs, location(conversation, rec, 48.8566, 2.3522, at))).equals("ok"));

      // And location.updates has it, keyed by the conversation, with the frame's at
      JsonNode update = TopicRecords.until(Topics.LOCATION_UPDATES.name(), conversation,
          v -> Instant.parse(v.path("at").asText()).equals(at)).getLast();
      assertThat(update.path("conversation").asText()).isEqualTo(conversation);
      assertThat(update.path("user").asText()).isEqualTo(ana);
      assertThat(update.path("session").asText()).isEqualTo(rec);
      assertThat(update.path("lat").asDouble()).isEqualTo(48.8566);
      assertThat(update.path("lng").asDouble()).isEqualTo(2.3522);

      // And a location pin goes through the normal send path: acked and delivered
      String pinAgain = "{\"type\":\"send\",\"id\":\"pin2\",\"conversation\":\"" + conversation + "\",\"clientMsgId\":\""
          + UUID.randomUUID() + "\",\"body\":\"here\",\"metadata\":{\"kind\":\"location\",\"lat\":48.8,\"lng\":2.3}}";
      assertThat(code(ask(anaWs, pinAgain))).isEqualTo("ack");
      assertThat(benWs.awaitType("message").path("metadata").path("kind").asText()).isEqualTo("location");

      // When she turns it off again, then within 10 s locations are refused again
      consent(ana, false);
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
          .until(() -> code(ask(anaWs, location(conversation, rec, 48.85, 2.35, now()))).equals("consent_required"));
    }
  }

  @Test
  void recordingSessionsAreRecordedAndEndingOneStopsSharingAtOnceOnEveryNode() throws Exception {
    String ana = user("ana");
    String ben = user("ben");
    consent(ana, true);
    consent(ben, true);
    String conversation = conversation(db, ana, ben);
    String rec = "rec-" + UUID.randomUUID();
    Instant started = now().minusSeconds(60);
    try (FrameClient anaOne = connect(nodes.one(), ana); FrameClient anaTwo = connect(nodes.two(), ana);
        FrameClient benWs = connect(nodes.two(), ben)) {
      // An unknown session is not active
      assertThat(code(ask(anaOne, location(conversation, rec, 1, 2, now())))).isEqualTo("session_inactive");

      // When ana starts it on node one
      assertThat(code(ask(anaOne, session(rec, "started", started)))).isEqualTo("ok");

      // Then it is in recording_sessions and on recording.sessions, keyed by user
      assertThat(row(rec)).isEqualTo(ana + " " + started + " null");
      JsonNode event = TopicRecords.until(Topics.RECORDING_SESSIONS.name(), ana,
          v -> v.path("session").asText().equals(rec)).getLast();
      assertThat(event.path("user").asText()).isEqualTo(ana);
      assertThat(event.path("state").asText()).isEqualTo("started");
      assertThat(Instant.parse(event.path("at").asText())).isEqualTo(started);

      // And her locations are accepted on both nodes
      assertThat(code(ask(anaOne, location(conversation, rec, 1, 2, now())))).isEqualTo("ok");
      assertThat(code(ask(anaTwo, location(conversation, rec, 1, 2, now())))).isEqualTo("ok");

      // And ben can neither use nor claim her session
      assertThat(code(ask(benWs, location(conversation, rec, 1, 2, now())))).isEqualTo("session_inactive");
      assertThat(code(ask(benWs, session(rec, "started", now())))).isEqualTo("forbidden");
      assertThat(code(ask(benWs, session(rec, "ended", now())))).isEqualTo("forbidden");

      // When she ends it on node one
      Instant ended = now();
      assertThat(code(ask(anaOne, session(rec, "ended", ended)))).isEqualTo("ok");

      // Then the very next location on node two is refused, with no wait
      assertThat(code(ask(anaTwo, location(conversation, rec, 1, 2, now())))).isEqualTo("session_inactive");
      assertThat(row(rec)).isEqualTo(ana + " " + started + " " + ended);
      TopicRecords.until(Topics.RECORDING_SESSIONS.name(), ana,
          v -> v.path("session").asText().equals(rec) && v.path("state").asText().equals("ended"));

      // And it cannot be started again; ending it again is fine
      assertThat(code(ask(anaOne, session(rec, "started", now())))).isEqualTo("session_inactive");
      assertThat(code(ask(anaOne, session(rec, "ended", now())))).isEqualTo("ok");

      // And ending a session the gateway never saw records it as started and ended then
      String lost = "rec-" + UUID.randomUUID();
      Instant lostEnd = now();
      assertThat(code(ask(anaTwo, session(lost, "ended", lostEnd)))).isEqualTo("ok");
      assertThat(row(lost)).isEqualTo(ana + " " + lostEnd + " " + lostEnd);
      assertThat(code(ask(anaTwo, location(conversation, lost, 1, 2, now())))).isEqualTo("session_inactive");
    }
  }

  @Test
  void aLocationForAConversationTheUserIsNotInIsForbidden() {
    String eve = user("eve");
    consent(eve, true);
    String conversation = conversation(db, user("ana"));
    String rec = "rec-" + UUID.randomUUID();
    try (FrameClient eveWs = connect(nodes.one(), eve)) {
      assertThat(code(ask(eveWs, session(rec, "started", now())))).isEqualTo("ok");

      assertThat(code(ask(eveWs, location(conversation, rec, 1, 2, now())))).isEqualTo("forbidden");
      assertThat(code(ask(eveWs, "{\"type\":\"meetingPoint\",\"id\":\"mp\",\"conversation\":\"" + conversation + "\"}")))
          .isEqualTo("forbidden");
    }
  }

  @Test
  void meetingPointsArePushedToMembersOnEveryNodeAndAnsweredFromRedis() {
    String ana = user("ana");
    String ben = user("ben");
    String eve = user("eve");
    String conversation = conversation(db, ana, ben);
    conversation(db, eve);
    try (FrameClient anaWs = connect(nodes.one(), ana); FrameClient benWs = connect(nodes.two(), ben);
        FrameClient eveWs = connect(nodes.one(), eve)) {
      String request = "{\"type\":\"meetingPoint\",\"id\":\"q1\",\"conversation\":\"" + conversation + "\"}";
      // Before any point: not_found
      JsonNode none = ask(benWs, request);
      assertThat(none.path("code").asText()).isEqualTo("not_found");
      assertThat(none.path("id").asText()).isEqualTo("q1");

      // When the location stream publishes one
      Instant computedAt = now();
      MeetingPoint point = new MeetingPoint(conversation, 48.85, 2.35, new GeoPoint(48.86, 2.34), List.of(ana, ben),
          List.of(new Exclusion(eve, Exclusion.Reason.STATIONARY)), computedAt, null);
      publish(point);

      // Then members on both nodes get it pushed, with its type and fields
      for (FrameClient member : List.of(anaWs, benWs)) {
        JsonNode pushed = member.awaitType("meetingPoint");
        assertThat(pushed.path("conversation").asText()).isEqualTo(conversation);
        assertThat(pushed.path("lat").asDouble()).isEqualTo(48.85);
        assertThat(pushed.path("lng").asDouble()).isEqualTo(2.35);
        assertThat(pushed.path("fairPoint").path("lat").asDouble()).isEqualTo(48.86);
        assertThat(pushed.path("members")).extracting(JsonNode::asText).containsExactly(ana, ben);
        assertThat(pushed.path("excluded").get(0).path("reason").asText()).isEqualTo("stationary");
        assertThat(Instant.parse(pushed.path("computedAt").asText())).isEqualTo(computedAt);
        assertThat(pushed.has("id")).isFalse();
      }
      // And a connected non-member does not
      assertThat(eveWs.quietFor(Duration.ofMillis(300))).isTrue();

      // And a request on either node is answered with it, echoing its id
      JsonNode answered = ask(anaWs, request.replace("q1", "q2"));
      assertThat(answered.path("type").asText()).isEqualTo("meetingPoint");
      assertThat(Instant.parse(answered.path("computedAt").asText())).isEqualTo(computedAt);
      assertThat(answered.path("members")).hasSize(2);
      assertThat(ask(benWs, request.replace("q1", "q3")).path("lat").asDouble()).isEqualTo(48.85);

      // When a newer point follows, it replaces the old one
      Instant later = computedAt.plusSeconds(5);
      publish(new MeetingPoint(conversation, 10.0, 20.0, new GeoPoint(10.0, 20.0), List.of(ana), List.of(), later, null));
      assertThat(Instant.parse(benWs.awaitType("meetingPoint").path("computedAt").asText())).isEqualTo(later);
      assertThat(ask(benWs, request.replace("q1", "q4")).path("lat").asDouble()).isEqualTo(10.0);
    }
  }

  private static void publish(MeetingPoint point) {
    Topic<String, MeetingPoint> topic = Topics.LOCATION_MEETING_POINTS;
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers()),
        new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic.name(), point.conversation(),
          topic.valueSerde().serializer().serialize(topic.name(), point))).get();
    } catch (Exception e) {
      throw new AssertionError("cannot publish a meeting point", e);
    }
  }

  /** "user started_at ended_at" of a recording session row. */
  private static String row(String session) throws Exception {
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT user_id, started_at, ended_at FROM recording_sessions WHERE id = '"
            + session + "'")) {
      assertThat(rs.next()).as("a row for session " + session).isTrue();
      OffsetDateTime ended = rs.getObject(3, OffsetDateTime.class);
      return rs.getString(1) + " " + rs.getObject(2, OffsetDateTime.class).toInstant() + " "
          + (ended == null ? "null" : ended.toInstant());
    }
  }
}
