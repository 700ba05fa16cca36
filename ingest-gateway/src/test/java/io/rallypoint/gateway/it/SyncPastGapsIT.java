package io.rallypoint.gateway.it;

import static io.rallypoint.gateway.it.ChatHistory.persist;
import static io.rallypoint.gateway.it.ChatHistory.sendAcked;
import static io.rallypoint.gateway.it.Gateways.connect;
import static io.rallypoint.gateway.it.Gateways.conversation;
import static io.rallypoint.gateway.it.Gateways.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.gateway.store.Keys;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An acked message that will never reach PostgreSQL (the persister dead-lettered it, or skipped a
 * resend whose clientMsgId it already stored) no longer stalls sync once the persister has recorded
 * its seq in {@code message_gaps}: a client paging past it gets every later message, then
 * {@code hasMore=false}. PostgreSQL is written here as the persister writes it.
 */
class SyncPastGapsIT {

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  static GatewayServer gateway;
  static RedisClient redisClient;
  static StatefulRedisConnection<String, String> redisConnection;

  @BeforeAll
  static void start() {
    gateway = Gateways.start(Gateways.unthrottledEnv(db, redis));
    redisClient = redis.client();
    redisConnection = redisClient.connect();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    redisConnection.close();
    redisClient.shutdown();
  }

  @Test
  void aResendMintedAfterTheIdempotencyEntryWasLostDoesNotStallSyncOnceItsGapIsRecorded() {
    String conversation = conversation(db, "ana", "ben");
    try (FrameClient ana = connect(gateway, "ana"); FrameClient ben = connect(gateway, "ben")) {
      // Given ana's message 1, whose idempotency entry is then lost (expired, or Redis lost it)
      String clientMsgId = UUID.randomUUID().toString();
      ana.send(send("first", conversation, clientMsgId, "hello"));
      JsonNode first = ana.awaitType("ack");
      redisConnection.sync().del(new Keys("rallypoint", 0).idempotency(conversation, "ana", clientMsgId));

      // When her phone resends it: the gateway mints a new message with seq 2 and acks it
      ana.send(send("again", conversation, clientMsgId, "hello"));
      JsonNode again = ana.awaitType("ack");
      assertThat(again.path("seq").asLong()).isEqualTo(2);
      assertThat(again.path("messageId").asText()).isNotEqualTo(first.path("messageId").asText());

      // And 60 more follow, so seq 2 leaves the Redis cache (which keeps 13..62)
      List<JsonNode> records = sendAcked(ana, conversation, 60);
      assertThat(records).hasSize(62);

      // And the persister stores every message but the resend: its (sender, clientMsgId) is taken
      persist(db, records.stream().filter(r -> r.path("seq").asLong() != 2).toList());

      // Then, before the persister has recorded the gap, sync waits at seq 2 (the old behaviour)
      JsonNode stalled = sync(ben, conversation, 1, 100);
      assertThat(seqs(stalled)).isEmpty();
      assertThat(stalled.path("hasMore").asBoolean()).isTrue();
      assertThat(stalled.path("lastSeq").asLong()).isEqualTo(1);

      // When the persister records seq 2 as a gap, as it does when it skips the resend
      gap(conversation, 2, again.path("messageId").asText(), "duplicate-client-msg-id");

      // Then paging from afterSeq=1 gets every message after the gap, and ends
      assertThat(pageThrough(ben, conversation, 1, 25)).isEqualTo(LongStream.rangeClosed(3, 62).boxed().toList());
    }
  }

  @Test
  void aDeadLetteredSeqIsSkippedByEverySyncOnceItsGapIsRecorded() {
    String conversation = conversation(db, "ana", "ben");
    try (FrameClient ana = connect(gateway, "ana"); FrameClient ben = connect(gateway, "ben")) {
      // Given 60 acked messages, of which the persister dead-lettered seq 7 and stored the rest
      List<JsonNode> records = sendAcked(ana, conversation, 60);
      persist(db, records.stream().filter(r -> r.path("seq").asLong() != 7).toList());
      gap(conversation, 7, records.get(6).path("messageId").asText(), "dead-lettered");
      List<Long> allButSeven = LongStream.rangeClosed(1, 60).filter(s -> s != 7).boxed().toList();

      // Then paging from the start by afterSeq gets every other message, never an empty page, and ends
      assertThat(pageThrough(ben, conversation, 0, 4)).isEqualTo(allButSeven);

      // And a sync by time from message 5 goes past the gap too
      ben.send("{\"type\":\"sync\",\"id\":\"t\",\"conversation\":\"" + conversation + "\",\"lastSyncedAt\":\""
          + records.get(4).path("sentAt").asText() + "\",\"limit\":100}");
      JsonNode byTime = ben.awaitType("sync");
      assertThat(seqs(byTime)).isEqualTo(allButSeven.subList(5, allButSeven.size()));
      assertThat(byTime.path("hasMore").asBoolean()).isFalse();

      // And the latest page reaches back past it
      ben.send("{\"type\":\"sync\",\"id\":\"l\",\"conversation\":\"" + conversation + "\",\"limit\":100}");
      assertThat(seqs(ben.awaitType("sync"))).isEqualTo(allButSeven);
    }
  }

  /** Writes a gap row as the persister does when it drops a message for good. */
  private static void gap(String conversation, long seq, String messageId, String reason) {
    db.sql("INSERT INTO message_gaps (conversation_id, seq, message_id, reason) VALUES ('" + conversation + "', " + seq
        + ", '" + messageId + "', '" + reason + "')");
  }

  private static JsonNode sync(FrameClient client, String conversation, long afterSeq, int limit) {
    client.send("{\"type\":\"sync\",\"id\":\"p" + afterSeq + "\",\"conversation\":\"" + conversation + "\",\"afterSeq\":"
        + afterSeq + ",\"limit\":" + limit + "}");
    return client.awaitType("sync");
  }

  /** Pages forward by afterSeq as a client does until hasMore=false; fails on a page that makes no progress. */
  private static List<Long> pageThrough(FrameClient client, String conversation, long afterSeq, int limit) {
    List<Long> seen = new ArrayList<>();
    long position = afterSeq;
    for (int pages = 0; pages < 100; pages++) {
      JsonNode page = sync(client, conversation, position, limit);
      seen.addAll(seqs(page));
      if (!page.path("hasMore").asBoolean()) {
        return seen;
      }
      assertThat(page.path("lastSeq").asLong()).as("a page with more to come moves forward").isGreaterThan(position);
      position = page.path("lastSeq").asLong();
    }
    throw new AssertionError("sync never ended; got " + seen);
  }

  private static List<Long> seqs(JsonNode page) {
    List<Long> seqs = new ArrayList<>();
    page.path("messages").forEach(m -> seqs.add(m.path("seq").asLong()));
    return seqs;
  }
}
