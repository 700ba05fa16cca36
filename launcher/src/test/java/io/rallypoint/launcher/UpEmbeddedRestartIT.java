package io.rallypoint.launcher;

import io.rallypoint.client.frame.Endpoint;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.client.frame.ServerFrames;
import io.rallypoint.embedded.FreePorts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.embedded.EmbeddedPostgres;
import io.rallypoint.embedded.EmbeddedRedis;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code rallypoint up} with nothing configured: it starts its own Kafka, PostgreSQL and Redis, and
 * after being killed (SIGKILL, no chance to stop its children) and started again it still holds the
 * earlier messages and goes on counting where it left off.
 */
class UpEmbeddedRestartIT {

  private final List<Process> processes = new ArrayList<>();
  private Path state;

  @AfterEach
  void stopAll() throws Exception {
    for (Process p : processes) {
      if (p.isAlive()) {
        new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
    // a run that failed half-way may have left its database servers behind
    EmbeddedPostgres.stopLeftover(state.resolve("postgres"));
    EmbeddedRedis.stopLeftover(state.resolve("redis"));
  }

  @Test
  void a_killed_up_comes_back_with_its_messages() throws Exception {
    state = Files.createTempDirectory("rallypoint-up-restart-");
    int[] ports = FreePorts.distinct(3);
    int kafka = ports[0];
    int postgres = ports[1];
    int redis = ports[2];
    String clientMsgId = UUID.randomUUID().toString();

    // Given up ran on embedded servers and stored a message of the demo group
    Run first = up(state, kafka, postgres, redis);
    try (FrameClient alice = FrameClient.connectSkipping(Endpoint.of(URI.create(first.pageUrl("alice")
        .replace("http://", "ws://").replaceFirst("/\\?conversation=demo&", "/ws?"))), ServerFrames::isPresencePush)) {
      alice.send("{\"type\":\"send\",\"id\":\"s1\",\"conversation\":\"demo\",\"clientMsgId\":\"" + clientMsgId
          + "\",\"body\":\"before the crash\"}");
      JsonNode ack = alice.await(f -> "ack".equals(f.path("type").asText()), Duration.ofSeconds(30));
      assertThat(ack.path("seq").asLong()).isEqualTo(1);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> storedMessages(postgres) == 1);

    // When it is killed outright and started again on the same state folder
    first.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    Run second = up(state, kafka, postgres, redis);

    // Then the earlier message is there, the old token still works, and seq goes on after 1: a
    // restarted Redis trusts no counter, so the next message comes GATEWAY_SEQ_RESEED_GAP (100) later
    try (FrameClient alice = FrameClient.connectSkipping(Endpoint.of(URI.create(second.pageUrl("alice")
        .replace("http://", "ws://").replaceFirst("/\\?conversation=demo&", "/ws?"))), ServerFrames::isPresencePush)) {
      alice.send("{\"type\":\"sync\",\"id\":\"y1\",\"conversation\":\"demo\",\"afterSeq\":0}");
      JsonNode sync = alice.await(f -> "sync".equals(f.path("type").asText()), Duration.ofSeconds(30));
      assertThat(sync.path("messages")).hasSize(1);
      assertThat(sync.path("messages").get(0).path("body").asText()).isEqualTo("before the crash");

      alice.send("{\"type\":\"send\",\"id\":\"s2\",\"conversation\":\"demo\",\"clientMsgId\":\"" + UUID.randomUUID()
          + "\",\"body\":\"after the restart\"}");
      JsonNode ack = alice.await(f -> "ack".equals(f.path("type").asText()), Duration.ofSeconds(30));
      assertThat(ack.path("seq").asLong()).isEqualTo(1 + 100 + 1);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> storedMessages(postgres) == 2);

    new ProcessBuilder("kill", "-INT", String.valueOf(second.process().pid())).start().waitFor();
    assertThat(second.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(second.process().exitValue()).as("exit code; output: %s", second.output()).isZero();
    assertThat(ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(a -> String.join(" ", a))
        .orElse("").contains(state.toString()))).as("no server of this run is left running").isEmpty();
  }

  private record Run(Process process, List<String> output) {
    String pageUrl(String user) {
      String prefix = "    " + String.format("%-6s", user) + " ";
      return output.stream().filter(l -> l.startsWith(prefix)).findFirst()
          .map(l -> l.substring(prefix.length()).trim())
          .orElseThrow(() -> new AssertionError("no demo token for " + user + " in " + output));
    }
  }

  private Run up(Path state, int kafka, int postgres, int redis) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-jar", Path.of("target", "rallypoint.jar").toString(), "up",
        "--state-dir", state.toString(), "--kafka-port", String.valueOf(kafka), "--postgres-port", String.valueOf(postgres),
        "--redis-port", String.valueOf(redis), "--partitions", "2")
        .redirectErrorStream(true);
    for (String variable : List.of("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", "REDIS_URL", "CHAT_JWT_SECRET")) {
      builder.environment().remove(variable);
    }
    builder.environment().put("GATEWAY_PORT", "0");
    builder.environment().put("PERSISTER_HTTP_PORT", "0");
    builder.environment().put("LOCATION_HTTP_PORT", "0");
    Process process = builder.start();
    processes.add(process);
    List<String> output = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          output.add(line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
    });
    reader.setDaemon(true);
    reader.start();
    await().atMost(Duration.ofSeconds(120)).until(() -> output.contains("Press Ctrl-C to stop.") || !process.isAlive());
    assertThat(process.isAlive()).as("up is running; output: %s", output).isTrue();
    return new Run(process, output);
  }

  private static long storedMessages(int postgresPort) {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgresPort + "/postgres", "postgres", "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM messages WHERE conversation_id = 'demo'")) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      return -1;
    }
  }

  private static String javaBinary() {
    return ProcessHandle.current().info().command().orElse("java");
  }

}
