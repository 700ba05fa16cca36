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
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.gateway.store.Keys;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import io.rallypoint.testsupport.TcpProxy;
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
 * Redis loses its data (FLUSHDB of this class's database, as a restart without persistence would):
 * the next sends continue {@link #GAP} above the highest seq PostgreSQL and the unpersisted tail of
 * chat.messages hold, instead of restarting at 1, on any node; acked messages the persister had not
 * written yet keep their seqs, and every acked message is stored once; a send that cannot ask
 * PostgreSQL is refused {@code unavailable} without taking a seq.
 */
class RedisLossIT {

  /** GATEWAY_SEQ_RESEED_GAP of both nodes. */
  static final long GAP = 10;

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
    Map<String, String> northEnv = Gateways.env(db, redis);
    northEnv.put("GATEWAY_SEQ_RESEED_GAP", Long.toString(GAP));
    north = Gateways.start(northEnv);
    Map<String, String> southEnv = Gateways.env(db, redis);
    southEnv.put("GATEWAY_SEQ_RESEED_GAP", Long.toString(GAP));
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

  private static long storedMessages(String conversation) throws java.sql.SQLException {
    try (java.sql.Connection c = db.dataSource().getConnection();
        java.sql.PreparedStatement s = c.prepareStatement("SELECT count(*) FROM messages WHERE conversation_id = ?")) {
      s.setString(1, conversation);
      try (java.sql.ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
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
    try (FrameClient ana = connect(north, "ana"); FrameClient ben = connect(north, "ben")) {
      // Given five acked messages that the persister has written
      persist(db, sendAcked(ana, conversation, 5));
      double restoredBefore = countersRestored(north);

      // When Redis loses its data and ana sends again
      redisLosesItsData();
      String clientMsgId = uuid();
      ana.send(send("after", conversation, clientMsgId, "still here"));

      // Then her ack carries seq 5 + GAP + 1, not 1
      long next = 5 + GAP + 1;
      JsonNode ack = ana.awaitType("ack");
      assertThat(ack.path("clientMsgId").asText()).isEqualTo(clientMsgId);
      assertThat(ack.path("seq").asLong()).isEqualTo(next);
      assertThat(countersRestored(north)).isEqualTo(restoredBefore + 1);

      // And ben gets it under that seq
      JsonNode message = ben.await(f -> clientMsgId.equals(f.path("clientMsgId").asText()));
      assertThat(message.path("seq").asLong()).isEqualTo(next);

      // And chat.messages has it so, which PostgreSQL takes (its (conversation, seq) key is free)
      JsonNode record = TopicRecords.until("chat.messages", conversation,
          v -> v.path("clientMsgId").asText().equals(clientMsgId)).getLast();
      assertThat(record.path("seq").asLong()).isEqualTo(next);
      assertThat(record.path("messageId").asText()).isEqualTo(ack.path("messageId").asText());
      persist(db, List.of(record));

      // And the next message follows it, and a client syncing from the start passes over the gap
      ana.send(send("next", conversation, uuid(), "and again"));
      assertThat(ana.awaitType("ack").path("seq").asLong()).isEqualTo(next + 1);
      ben.send("{\"type\":\"sync\",\"id\":\"y\",\"conversation\":\"" + conversation + "\",\"afterSeq\":0}");
      JsonNode page = ben.awaitType("sync");
      assertThat(seqs(page)).containsExactly(1L, 2L, 3L, 4L, 5L, next, next + 1);
      assertThat(page.path("hasMore").asBoolean()).isFalse();
    }
  }

  @Test
  void underASteadySendRedisLosingItsDataTwiceLosesNoAckedMessageAndStoresEachOnce() throws Exception {
    String conversation = conversation(db, "ana", "ben");
    try (FrameClient ana = connect(north, "ana"); FrameClient ben = connect(south, "ben")) {
      // Given ana sends 60 messages one after the other, resending each until it is acked, as a
      // client does, and nothing is persisted meanwhile (the persister is behind)
      SteadySender sender = SteadySender.start(ana, conversation, 60);

      // When Redis loses its data after the 15th ack, and again after the 40th
      await().atMost(Duration.ofSeconds(60)).until(() -> sender.doneOrAcked(15));
      redisLosesItsData();
      await().atMost(Duration.ofSeconds(60)).until(() -> sender.doneOrAcked(40));
      redisLosesItsData();
      assertThat(sender.sent).as("the sender, refused %s", sender.refusals).succeedsWithin(Duration.ofSeconds(120));
      Map<String, Long> ackedSeqs = sender.ackedSeqs;
      assertThat(sender.acks.get()).isEqualTo(60);

      // Then the 60 acked messages have 60 distinct seqs, each the seq chat.messages holds it under
      assertThat(new java.util.HashSet<>(ackedSeqs.values())).hasSize(60);
      List<JsonNode> records = TopicRecords.now("chat.messages", conversation);
      Map<String, Long> produced = new java.util.HashMap<>();
      for (JsonNode record : records) {
        Long before = produced.put(record.path("messageId").asText(), record.path("seq").asLong());
        assertThat(before == null || before == record.path("seq").asLong()).as("one seq per message").isTrue();
      }
      assertThat(produced).containsAllEntriesOf(ackedSeqs);
      assertThat(new java.util.HashSet<>(produced.values())).as("no two messages share a seq").hasSize(produced.size());

      // And once the persister writes them, PostgreSQL holds each acked message once under its seq
      persist(db, records.stream().filter(r -> ackedSeqs.containsKey(r.path("messageId").asText()))
          .collect(java.util.stream.Collectors.toMap(r -> r.path("messageId").asText(), r -> r, (a, b) -> a))
          .values().stream().toList());
      assertThat(storedMessages(conversation)).isEqualTo(60);

      // And ben, syncing from the start page by page, gets all 60 in seq order without stalling
      List<Long> synced = new ArrayList<>();
      long after = 0;
      for (int pages = 0; pages < 20; pages++) {
        ben.send("{\"type\":\"sync\",\"id\":\"p" + pages + "\",\"conversation\":\"" + conversation
            + "\",\"afterSeq\":" + after + "}");
        JsonNode page = ben.awaitType("sync");
        synced.addAll(seqs(page));
        after = page.path("lastSeq").asLong();
        if (!page.path("hasMore").asBoolean()) {
          break;
        }
      }
      assertThat(synced).isSorted().containsExactlyInAnyOrderElementsOf(ackedSeqs.values());
    }
  }

  @Test
  void firstSendsOnTwoNodesAtOnceAfterTheLossGetDistinctConsecutiveSeqs() {
    String conversation = conversation(db, "ana", "ben");
    try (FrameClient ana = connect(north, "ana"); FrameClient ben = connect(south, "ben")) {
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

      // Then the six messages got the six seqs after 3 + GAP, each seq once
      List<Long> expected = LongStream.rangeClosed(3 + GAP + 1, 3 + GAP + 6).boxed().toList();
      assertThat(acked).containsExactlyInAnyOrderElementsOf(expected);

      // And chat.messages has them under those seqs (acked: Kafka holds them all already)
      List<Long> all = new ArrayList<>(List.of(1L, 2L, 3L));
      all.addAll(expected);
      assertThat(TopicRecords.now("chat.messages", conversation)).extracting(v -> v.path("seq").asLong())
          .containsExactlyInAnyOrderElementsOf(all);
    }
  }

  @Test
  void withPostgreSQLUnreachableTheSendIsRefusedUnavailableAndTakesNoSeq() {
    String conversation = conversation(db, "ana", "ben");
    try (FrameClient ana = connect(south, "ana"); FrameClient ben = connect(north, "ben")) {
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

      // Then it comes GAP after PostgreSQL's highest, and ben gets it so
      assertThat(ack.path("seq").asLong()).isEqualTo(2 + GAP + 1);
      JsonNode message = ben.await(f -> clientMsgId.equals(f.path("clientMsgId").asText()));
      assertThat(message.path("seq").asLong()).isEqualTo(2 + GAP + 1);
    }
  }
}
