package io.rallypoint.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rallypoint.client.frame.Endpoint;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.client.frame.ServerFrames;
import io.rallypoint.schemas.topic.Topic;
import io.rallypoint.schemas.topic.TopicAudit;
import io.rallypoint.schemas.topic.TopicReplication;
import io.rallypoint.schemas.topic.Topics;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import io.rallypoint.testsupport.TopicReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rallypoint on a three-node Kafka cluster ({@code rallypoint kafka} processes) while one node is
 * killed with SIGKILL and restarted with the same flags, under a steady send from a client that
 * resends until acked: no acked message is lost or stored twice, the persister catches up (its
 * group's lag returns to 0) and the location-stream keeps publishing meeting points.
 */
class KafkaClusterIT {

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.empty();

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  private static final String SECRET = "kafka-cluster-it-secret-kafka-cluster-it";
  private static final String CONVERSATION = "cluster-it";
  /** Acks to see before the kill, before the restart, and after it. */
  private static final int BEFORE_KILL = 10;
  private static final int WHILE_DOWN = 15;
  private static final int AFTER_RESTART = 15;
  private static final int AT_MOST = 2_000;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KafkaClusterIT.class);
  private static final int PARTITIONS = 3;
  private static final ObjectMapper JSON = new ObjectMapper();

  private KafkaCluster cluster;
  private Process up;

  @AfterEach
  void stop() {
    if (up != null && up.isAlive()) {
      up.destroyForcibly();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void a_broker_killed_and_restarted_under_a_steady_send_loses_no_acked_message_and_stores_none_twice() throws Exception {
    // Given three Kafka nodes and up's services on them, topics with three replicas, two in sync
    Path dir = Files.createTempDirectory("rallypoint-cluster-it-");
    cluster = KafkaCluster.start(dir.resolve("kafka"), 3, 0);
    String bootstrap = cluster.bootstrapServers();
    LOG.info("Kafka cluster ready at {}", bootstrap);
    List<String> output = startUp(bootstrap, dir.resolve("up"));
    LOG.info("up is up");
    List<Topic<String, ?>> expected = Topics.ALL.stream()
        .<Topic<String, ?>>map(t -> t.withPartitions(PARTITIONS).withReplication(TopicReplication.CLUSTER)).toList();
    try (Admin admin = admin(bootstrap)) {
      assertThat(TopicAudit.check(admin, expected)).as("every topic: 3 replicas, min.insync.replicas 2").isEmpty();
    }
    db.sql("INSERT INTO conversations (id) VALUES ('" + CONVERSATION + "')");
    db.sql("INSERT INTO conversation_members (conversation_id, user_id) VALUES ('" + CONVERSATION + "', 'ana'), ('"
        + CONVERSATION + "', 'ben')");
    db.sql("INSERT INTO user_preferences (user_id, location_sharing_enabled) VALUES ('ana', true), ('ben', true)");
    URI ws = URI.create(valueAfter(output, "  Gateway     ").split(" ")[0]);

    try (FrameClient ana = FrameClient.connectSkipping(Endpoint.bearer(ws, token("ana")), ServerFrames::isPresencePush);
        FrameClient ben = FrameClient.connectSkipping(Endpoint.bearer(ws, token("ben")), ServerFrames::isPresencePush)) {
      String anaSession = UUID.randomUUID().toString();
      String benSession = UUID.randomUUID().toString();
      untilAnswered(ana, "{\"type\":\"session\",\"id\":\"s-ana\",\"session\":\"" + anaSession
          + "\",\"state\":\"started\",\"at\":\"" + Instant.now() + "\"}", "ok");
      untilAnswered(ben, "{\"type\":\"session\",\"id\":\"s-ben\",\"session\":\"" + benSession
          + "\",\"state\":\"started\",\"at\":\"" + Instant.now() + "\"}", "ok");
      untilAnswered(ben, location("l-ben-0", benSession, 51.50, -0.12), "ok");

      // When ana sends one message after the other, resending each until acked, and a position every
      // tenth, until 15 more are acked after the restart
      Map<String, Long> acked = new ConcurrentHashMap<>();
      AtomicInteger acks = new AtomicInteger();
      AtomicInteger acksAtRestart = new AtomicInteger(-1);
      List<String> refusals = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
        for (int i = 0; i < AT_MOST && !(acksAtRestart.get() >= 0 && acks.get() >= acksAtRestart.get() + AFTER_RESTART); i++) {
          String clientMsgId = UUID.randomUUID().toString();
          String frame = "{\"type\":\"send\",\"id\":\"m" + i + "\",\"conversation\":\"" + CONVERSATION
              + "\",\"clientMsgId\":\"" + clientMsgId + "\",\"body\":\"steady " + i + "\"}";
          JsonNode ack = untilAnswered(ana, frame, "ack", refusals);
          acked.put(ack.path("messageId").asText(), ack.path("seq").asLong());
          acks.incrementAndGet();
          if (i % 10 == 0) {
            untilAnswered(ana, location("l" + i, anaSession, 51.51 + i * 1e-4, -0.13), "ok", refusals);
          }
        }
      });

      // And node 2 is killed after the 10th ack, and restarted with the same flags 15 acks later
      await().atMost(Duration.ofSeconds(90)).until(() -> sent.isDone() || acks.get() >= BEFORE_KILL);
      cluster.kill(2);
      int atKill = acks.get();
      LOG.info("Killed Kafka node 2 after {} acks", atKill);
      await().atMost(Duration.ofSeconds(90)).until(() -> sent.isDone() || acks.get() >= atKill + WHILE_DOWN);
      assertThat(sent).as("sends go on while a broker is down").isNotDone();
      LOG.info("{} acks with node 2 down; restarting it", acks.get() - atKill);
      cluster.restart(2);
      Instant restarted = Instant.now();
      acksAtRestart.set(acks.get());
      LOG.info("Kafka node 2 is a broker again after {} acks", acks.get());
      untilAnswered(ben, location("l-ben-1", benSession, 51.50, -0.121), "ok");
      sent.get(120, TimeUnit.SECONDS);
      int total = acks.get();
      LOG.info("All {} messages acked ({} refusals)", total, refusals.size());

      // Then delivery went on after the restart, every message under its own seq
      assertThat(total).as("refusals seen: %s", refusals).isGreaterThanOrEqualTo(acksAtRestart.get() + AFTER_RESTART);
      assertThat(acked).hasSize(total);
      assertThat(new java.util.HashSet<>(acked.values())).hasSize(total);

      // And PostgreSQL holds each acked message once, under its acked seq
      await().atMost(Duration.ofSeconds(60)).until(() -> stored().size() >= total);
      Map<String, Long> stored = stored();
      assertThat(stored).as("each acked message once, nothing else").isEqualTo(acked);

      // And the location-stream published a meeting point after the restart
      TopicReader.until(bootstrap, Topics.LOCATION_MEETING_POINTS.name(), r -> r.value() != null
          && CONVERSATION.equals(new String(r.key(), StandardCharsets.UTF_8))
          && Instant.parse(json(r.value()).path("computedAt").asText()).isAfter(restarted), Duration.ofSeconds(60));

      // And the persister's group has read everything: its lag on chat.messages returns to 0
      try (Admin admin = admin(bootstrap)) {
        await().atMost(Duration.ofSeconds(60)).until(() -> persisterLag(admin) == 0);
      }
    }

    // And up stops cleanly on Ctrl-C while the cluster runs on
    new ProcessBuilder("kill", "-INT", String.valueOf(up.pid())).start().waitFor();
    assertThat(up.waitFor(60, TimeUnit.SECONDS)).as("up stopped; output: %s", output).isTrue();
    assertThat(up.exitValue()).isZero();
  }

  private List<String> startUp(String bootstrap, Path state) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(SelfJar.command(List.of("-Xmx512m"),
        List.of("up", "--partitions", String.valueOf(PARTITIONS), "--state-dir", state.toString())))
        .redirectErrorStream(true);
    builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    builder.environment().remove(TopicReplication.VARIABLE); // an external cluster: 3 by default
    builder.environment().put("DATABASE_URL", db.jdbcUrlWithCredentials());
    builder.environment().put("REDIS_URL", redis.url());
    builder.environment().put("CHAT_JWT_SECRET", SECRET);
    builder.environment().put("GATEWAY_PORT", "0");
    builder.environment().put("PERSISTER_HTTP_PORT", "0");
    builder.environment().put("LOCATION_HTTP_PORT", "0");
    builder.environment().put("GATEWAY_CONSENT_CACHE_TTL", "PT0.5S");
    up = builder.start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "up-output");
    reader.setDaemon(true);
    reader.start();
    await().atMost(Duration.ofSeconds(300)).until(() -> lines.contains("Press Ctrl-C to stop.") || !up.isAlive());
    assertThat(up.isAlive()).as("up runs; output: %s", lines).isTrue();
    return lines;
  }

  private static JsonNode untilAnswered(FrameClient client, String frame, String wanted) {
    return untilAnswered(client, frame, wanted, new ArrayList<>());
  }

  /** Sends the frame until it is answered {@code wanted}, as a client does (see {@link FrameClient#untilAnswered}). */
  private static JsonNode untilAnswered(FrameClient client, String frame, String wanted, List<String> refusals) {
    return client.untilAnswered(frame, wanted, refusals, Duration.ofSeconds(90));
  }

  private static String location(String id, String session, double lat, double lng) {
    return "{\"type\":\"location\",\"id\":\"" + id + "\",\"conversation\":\"" + CONVERSATION + "\",\"session\":\""
        + session + "\",\"lat\":" + lat + ",\"lng\":" + lng + ",\"at\":\"" + Instant.now() + "\"}";
  }

  private static String token(String user) {
    return JWT.create().withSubject(user).withExpiresAt(Instant.now().plusSeconds(600)).sign(Algorithm.HMAC256(SECRET));
  }

  private static Map<String, Long> stored() throws Exception {
    Map<String, Long> rows = new HashMap<>();
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT message_id, seq FROM messages WHERE conversation_id = '" + CONVERSATION + "'")) {
      while (rs.next()) {
        Long before = rows.put(rs.getString(1), rs.getLong(2));
        assertThat(before).as("message %s stored twice", rs.getString(1)).isNull();
      }
    }
    return rows;
  }

  private static long persisterLag(Admin admin) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("rallypoint-persister")
        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      latest.put(new TopicPartition(Topics.CHAT_MESSAGES.name(), p), OffsetSpec.latest());
    }
    long lag = 0;
    for (var end : admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).entrySet()) {
      OffsetAndMetadata at = committed.get(end.getKey());
      lag += end.getValue().offset() - (at == null ? 0 : at.offset());
    }
    return lag;
  }

  private static JsonNode json(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  private static String valueAfter(List<String> output, String prefix) {
    return output.stream().filter(l -> l.startsWith(prefix)).findFirst()
        .map(l -> l.substring(prefix.length()).trim())
        .orElseThrow(() -> new AssertionError("no line starting with '" + prefix + "' in " + output));
  }
}
