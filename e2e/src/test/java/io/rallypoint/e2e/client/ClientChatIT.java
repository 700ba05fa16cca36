package io.rallypoint.e2e.client;

import static io.rallypoint.e2e.client.ClientGateway.client;
import static io.rallypoint.e2e.client.ClientGateway.conversation;
import static io.rallypoint.e2e.client.ClientGateway.options;
import static io.rallypoint.e2e.client.ClientGateway.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.client.ClientState;
import io.rallypoint.client.RallypointClient;
import io.rallypoint.client.TimelineEntry;
import io.rallypoint.client.conversation.ChatMessage;
import io.rallypoint.client.frame.Endpoint;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.client.frame.ServerFrames;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import io.rallypoint.testsupport.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Java client against a real gateway (real Kafka, Redis and PostgreSQL): a message sent is
 * acked, delivered to the other member and read; a connection cut while messages are in flight
 * loses and doubles nothing; a member back from offline catches up by sync; an expired token
 * waits for a fresh one.
 */
class ClientChatIT {

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  static GatewayServer gateway;

  @BeforeAll
  static void start() {
    gateway = ClientGateway.start(db, redis, Map.of("GATEWAY_RATE_LIMIT_PER_SECOND", "1000", "GATEWAY_RATE_LIMIT_BURST", "1000"));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void aMessageIsAckedDeliveredToTheOtherMemberAndShownReadOnceTheyReadIt() {
    String ana = user("ana");
    String ben = user("ben");
    String ride = conversation(db, ana, ben);
    ClientEvents anaSaw = new ClientEvents();
    ClientEvents benSaw = new ClientEvents();
    try (RallypointClient anaPhone = client(options(gateway.port(), ride).build(), ana, anaSaw);
        RallypointClient benPhone = client(options(gateway.port(), ride).build(), ben, benSaw)) {
      await().until(() -> anaSaw.synced.contains(ride) && benSaw.synced.contains(ride));

      // When ana sends
      String clientMsgId = anaPhone.send(ride, "on my way");

      // Then it is acked (out of her outbox) and ben receives it, the same message under the same seq
      await().until(() -> anaSaw.acks.size() == 1 && benSaw.messages.size() == 1);
      ChatMessage acked = anaSaw.acks.getFirst();
      ChatMessage delivered = benSaw.messages.getFirst();
      assertThat(acked.clientMsgId()).isEqualTo(clientMsgId);
      assertThat(delivered.clientMsgId()).isEqualTo(clientMsgId);
      assertThat(delivered.sender()).isEqualTo(ana);
      assertThat(delivered.body()).isEqualTo("on my way");
      assertThat(delivered.seq()).isEqualTo(acked.seq());
      assertThat(delivered.messageId()).isEqualTo(acked.messageId());
      assertThat(anaPhone.pendingCount()).isZero();
      assertThat(anaPhone.timeline(ride)).extracting(TimelineEntry::status).containsExactly(TimelineEntry.Status.SENT);

      // When ben reads it, ana sees it read by him
      benPhone.read(ride, delivered.seq());
      await().until(() -> anaPhone.timeline(ride).getFirst().status() == TimelineEntry.Status.READ);
      assertThat(anaPhone.timeline(ride).getFirst().readBy()).containsExactly(ben);
      assertThat(anaSaw.receipts).hasSize(1);
    }
  }

  @Test
  void aConnectionCutWhileMessagesAreInFlightIsResumedWithTheOutboxResentAndNothingDoubled() {
    String ana = user("ana");
    String ben = user("ben");
    String ride = conversation(db, ana, ben);
    int count = 100;
    ClientEvents anaSaw = new ClientEvents();
    double resentBefore = gateway.registry().counter("rallypoint.gateway.messages.resent").count();
    // Ben watches the wire itself (raw frames, no de-duplication) straight at the gateway; ana goes through a proxy
    try (TcpProxy proxy = TcpProxy.to("127.0.0.1", gateway.port());
        FrameClient benWire = FrameClient.connectSkipping(Endpoint.bearer(ClientGateway.ws(gateway.port()),
            ClientGateway.token(ben)), ServerFrames::isPresencePush);
        RallypointClient anaPhone = client(options(proxy.port(), ride).build(), ana, anaSaw)) {
      await().until(() -> anaSaw.synced.contains(ride));

      // When ana writes 100 messages at once and her connection is cut as the first reaches ben
      List<String> bodies = IntStream.range(0, count).mapToObj(i -> "m" + i).toList();
      List<String> clientMsgIds = new ArrayList<>();
      for (String body : bodies) {
        clientMsgIds.add(anaPhone.send(ride, body));
      }
      JsonNode first = benWire.awaitType("message");
      proxy.cut();
      await().until(() -> anaPhone.state() != ClientState.OPEN);
      int pendingAtTheCut = anaPhone.pendingCount();

      // and the network comes back
      proxy.restore();

      // Then her outbox drains over the new connection: every message acked once
      await().atMost(Duration.ofSeconds(30)).until(() -> anaPhone.pendingCount() == 0);
      assertThat(pendingAtTheCut).as("messages were still in flight at the cut").isPositive();
      assertThat(anaSaw.acks).extracting(ChatMessage::clientMsgId).containsExactlyInAnyOrderElementsOf(clientMsgIds);
      assertThat(anaPhone.timeline(ride)).extracting(TimelineEntry::body).containsExactlyInAnyOrderElementsOf(bodies);
      assertThat(anaPhone.timeline(ride)).extracting(TimelineEntry::status).containsOnly(TimelineEntry.Status.SENT);
      // and messages the gateway had accepted when their ack was lost were sent again with their clientMsgId:
      // the gateway answered each with its first ack instead of taking it twice
      assertThat(gateway.registry().counter("rallypoint.gateway.messages.resent").count()).isGreaterThan(resentBefore);

      // And ben received each message exactly once, under as many seqs as messages
      Map<String, Long> seqOf = new HashMap<>();
      seqOf.put(first.path("clientMsgId").asText(), first.path("seq").asLong());
      while (seqOf.size() < count) {
        JsonNode message = benWire.awaitType("message");
        assertThat(seqOf.put(message.path("clientMsgId").asText(), message.path("seq").asLong()))
            .as("message %s delivered twice", message.path("body").asText()).isNull();
      }
      assertThat(seqOf.keySet()).containsExactlyInAnyOrderElementsOf(clientMsgIds);
      assertThat(seqOf.values()).doesNotHaveDuplicates();
      assertThat(benWire.quietFor(Duration.ofMillis(500))).as("nothing more, no duplicate").isTrue();
      assertThat(anaSaw.acks).allSatisfy(ack -> assertThat(ack.seq()).isEqualTo(seqOf.get(ack.clientMsgId())));
    }
  }

  @Test
  void aMemberBackFromOfflineCatchesUpBySyncPageByPage() {
    String ana = user("ana");
    String ben = user("ben");
    String ride = conversation(db, ana, ben);
    ClientEvents anaSaw = new ClientEvents();
    ClientEvents benSaw = new ClientEvents();
    try (RallypointClient anaPhone = client(options(gateway.port(), ride).build(), ana, anaSaw);
        RallypointClient benPhone = client(options(gateway.port(), ride).pageSize(2).build(), ben, benSaw)) {
      anaPhone.send(ride, "before");
      await().until(() -> benSaw.bodies().contains("before"));

      // Given ben offline
      benPhone.setOnline(false);
      await().until(() -> benPhone.state() == ClientState.OFFLINE);
      int syncsBefore = benSaw.synced.size();

      // When ana writes five messages meanwhile, each acked
      for (int i = 1; i <= 5; i++) {
        anaPhone.send(ride, "while away " + i);
      }
      await().until(() -> anaSaw.acks.size() == 6);
      assertThat(benSaw.bodies()).containsExactly("before");

      // Then, back online, ben gets all five by sync (three pages of two), in seq order, once each
      benPhone.setOnline(true);
      await().until(() -> benSaw.synced.size() > syncsBefore);
      assertThat(benSaw.bodies()).containsExactly("before", "while away 1", "while away 2", "while away 3",
          "while away 4", "while away 5");
      assertThat(benPhone.timeline(ride)).extracting(TimelineEntry::body).containsExactly("before", "while away 1",
          "while away 2", "while away 3", "while away 4", "while away 5");
    }
  }

  @Test
  void aConnectionWhoseTokenExpiresWaitsForAFreshTokenAndThenReconnects() {
    String ana = user("ana");
    String ride = conversation(db, ana);
    ClientEvents anaSaw = new ClientEvents();
    try (RallypointClient anaPhone = new RallypointClient(options(gateway.port(), ride).build(),
        ClientGateway.token(ana, Duration.ofSeconds(2)))) {
      anaPhone.addListener(anaSaw);
      anaPhone.start();
      await().until(() -> anaPhone.state() == ClientState.OPEN);

      // When the token expires, the gateway closes with 4001: the client stops, tells why, and keeps what is written
      await().atMost(Duration.ofSeconds(10)).until(() -> anaPhone.state() == ClientState.EXPIRED);
      assertThat(anaSaw.errorCodes()).contains("token_expired");
      anaPhone.send(ride, "written while expired");
      assertThat(anaPhone.pendingCount()).isEqualTo(1);

      // Then with a fresh token it connects again and sends it
      anaPhone.setToken(ClientGateway.token(ana));
      await().until(() -> anaPhone.pendingCount() == 0);
      assertThat(anaSaw.states).containsSubsequence(ClientState.OPEN, ClientState.EXPIRED, ClientState.OFFLINE,
          ClientState.CONNECTING, ClientState.OPEN);
    }
  }

  @Test
  void aTokenTheGatewayRefusesAtTheUpgradeIsNotTriedAgain() {
    ClientEvents saw = new ClientEvents();
    String expired = ClientGateway.token(user("ana"), Duration.ofSeconds(-60));
    try (RallypointClient phone = new RallypointClient(options(gateway.port()).build(), expired)) {
      phone.addListener(saw);
      phone.start();

      await().until(() -> phone.state() == ClientState.EXPIRED);
      assertThat(saw.errorCodes()).containsExactly("token_refused");
      assertThat(saw.states).containsExactly(ClientState.CONNECTING, ClientState.EXPIRED);
    }
  }
}
