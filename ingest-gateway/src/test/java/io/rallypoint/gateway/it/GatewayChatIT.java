package io.rallypoint.gateway.it;

import static io.rallypoint.gateway.it.ChatHistory.persist;
import static io.rallypoint.gateway.it.ChatHistory.sendAcked;
import static io.rallypoint.gateway.it.Gateways.connect;
import static io.rallypoint.gateway.it.Gateways.conversation;
import static io.rallypoint.gateway.it.Gateways.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.client.frame.Endpoint;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.client.frame.HandshakeRefusedException;
import io.rallypoint.client.frame.ServerFrames;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One gateway against real Kafka, Redis and PostgreSQL, driven by a real WebSocket client. */
class GatewayChatIT {

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  static GatewayServer gateway;

  @BeforeAll
  static void start() {
    gateway = Gateways.start(Gateways.unthrottledEnv(db, redis));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static String uuid() {
    return UUID.randomUUID().toString();
  }

  private static boolean isType(JsonNode frame, String type) {
    return type.equals(frame.path("type").asText());
  }

  @Test
  void theUpgradeIsRefusedWith401WithoutAValidToken() {
    URI ws = Gateways.ws(gateway);
    String badSignature = JWT.create().withSubject("ana").withExpiresAt(Instant.now().plusSeconds(600))
        .sign(Algorithm.HMAC256("another-secret"));
    String expired = JWT.create().withSubject("ana").withExpiresAt(Instant.now().minusSeconds(60))
        .sign(Algorithm.HMAC256(Gateways.SECRET));

    assertThatThrownBy(() -> FrameClient.connectSkipping(Endpoint.of(ws), ServerFrames::isPresencePush))
        .isInstanceOfSatisfying(HandshakeRefusedException.class, e -> assertThat(e.status()).isEqualTo(401));
    assertThatThrownBy(() -> Gateways.connect(ws, badSignature))
        .isInstanceOfSatisfying(HandshakeRefusedException.class, e -> assertThat(e.status()).isEqualTo(401));
    assertThatThrownBy(() -> Gateways.connect(ws, expired))
        .isInstanceOfSatisfying(HandshakeRefusedException.class, e -> assertThat(e.status()).isEqualTo(401));
  }

  @Test
  void aTokenInTheQueryOpensTheSocket() {
    URI withToken = URI.create(Gateways.ws(gateway) + "?token=" + Gateways.token("ana"));
    try (FrameClient client = FrameClient.connectSkipping(Endpoint.of(withToken), ServerFrames::isPresencePush)) {
      client.send("{\"type\":\"ping\",\"id\":\"p\"}");
      JsonNode pong = client.next();
      assertThat(pong.path("type").asText()).isEqualTo("pong");
      assertThat(pong.path("id").asText()).isEqualTo("p");
    }
  }

  @Test
  void healthAndMetricsAnswerOnTheSamePort() throws Exception {
    HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> live = http.send(HttpRequest.newBuilder(Gateways.http(gateway, "/health/live")).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> ready = http.send(HttpRequest.newBuilder(Gateways.http(gateway, "/health/ready")).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(Gateways.http(gateway, "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("\"kafka\":\"up\"", "\"redis\":\"up\"", "\"postgresql\":\"up\"");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    assertThat(metrics.body()).contains("rallypoint_gateway_connections");
  }

  @Test
  void aSendIsBroadcastToTheOtherMembersAndAckedOnceKafkaHasIt() {
    String conversation = conversation(db, "ana", "ben");
    try (FrameClient ana = connect(gateway, "ana");
        FrameClient anaPhone = connect(gateway, "ana");
        FrameClient ben = connect(gateway, "ben")) {
      String clientMsgId = uuid();

      // When ana sends with metadata
      ana.send("{\"type\":\"send\",\"id\":\"s1\",\"conversation\":\"" + conversation + "\",\"clientMsgId\":\""
          + clientMsgId + "\",\"body\":\"hello\",\"metadata\":{\"photos\":[\"a.jpg\"],\"w\":1.25}}");

      // Then her own socket gets the ack (and no copy of the message)
      JsonNode ack = ana.next();
      assertThat(ack.path("type").asText()).isEqualTo("ack");
      assertThat(ack.path("id").asText()).isEqualTo("s1");
      assertThat(ack.path("clientMsgId").asText()).isEqualTo(clientMsgId);
      assertThat(ack.path("seq").asLong()).isEqualTo(1);
      assertThat(ack.path("sentAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
      assertThat(UUID.fromString(ack.path("messageId").asText()).version()).isEqualTo(7);

      // And ben and ana's other connection get the message
      for (FrameClient member : new FrameClient[] {ben, anaPhone}) {
        JsonNode message = member.awaitType("message");
        assertThat(message.path("conversation").asText()).isEqualTo(conversation);
        assertThat(message.path("messageId").asText()).isEqualTo(ack.path("messageId").asText());
        assertThat(message.path("seq").asLong()).isEqualTo(1);
        assertThat(message.path("sender").asText()).isEqualTo("ana");
        assertThat(message.path("clientMsgId").asText()).isEqualTo(clientMsgId);
        assertThat(message.path("body").asText()).isEqualTo("hello");
        assertThat(message.path("metadata").path("photos").get(0).asText()).isEqualTo("a.jpg");
        assertThat(message.path("metadata").path("w").asDouble()).isEqualTo(1.25);
        assertThat(message.path("sentAt").asText()).isEqualTo(ack.path("sentAt").asText());
      }

      // And chat.messages holds it, keyed by conversation, without a frame type
      JsonNode record = TopicRecords.until("chat.messages", conversation,
          v -> v.path("clientMsgId").asText().equals(clientMsgId)).getLast();
      assertThat(record.path("messageId").asText()).isEqualTo(ack.path("messageId").asText());
      assertThat(record.path("seq").asLong()).isEqualTo(1);
      assertThat(record.has("type")).isFalse();

      // And a second message gets the next seq
      ben.send(send("s2", conversation, uuid(), "hi ana"));
      assertThat(ben.awaitType("ack").path("seq").asLong()).isEqualTo(2);
      assertThat(ana.awaitType("message").path("seq").asLong()).isEqualTo(2);
    }
  }

  @Test
  void aResentClientMsgIdGetsTheOriginalAckAndIsNeitherBroadcastNorProducedTwice() {
    String conversation = conversation(db, "ana", "ben");
    try (FrameClient ana = connect(gateway, "ana"); FrameClient ben = connect(gateway, "ben")) {
      String clientMsgId = uuid();
      ana.send(send("first", conversation, clientMsgId, "once"));
      JsonNode first = ana.awaitType("ack");
      assertThat(ben.awaitType("message").path("clientMsgId").asText()).isEqualTo(clientMsgId);

      // When the phone resends it (it missed the ack)
      ana.send(send("again", conversation, clientMsgId, "once"));
      JsonNode again = ana.awaitType("ack");

      // Then it is the same message
      assertThat(again.path("id").asText()).isEqualTo("again");
      assertThat(again.path("messageId").asText()).isEqualTo(first.path("messageId").asText());
      assertThat(again.path("seq").asLong()).isEqualTo(first.path("seq").asLong());
      assertThat(again.path("sentAt").asText()).isEqualTo(first.path("sentAt").asText());

      // And ben did not get it twice: the next thing he sees is the next message
      String sentinel = uuid();
      ana.send(send("next", conversation, sentinel, "next"));
      ana.awaitType("ack");
      JsonNode next = ben.next();
      assertThat(next.path("clientMsgId").asText()).isEqualTo(sentinel);
      assertThat(next.path("seq").asLong()).isEqualTo(first.path("seq").asLong() + 1);

      // And Kafka has it exactly once before the next message
      var records = TopicRecords.until("chat.messages", conversation, v -> v.path("clientMsgId").asText().equals(sentinel));
      assertThat(records).filteredOn(v -> v.path("clientMsgId").asText().equals(clientMsgId)).hasSize(1);
    }
  }

  @Test
  void aNonMemberIsForbiddenEverywhereAndStaysConnected() {
    String conversation = conversation(db, "ana", "ben");
    try (FrameClient eve = connect(gateway, "eve")) {
      eve.send(send("s", conversation, uuid(), "let me in"));
      eve.send("{\"type\":\"read\",\"id\":\"r\",\"conversation\":\"" + conversation + "\",\"seq\":1}");
      eve.send("{\"type\":\"sync\",\"id\":\"y\",\"conversation\":\"" + conversation + "\"}");
      eve.send("{\"type\":\"send\",\"id\":\"n\",\"conversation\":\"no-such-conversation\",\"clientMsgId\":\"" + uuid()
          + "\",\"body\":\"x\"}");

      for (String id : new String[] {"s", "r", "y", "n"}) {
        JsonNode error = eve.next();
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.path("code").asText()).isEqualTo("forbidden");
        assertThat(error.path("id").asText()).isEqualTo(id);
      }
      eve.send("{\"type\":\"ping\"}");
      assertThat(eve.next().path("type").asText()).isEqualTo("pong");
    }
  }

  @Test
  void badFramesGetTheirErrorCodeWithoutClosingTheConnection() {
    String conversation = conversation(db, "ana");
    try (FrameClient ana = connect(gateway, "ana")) {
      ana.send("{oops");
      assertThat(ana.next().path("code").asText()).isEqualTo("bad_request");
      ana.send("{\"type\":\"dance\",\"id\":\"d\"}");
      assertThat(ana.next().path("code").asText()).isEqualTo("bad_request");
      ana.send("{\"type\":\"send\",\"id\":\"m\",\"conversation\":\"" + conversation + "\",\"body\":\"x\"}");
      JsonNode missing = ana.next();
      assertThat(missing.path("code").asText()).isEqualTo("bad_request");
      assertThat(missing.path("id").asText()).isEqualTo("m");
      assertThat(missing.path("message").asText()).contains("clientMsgId");

      ana.send(send("big", conversation, uuid(), "x".repeat(4_001)));
      JsonNode tooLarge = ana.next();
      assertThat(tooLarge.path("code").asText()).isEqualTo("too_large");
      assertThat(tooLarge.path("id").asText()).isEqualTo("big");

      ana.send("{\"type\":\"location\",\"id\":\"l\",\"conversation\":\"" + conversation
          + "\",\"session\":\"s1\",\"lat\":1.5,\"lng\":2.5,\"at\":\"2026-11-24T10:00:00Z\"}");
      JsonNode location = ana.next();
      assertThat(location.path("code").asText()).isEqualTo("consent_required");
      assertThat(location.path("id").asText()).isEqualTo("l");

      ana.send("{\"type\":\"send\",\"id\":\"pin\",\"conversation\":\"" + conversation + "\",\"clientMsgId\":\"" + uuid()
          + "\",\"body\":\"\",\"metadata\":{\"kind\":\"meetup\",\"lat\":1,\"lng\":2}}");
      JsonNode pin = ana.next();
      assertThat(pin.path("code").asText()).isEqualTo("consent_required");
      assertThat(pin.path("id").asText()).isEqualTo("pin");

      ana.send("{\"type\":\"ping\",\"id\":\"still-here\"}");
      assertThat(ana.next().path("id").asText()).isEqualTo("still-here");
    }
  }

  @Test
  void aFrameOverTheHardLimitClosesWith1009() throws Exception {
    String conversation = conversation(db, "ana");
    try (FrameClient ana = connect(gateway, "ana")) {
      ana.send(send("huge", conversation, uuid(), "x".repeat(70_000)));

      assertThat(ana.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1009);
    }
  }

  @Test
  void readReceiptsReachMembersAndNeverGoBackwards() {
    String conversation = conversation(db, "ana", "ben");
    try (FrameClient ana = connect(gateway, "ana"); FrameClient ben = connect(gateway, "ben")) {
      ana.send("{\"type\":\"read\",\"id\":\"r5\",\"conversation\":\"" + conversation + "\",\"seq\":5}");
      assertThat(ana.next().path("type").asText()).isEqualTo("ok");
      JsonNode receipt = ben.next();
      assertThat(receipt.path("type").asText()).isEqualTo("receipt");
      assertThat(receipt.path("conversation").asText()).isEqualTo(conversation);
      assertThat(receipt.path("user").asText()).isEqualTo("ana");
      assertThat(receipt.path("seq").asLong()).isEqualTo(5);

      // When an older read arrives late, Then it is accepted but changes nothing
      ana.send("{\"type\":\"read\",\"id\":\"r3\",\"conversation\":\"" + conversation + "\",\"seq\":3}");
      JsonNode ok = ana.next();
      assertThat(ok.path("type").asText()).isEqualTo("ok");
      assertThat(ok.path("id").asText()).isEqualTo("r3");

      ana.send("{\"type\":\"read\",\"conversation\":\"" + conversation + "\",\"seq\":7}");
      JsonNode next = ben.next();
      assertThat(next.path("seq").asLong()).isEqualTo(7);

      var receipts = TopicRecords.until("chat.receipts", conversation, v -> v.path("seq").asLong() == 7);
      assertThat(receipts).extracting(v -> v.path("seq").asLong()).containsExactly(5L, 7L);
      assertThat(receipts.getFirst().path("user").asText()).isEqualTo("ana");
      assertThat(receipts.getFirst().path("at").asText()).isNotBlank();
    }
  }

  @Test
  void aReadPastTheLastMessageIsRefusedAndHidesNoLaterRead() {
    // Given a conversation with two messages
    String conversation = conversation(db, "ana", "ben");
    try (FrameClient ana = connect(gateway, "ana"); FrameClient ben = connect(gateway, "ben")) {
      ana.send(send("1", conversation, uuid(), "one"));
      ana.awaitType("ack");
      ana.send(send("2", conversation, uuid(), "two"));
      ana.awaitType("ack");
      ben.awaitType("message");
      ben.awaitType("message");

      // When ben marks a seq that does not exist yet as read
      ben.send("{\"type\":\"read\",\"id\":\"far\",\"conversation\":\"" + conversation + "\",\"seq\":1000000}");

      // Then it is refused, and his real read afterwards still reaches ana
      JsonNode refused = ben.awaitType("error");
      assertThat(refused.path("id").asText()).isEqualTo("far");
      assertThat(refused.path("code").asText()).isEqualTo("bad_request");
      assertThat(refused.path("message").asText()).contains("1000000", "2");
      ben.send("{\"type\":\"read\",\"id\":\"r2\",\"conversation\":\"" + conversation + "\",\"seq\":2}");
      assertThat(ben.awaitType("ok").path("id").asText()).isEqualTo("r2");
      JsonNode receipt = ana.awaitType("receipt");
      assertThat(receipt.path("user").asText()).isEqualTo("ben");
      assertThat(receipt.path("seq").asLong()).isEqualTo(2);
    }
  }

  @Test
  void aClientThatWasAwaySyncsWhatItMissed() {
    String conversation = conversation(db, "ana", "ben");
    try (FrameClient ana = connect(gateway, "ana")) {
      FrameClient ben = connect(gateway, "ben");
      ana.send(send("1", conversation, uuid(), "one"));
      ana.awaitType("ack");
      assertThat(ben.awaitType("message").path("seq").asLong()).isEqualTo(1);
      ben.close();

      // While ben is away
      for (String body : new String[] {"two", "three", "four"}) {
        ana.send(send(body, conversation, uuid(), body));
        ana.awaitType("ack");
      }

      // When he comes back and syncs after the last seq he holds
      try (FrameClient back = connect(gateway, "ben")) {
        back.send("{\"type\":\"sync\",\"id\":\"y\",\"conversation\":\"" + conversation + "\",\"afterSeq\":1}");
        JsonNode sync = back.awaitType("sync");

        assertThat(sync.path("id").asText()).isEqualTo("y");
        assertThat(sync.path("conversation").asText()).isEqualTo(conversation);
        assertThat(sync.path("messages")).extracting(m -> m.path("body").asText()).containsExactly("two", "three", "four");
        assertThat(sync.path("messages").get(0).has("type")).isFalse();
        assertThat(sync.path("messages").get(0).path("seq").asLong()).isEqualTo(2);
        assertThat(sync.path("lastSeq").asLong()).isEqualTo(4);
        assertThat(sync.path("hasMore").asBoolean()).isFalse();
        assertThat(sync.path("syncedAt").asText()).isNotBlank();

        // And the latest page, with no cursor, ends at the newest message
        back.send("{\"type\":\"sync\",\"id\":\"l\",\"conversation\":\"" + conversation + "\",\"limit\":2}");
        JsonNode latest = back.awaitType("sync");
        assertThat(latest.path("messages")).extracting(m -> m.path("body").asText()).containsExactly("three", "four");
      }
    }
  }

  @Test
  void syncReachesPastTheFiftyCachedMessagesIntoPostgreSQLWithoutMissingUnpersistedOnes() {
    String conversation = conversation(db, "ana", "ben");
    try (FrameClient ana = connect(gateway, "ana"); FrameClient ben = connect(gateway, "ben")) {
      // Given 60 messages: Redis caches the latest 50 (11..60)
      List<JsonNode> records = sendAcked(ana, conversation, 60);
      // And the persister, lagging, has written only 1..40 (rows as it writes them from chat.messages)
      assertThat(records).hasSize(60);
      persist(db, records.subList(0, 40));

      // When ben pages through everything with afterSeq
      List<Long> seen = new ArrayList<>();
      long after = 0;
      boolean more = true;
      while (more) {
        ben.send("{\"type\":\"sync\",\"id\":\"p\",\"conversation\":\"" + conversation + "\",\"afterSeq\":" + after
            + ",\"limit\":25}");
        JsonNode page = ben.awaitType("sync");
        page.path("messages").forEach(m -> seen.add(m.path("seq").asLong()));
        after = page.path("lastSeq").asLong();
        more = page.path("hasMore").asBoolean();
        assertThat(seen.size()).isLessThanOrEqualTo(60);
      }

      // Then he has 1..60 exactly once, in order: 1..10 only from PostgreSQL, 41..60 only from Redis
      assertThat(seen).isEqualTo(LongStream.rangeClosed(1, 60).boxed().toList());

      // And lastSyncedAt returns what was sent strictly after it, in seq order
      Instant since = Instant.parse(records.get(4).path("sentAt").asText());
      List<Long> expected = records.stream()
          .filter(m -> Instant.parse(m.path("sentAt").asText()).isAfter(since))
          .map(m -> m.path("seq").asLong())
          .toList();
      ben.send("{\"type\":\"sync\",\"id\":\"t\",\"conversation\":\"" + conversation + "\",\"lastSyncedAt\":\""
          + records.get(4).path("sentAt").asText() + "\",\"limit\":500}");
      JsonNode byTime = ben.awaitType("sync");
      List<Long> timeSeqs = new ArrayList<>();
      byTime.path("messages").forEach(m -> timeSeqs.add(m.path("seq").asLong()));
      assertThat(timeSeqs).isEqualTo(expected);
      assertThat(byTime.path("hasMore").asBoolean()).isFalse();
    }
  }

  private static List<Long> seqs(JsonNode page) {
    List<Long> seqs = new ArrayList<>();
    page.path("messages").forEach(m -> seqs.add(m.path("seq").asLong()));
    return seqs;
  }

  @Test
  void syncWaitsAtAnAckedMessageThatIsNeitherCachedNorPersistedYet() {
    String conversation = conversation(db, "ana", "ben");
    try (FrameClient ana = connect(gateway, "ana"); FrameClient ben = connect(gateway, "ben")) {
      // Given 60 acked messages: Redis caches 11..60, and the lagging persister has written only 1..5
      List<JsonNode> records = sendAcked(ana, conversation, 60);
      persist(db, records.subList(0, 5));

      // When ben syncs from the start
      ben.send("{\"type\":\"sync\",\"id\":\"a\",\"conversation\":\"" + conversation + "\",\"afterSeq\":0}");
      JsonNode first = ben.awaitType("sync");

      // Then he gets 1..5 and is told more follow, from 5: not 1..5 followed by 11..60
      assertThat(seqs(first)).containsExactly(1L, 2L, 3L, 4L, 5L);
      assertThat(first.path("hasMore").asBoolean()).isTrue();
      assertThat(first.path("lastSeq").asLong()).isEqualTo(5);

      // And paging on before the persister catches up keeps him at 5
      ben.send("{\"type\":\"sync\",\"id\":\"b\",\"conversation\":\"" + conversation + "\",\"afterSeq\":5}");
      JsonNode waiting = ben.awaitType("sync");
      assertThat(seqs(waiting)).isEmpty();
      assertThat(waiting.path("hasMore").asBoolean()).isTrue();
      assertThat(waiting.path("lastSeq").asLong()).isEqualTo(5);

      // And so does a sync by time from message 3
      ben.send("{\"type\":\"sync\",\"id\":\"t\",\"conversation\":\"" + conversation + "\",\"lastSyncedAt\":\""
          + records.get(2).path("sentAt").asText() + "\"}");
      JsonNode byTime = ben.awaitType("sync");
      assertThat(seqs(byTime)).containsExactly(4L, 5L);
      assertThat(byTime.path("hasMore").asBoolean()).isTrue();

      // When the persister has caught up with 6..10
      persist(db, records.subList(5, 10));
      ben.send("{\"type\":\"sync\",\"id\":\"c\",\"conversation\":\"" + conversation + "\",\"afterSeq\":5}");
      JsonNode caughtUp = ben.awaitType("sync");

      // Then the next page carries on from 6 without a gap
      assertThat(seqs(caughtUp)).isEqualTo(LongStream.rangeClosed(6, 60).boxed().toList());
      assertThat(caughtUp.path("hasMore").asBoolean()).isFalse();
      assertThat(caughtUp.path("lastSeq").asLong()).isEqualTo(60);
    }
  }
}
