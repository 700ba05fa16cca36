package io.rallypoint.gateway.it;

import static io.rallypoint.gateway.it.ChatHistory.persist;
import static io.rallypoint.gateway.it.ChatHistory.sendAcked;
import static io.rallypoint.gateway.it.Gateways.connect;
import static io.rallypoint.gateway.it.Gateways.conversation;
import static io.rallypoint.gateway.it.Gateways.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.gateway.store.Keys;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import io.rallypoint.testsupport.TcpProxy;
import io.rallypoint.testsupport.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis loses its data (FLUSHDB of this class's database, as a restart without persistence would)
 * while PostgreSQL holds the conversation's history: the next sends continue after the highest
 * persisted seq instead of restarting at 1, on any node, and a send that cannot ask PostgreSQL is
 * refused {@code unavailable} without taking a seq.
 */
class RedisLossIT {

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  static GatewayServer north;
  /** A second node, which reaches PostgreSQL through {@link #postgres} and trusts memberships for a minute. */
  static GatewayServer south;
  static TcpProxy postgres;
  static RedisClient redisClient;
  static StatefulRedisConnection<String, String> redisConnection;
  static RedisCommands<String, String> commands;

  @BeforeAll
  static void start() {
    postgres = TcpProxy.toServerOf(db.jdbcUrlWithCredentials());
    north = Gateways.start(Gateways.env(db, redis));
    Map<String, String> southEnv = Gateways.env(db, redis);
    southEnv.put("DATABASE_URL", postgres.via(db.jdbcUrlWithCredentials()));
    southEnv.put("GATEWAY_MEMBERSHIP_CACHE_TTL", "PT1M");
    south = Gateways.start(southEnv);
    redisClient = redis.client();
    redisConnection = redisClient.connect();
    commands = redisConnection.sync();
  }

  @AfterAll
  static void stop() {
    south.close();
    north.close();
    postgres.close();
    redisConnection.close();
    redisClient.shutdown();
  }

  private static String uuid() {
    return UUID.randomUUID().toString();
  }

  /** Redis loses everything the gateways kept there (this class's database only). */
  private static void redisLosesItsData() {
    commands.flushdb();
  }

  private static double countersRestored(GatewayServer gateway) {
    return gateway.registry().counter("rallypoint.gateway.seq.counters.restored").count();
  }

  private static List<Long> seqs(JsonNode page) {
    List<Long> seqs = new ArrayList<>();
    page.path("messages").forEach(m -> seqs.add(m.path("seq").asLong()));
    return seqs;
  }

  @Test
  void afterRedisLostItsDataTheNextSendContinuesAfterTheHighestPersistedSeq() {
    String conversation = conversation(db, "ana", "ben");
    try (WsTestClient ana = connect(north, "ana"); WsTestClient ben = connect(north, "ben")) {
      // Given five acked messages that the persister has written
      persist(db, sendAcked(ana, conversation, 5));
      double restoredBefore = countersRestored(north);

      // When Redis loses its data and ana sends again
      redisLosesItsData();
      String clientMsgId = uuid();
      ana.send(send("after", conversation, clientMsgId, "still here"));

      // Then her ack carries seq 6, not 1
      JsonNode ack = ana.awaitType("ack");
      assertThat(ack.path("clientMsgId").asText()).isEqualTo(clientMsgId);
      assertThat(ack.path("seq").asLong()).isEqualTo(6);
      assertThat(countersRestored(north)).isEqualTo(restoredBefore + 1);

      // And ben gets it as seq 6
      JsonNode message = ben.await(f -> clientMsgId.equals(f.path("clientMsgId").asText()));
      assertThat(message.path("seq").asLong()).isEqualTo(6);

      // And chat.messages has it with seq 6, which PostgreSQL takes (its (conversation, seq) key is free)
      JsonNode record = TopicRecords.until("chat.messages", conversation,
          v -> v.path("clientMsgId").asText().equals(clientMsgId)).getLast();
      assertThat(record.path("seq").asLong()).isEqualTo(6);
      assertThat(record.path("messageId").asText()).isEqualTo(ack.path("messageId").asText());
      persist(db, List.of(record));

      // And the next message is 7, and a client syncing from the start sees 1..7 with no gap
      ana.send(send("next", conversation, uuid(), "and again"));
      assertThat(ana.awaitType("ack").path("seq").asLong()).isEqualTo(7);
      ben.send("{\"type\":\"sync\",\"id\":\"y\",\"conversation\":\"" + conversation + "\",\"afterSeq\":0}");
      JsonNode page = ben.awaitType("sync");
      assertThat(seqs(page)).isEqualTo(LongStream.rangeClosed(1, 7).boxed().toList());
      assertThat(page.path("hasMore").asBoolean()).isFalse();
    }
  }

  @Test
  void firstSendsOnTwoNodesAtOnceAfterTheLossGetDistinctConsecutiveSeqs() {
    String conversation = conversation(db, "ana", "ben");
    try (WsTestClient ana = connect(north, "ana"); WsTestClient ben = connect(south, "ben")) {
      // Given three persisted messages, and Redis that lost its data
      persist(db, sendAcked(ana, conversation, 3));
      redisLosesItsData();

      // When ana (north) and ben (south) each send three messages at once, none waiting for an ack
      for (int i = 1; i <= 3; i++) {
        ana.send(send("a" + i, conversation, uuid(), "from ana " + i));
        ben.send(send("b" + i, conversation, uuid(), "from ben " + i));
      }
      List<Long> acked = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        acked.add(ana.awaitType("ack").path("seq").asLong());
        acked.add(ben.awaitType("ack").path("seq").asLong());
      }

      // Then the six messages got 4..9, each seq once
      assertThat(acked).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(4, 9).boxed().toList());

      // And chat.messages has them under those seqs (acked: Kafka holds them all already)
      assertThat(TopicRecords.now("chat.messages", conversation)).extracting(v -> v.path("seq").asLong())
          .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 9).boxed().toList());
    }
  }

  @Test
  void withPostgreSQLUnreachableTheSendIsRefusedUnavailableAndTakesNoSeq() {
    String conversation = conversation(db, "ana", "ben");
    try (WsTestClient ana = connect(south, "ana"); WsTestClient ben = connect(north, "ben")) {
      // Given two persisted messages sent through south (which now knows ana is a member), and Redis lost its data
      persist(db, sendAcked(ana, conversation, 2));
      redisLosesItsData();

      // When south cannot reach PostgreSQL and ana sends
      String clientMsgId = uuid();
      JsonNode refused;
      postgres.cut();
      try {
        ana.send(send("try-1", conversation, clientMsgId, "anyone?"));
        refused = ana.await(f -> f.path("type").asText().equals("error") || f.path("type").asText().equals("ack"));
      } finally {
        postgres.restore();
      }

      // Then she is told to retry, and no seq was taken
      assertThat(refused.path("type").asText()).isEqualTo("error");
      assertThat(refused.path("code").asText()).isEqualTo("unavailable");
      assertThat(refused.path("id").asText()).isEqualTo("try-1");
      assertThat(refused.path("message").asText()).contains("PostgreSQL");
      assertThat(commands.exists(new Keys("rallypoint", redis.database()).seq(conversation))).isZero();

      // When she resends it, as a client does, until PostgreSQL answers again
      JsonNode ack = await().atMost(Duration.ofSeconds(30)).until(() -> {
        ana.send(send("retry", conversation, clientMsgId, "anyone?"));
        return ana.await(f -> f.path("type").asText().equals("error") || f.path("type").asText().equals("ack"));
      }, f -> f.path("type").asText().equals("ack"));

      // Then it is seq 3, the one after PostgreSQL's highest, and ben gets it so
      assertThat(ack.path("seq").asLong()).isEqualTo(3);
      JsonNode message = ben.await(f -> clientMsgId.equals(f.path("clientMsgId").asText()));
      assertThat(message.path("seq").asLong()).isEqualTo(3);
    }
  }
}
