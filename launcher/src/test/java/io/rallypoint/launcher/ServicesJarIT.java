package io.rallypoint.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The packaged {@code rallypoint-services.jar} (the Docker image's): every command is there, the
 * embedded servers of {@code up} are not, and {@code up} says so instead of failing on a missing class.
 */
class ServicesJarIT {

  private static final Path SERVICES = Path.of("target", "rallypoint-services.jar");
  private static final Path FULL = Path.of("target", "rallypoint.jar");

  /** Entries that only the embedded servers bring: their binaries and the broker's classes. */
  private static List<String> embeddedEntries(Path jar) throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return zip.stream().map(ZipEntry::getName)
          .filter(name -> name.endsWith(".txz") || name.contains("redis-server-")
              || name.equals("kafka/server/KafkaRaftServer.class") || name.startsWith("scala/")
              || name.startsWith("io/zonky/") || name.startsWith("redis/embedded/"))
          .toList();
    }
  }

  @Test
  void the_services_jar_leaves_out_what_only_up_embeds() throws Exception {
    assertThat(embeddedEntries(FULL)).as("rallypoint.jar, for comparison, has the embedded servers")
        .anyMatch(name -> name.startsWith("postgres-linux-x86_64") && name.endsWith(".txz"))
        .anyMatch(name -> name.startsWith("redis-server-"))
        .contains("kafka/server/KafkaRaftServer.class");

    assertThat(embeddedEntries(SERVICES)).isEmpty();
    assertThat(SERVICES.toFile().length()).isLessThan(FULL.toFile().length() / 2);
  }

  @Test
  void every_subcommand_documents_itself_in_the_services_jar() throws Exception {
    for (String command : List.of("up", "kafka", "topics", "gateway", "persister", "location-stream", "dlq", "replay-dlq",
        "bench", "restart-bench", "admin", "token")) {
      Run help = run(Map.of(), command, "--help");
      assertThat(help.exit()).as(help.output()).isZero();
      assertThat(help.output()).contains("Usage: rallypoint " + command);
    }
  }

  @Test
  void up_names_the_variable_of_each_server_it_cannot_embed() throws Exception {
    Run noKafka = run(Map.of(), "up", "--state-dir", "target/services-jar-state");
    assertThat(noKafka.exit()).as(noKafka.output()).isEqualTo(1);
    assertThat(noKafka.output()).contains("rallypoint up: this jar has no embedded Kafka",
        "set KAFKA_BOOTSTRAP_SERVERS to an external one, or run rallypoint.jar");

    Run noPostgres = run(Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9"), "up", "--state-dir", "target/services-jar-state");
    assertThat(noPostgres.exit()).as(noPostgres.output()).isEqualTo(1);
    assertThat(noPostgres.output()).contains("no embedded PostgreSQL", "set DATABASE_URL");

    Run kafka = run(Map.of(), "kafka");
    assertThat(kafka.exit()).as(kafka.output()).isEqualTo(1);
    assertThat(kafka.output()).contains("rallypoint kafka: this jar has no embedded Kafka");
  }

  @Test
  void a_gateway_without_a_secret_says_which_variable_is_missing() throws Exception {
    // compose passes CHAT_JWT_SECRET empty when it is not set: the gateway must refuse to start, clearly
    Run gateway = run(Map.of("CHAT_JWT_SECRET", ""), "gateway");
    assertThat(gateway.exit()).as(gateway.output()).isNotZero();
    assertThat(gateway.output()).contains("CHAT_JWT_SECRET is required");
  }

  private record Run(int exit, String output) {}

  private static Run run(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "--enable-native-access=ALL-UNNAMED", "-jar", SERVICES.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    for (String variable : List.of("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", "REDIS_URL", "CHAT_JWT_SECRET")) {
      builder.environment().remove(variable);
    }
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
    return new Run(process.exitValue(), output);
  }
}
