package io.rallypoint.launcher;

import io.rallypoint.client.frame.Endpoint;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.client.frame.ServerFrames;
import io.rallypoint.embedded.FreePorts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.rallypoint.schemas.topic.Topic;
import io.rallypoint.schemas.topic.Topics;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs the packaged {@code rallypoint.jar up} as a user would, in its own process: it must start a
 * broker, create every topic, migrate the database, say where everything is, and stop cleanly with
 * exit code 0 on Ctrl-C (SIGINT).
 */
class UpCommandIT {

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.empty();

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  private Process process;

  @AfterEach
  void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }

  @Test
  void up_starts_kafka_creates_topics_migrates_and_stops_on_ctrl_c() throws Exception {
    Path jar = Path.of("target", "rallypoint.jar").toAbsolutePath();
    assertThat(jar).exists();
    Path state = Files.createTempDirectory("rallypoint-up-it-");
    int kafkaPort = FreePorts.one();
    ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-jar", jar.toString(),
        "up", "--kafka-port", String.valueOf(kafkaPort), "--partitions", "3", "--state-dir", state.toString())
        .redirectErrorStream(true);
    builder.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
    builder.environment().put("DATABASE_URL", db.jdbcUrlWithCredentials());
    builder.environment().put("PERSISTER_HTTP_PORT", "0");
    builder.environment().put("GATEWAY_PORT", "0");
    builder.environment().put("LOCATION_HTTP_PORT", "0");
    builder.environment().put("REDIS_URL", redis.url());
    builder.environment().remove("CHAT_JWT_SECRET");
    process = builder.start();
    List<String> output = readLinesInBackground(process);

    await().atMost(Duration.ofSeconds(90)).until(() -> output.contains("Press Ctrl-C to stop.") || !process.isAlive());
    assertThat(process.isAlive()).as("still running; output: %s", output).isTrue();
    String bootstrap = "127.0.0.1:" + kafkaPort;
    assertThat(String.join("\n", output)).contains("Kafka       " + bootstrap).contains("chat.messages");

    // "up" is only said once every service is doing its job: each /health/ready answers 200 at once
    List<String> health = java.util.regex.Pattern.compile("http://127\\.0\\.0\\.1:\\d+/health/ready")
        .matcher(valueAfter(output, "  Health      ")).results().map(java.util.regex.MatchResult::group).toList();
    assertThat(health).hasSize(3);
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    for (String url : health) {
      var ready = http.send(java.net.http.HttpRequest.newBuilder(URI.create(url)).GET().build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).as(url + " " + ready.body()).isEqualTo(200);
    }
    // and a group's positions are not public: the location-stream's API wants a member's token
    var anonymous = http.send(java.net.http.HttpRequest.newBuilder(URI.create(health.get(2)
        .replace("/health/ready", "/meeting-points/demo"))).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);

    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      assertThat(topics).containsAll(Topics.ALL.stream().map(Topic::name).toList());
      var chat = admin.describeTopics(List.of("chat.messages")).allTopicNames().get().get("chat.messages");
      assertThat(chat.partitions()).as("--partitions 3").hasSize(3);
    }
    assertThat(tables()).contains("conversations", "conversation_members", "user_preferences",
        "recording_sessions", "messages", "read_receipts");

    // a message sent over the WebSocket is acked, and the persister that up runs stores it
    db.sql("INSERT INTO conversations (id) VALUES ('up-it')");
    db.sql("INSERT INTO conversation_members (conversation_id, user_id) VALUES ('up-it', 'alice')");
    String secret = valueAfter(output, "  JWT secret  ").split(" ")[0];
    String ws = valueAfter(output, "  Gateway     ").split(" ")[0];
    String token = JWT.create().withSubject("alice").withExpiresAt(Instant.now().plusSeconds(600))
        .sign(Algorithm.HMAC256(secret));
    try (FrameClient alice = FrameClient.connectSkipping(Endpoint.bearer(URI.create(ws), token),
        ServerFrames::isPresencePush)) {
      alice.send("{\"type\":\"send\",\"id\":\"1\",\"conversation\":\"up-it\",\"clientMsgId\":\""
          + UUID.randomUUID() + "\",\"body\":\"hello through up\"}");
      assertThat(alice.awaitType("ack").path("id").asText()).isEqualTo("1");
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> messagesStored("up-it") == 1);

    new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).start().waitFor();

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s; output: %s", output).isTrue();
    assertThat(process.exitValue()).as("exit code; output: %s", output).isZero();
    assertThat(output).contains("Stopped.");
    assertThat(process.descendants().count()).isZero();
  }

  @Test
  void every_subcommand_documents_itself() throws Exception {
    for (String command : List.of("up", "kafka", "topics", "gateway", "persister", "location-stream", "dlq", "replay-dlq", "bench",
        "restart-bench")) {
      Process help = new ProcessBuilder(javaBinary(), "-jar", Path.of("target", "rallypoint.jar").toString(), command, "--help")
          .redirectErrorStream(true).start();
      String text = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(help.waitFor()).as(text).isZero();
      assertThat(text).contains("Usage: rallypoint " + command);
    }
  }

  private static String valueAfter(List<String> output, String prefix) {
    return output.stream().filter(l -> l.startsWith(prefix)).findFirst()
        .map(l -> l.substring(prefix.length()).trim())
        .orElseThrow(() -> new AssertionError("no line starting with '" + prefix + "' in " + output));
  }

  private static long messagesStored(String conversation) throws Exception {
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM messages WHERE conversation_id = '" + conversation + "'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<String> tables() throws Exception {
    List<String> names = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  private static List<String> readLinesInBackground(Process process) {
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "rallypoint-output");
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  private static String javaBinary() {
    return ProcessHandle.current().info().command().orElse("java");
  }

}
