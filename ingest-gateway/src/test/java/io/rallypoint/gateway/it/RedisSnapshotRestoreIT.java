package io.rallypoint.gateway.it;

import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.embedded.FreePorts;
import static io.rallypoint.gateway.it.ChatHistory.persist;
import static io.rallypoint.gateway.it.Gateways.connect;
import static io.rallypoint.gateway.it.Gateways.conversation;
import static io.rallypoint.gateway.it.Gateways.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.gateway.store.Keys;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.embedded.RedisServer;

/**
 * Redis restarts from an older snapshot (its counters are present but behind, as after restoring a
 * backup or failing over to a lagging replica) between ack and persist: the counters are not
 * trusted by the new Redis process, every acked message keeps its seq and is stored once, and the
 * messages after the restart take seqs no earlier message has.
 */
class RedisSnapshotRestoreIT {

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  /** Unused: the gateway needs a database fixture for its env; its Redis is the server below. */
  @RegisterExtension
  static final RedisDatabase unused = new RedisDatabase();

  @TempDir
  static Path dir;

  static int port;
  static RedisServer redis;
  static GatewayServer gateway;

  @BeforeAll
  static void start() throws IOException {
    port = FreePorts.one();
    redis = startRedis();
    Map<String, String> env = Gateways.env(db, unused);
    env.put("REDIS_URL", "redis://127.0.0.1:" + port);
    env.put("GATEWAY_SEQ_RESEED_GAP", "10");
    gateway = Gateways.start(env);
  }

  @AfterAll
  static void stop() throws IOException {
    gateway.close();
    redis.stop();
  }

  /** A Redis that keeps its data only in the RDB snapshot this test takes with SAVE. */
  private static RedisServer startRedis() throws IOException {
    RedisServer server = RedisServer.newRedisServer().bind("127.0.0.1").port(port)
        .setting("dir " + dir.toAbsolutePath())
        .setting("appendonly no")
        .setting("save \"\"")
        .build();
    server.start();
    return server;
  }

  private static void redis(java.util.function.Consumer<io.lettuce.core.api.sync.RedisCommands<String, String>> work) {
    try (RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
        StatefulRedisConnection<String, String> connection = client.connect()) {
      work.accept(connection.sync());
    }
  }

  private static JsonNode sendAcked(FrameClient client, String conversation, String body) {
    String clientMsgId = UUID.randomUUID().toString();
    JsonNode reply;
    do {
      client.send(send(body, conversation, clientMsgId, body));
      reply = client.await(f -> f.path("type").asText().equals("ack") || f.path("type").asText().equals("error"),
          Duration.ofSeconds(20));
    } while (!reply.path("type").asText().equals("ack"));
    return reply;
  }

  @Test
  void aRestoredOlderSnapshotNeverHandsOutASeqAgain() throws IOException {
    String conversation = conversation(db, "ana", "ben");
    List<JsonNode> acks = new ArrayList<>();
    try (FrameClient ana = connect(gateway, "ana")) {
      // Given three acked messages, a snapshot, then three more acked messages, none persisted yet
      for (int i = 1; i <= 3; i++) {
        acks.add(sendAcked(ana, conversation, "before-" + i));
      }
      redis(commands -> commands.save());
      Path snapshot = dir.resolve("older.rdb");
      Files.copy(dir.resolve("dump.rdb"), snapshot, StandardCopyOption.REPLACE_EXISTING);
      for (int i = 1; i <= 3; i++) {
        acks.add(sendAcked(ana, conversation, "after-" + i));
      }
    }

    // When Redis is restarted from the older snapshot: its counter says 3, Kafka holds 6
    redis.stop();
    Files.copy(snapshot(), dir.resolve("dump.rdb"), StandardCopyOption.REPLACE_EXISTING);
    redis = startRedis();
    redis(commands -> assertThat(commands.keys(new Keys("rallypoint", 0).seq(conversation))).isNotEmpty());

    // Then the next messages take seqs no earlier message has, on reconnecting clients
    try (FrameClient ana = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> connect(gateway, "ana"), c -> true)) {
      for (int i = 1; i <= 3; i++) {
        acks.add(sendAcked(ana, conversation, "restored-" + i));
      }
    }
    Map<String, Long> acked = new HashMap<>();
    acks.forEach(a -> acked.put(a.path("messageId").asText(), a.path("seq").asLong()));
    assertThat(acked).hasSize(9);
    assertThat(new HashSet<>(acked.values())).hasSize(9);
    assertThat(acks.subList(6, 9)).allSatisfy(a -> assertThat(a.path("seq").asLong()).isGreaterThan(6 + 10));

    // And chat.messages holds each acked message under its acked seq, and PostgreSQL takes all nine
    List<JsonNode> records = TopicRecords.now("chat.messages", conversation);
    Map<String, JsonNode> byId = new HashMap<>();
    records.forEach(r -> byId.putIfAbsent(r.path("messageId").asText(), r));
    acked.forEach((id, seq) -> assertThat(byId.get(id).path("seq").asLong()).isEqualTo(seq));
    persist(db, List.copyOf(byId.values()));

    // And a member syncing from the start gets all nine in seq order, passing over the gap
    try (FrameClient ben = connect(gateway, "ben")) {
      ben.send("{\"type\":\"sync\",\"id\":\"s\",\"conversation\":\"" + conversation + "\",\"afterSeq\":0}");
      JsonNode page = ben.awaitType("sync");
      List<Long> seqs = new ArrayList<>();
      page.path("messages").forEach(m -> seqs.add(m.path("seq").asLong()));
      assertThat(seqs).isSorted().containsExactlyInAnyOrderElementsOf(acked.values());
      assertThat(page.path("hasMore").asBoolean()).isFalse();
    }
  }

  private static Path snapshot() {
    return dir.resolve("older.rdb");
  }
}
