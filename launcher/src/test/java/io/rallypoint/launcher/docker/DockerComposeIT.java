package io.rallypoint.launcher.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.rallypoint.testsupport.ToolOnPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker/compose.yaml as {@code docker-compose config} resolves it (the compose validator that runs
 * without a Docker engine), checked for what a user of the stack relies on. Without
 * {@code docker-compose} on the PATH the class is skipped with a message, except on CI
 * ({@code CI=true}), where that fails the build.
 */
class DockerComposeIT {

  static final Path COMPOSE = Path.of("..", "docker", "compose.yaml").toAbsolutePath().normalize();
  private static final Pattern MAX_RAM = Pattern.compile("-XX:MaxRAMPercentage=(\\d+(?:\\.\\d+)?)");
  private static final Pattern XMX = Pattern.compile("-Xmx(\\d+)([mMgG])");
  private static final List<String> RALLYPOINT_SERVICES =
      List.of("persister-1", "persister-2", "location-stream", "gateway-1", "gateway-2", "demo-init");

  private static Path dockerCompose;

  @BeforeAll
  static void findDockerCompose() {
    dockerCompose = ToolOnPath.require("docker-compose",
        "docker/compose.yaml cannot be validated. Install it (apt-get install docker-compose)");
  }

  @Test
  void every_command_resolves_without_the_secret_so_down_works() throws Exception {
    Run quiet = compose(Map.of(), "config", "-q");
    assertThat(quiet.exit()).as(quiet.output()).isZero();

    JsonNode services = config(Map.of()).path("services");
    // the services still get the variable, empty: the gateway then refuses to start (ServicesJarIT)
    assertThat(services.path("gateway-1").path("environment").path("CHAT_JWT_SECRET").asText("unset")).isEmpty();
  }

  @Test
  void the_secret_reaches_every_service_that_signs_or_checks_tokens() throws Exception {
    JsonNode services = config(Map.of("CHAT_JWT_SECRET", "s3cret")).path("services");

    for (String service : List.of("gateway-1", "gateway-2", "location-stream", "demo-init")) {
      assertThat(services.path(service).path("environment").path("CHAT_JWT_SECRET").asText()).as(service)
          .isEqualTo("s3cret");
    }
  }

  @Test
  void the_location_stream_publishes_no_port_and_the_gateways_do() throws Exception {
    JsonNode services = config(Map.of()).path("services");

    assertThat(services.path("location-stream").has("ports")).as("location-stream ports").isFalse();
    assertThat(ports(services.path("gateway-1"))).containsExactly(new Port("", 8080, 8080));
    assertThat(ports(services.path("gateway-2"))).containsExactly(new Port("", 8090, 8080));
  }

  @Test
  void the_dead_letter_topic_is_kept_30_days() throws Exception {
    String topics = config(Map.of()).path("services").path("kafka-topics").path("command").toString();

    assertThat(Duration.ofDays(30).toMillis()).isEqualTo(2_592_000_000L);
    assertThat(topics).contains("create chat.messages.dlq --config retention.ms=2592000000");
  }

  @Test
  void every_jvm_has_a_memory_limit_and_a_heap_that_fits_in_it() throws Exception {
    JsonNode services = config(Map.of()).path("services");

    for (String name : RALLYPOINT_SERVICES) {
      JsonNode service = services.path(name);
      assertThat(service.path("image").asText()).as(name).isEqualTo("rallypoint:latest");
      long limit = bytes(service, name);
      String flags = service.path("environment").path("JAVA_TOOL_OPTIONS").asText();
      assertThat(flags).as(name).contains("-XX:+ExitOnOutOfMemoryError");
      double percent = percentage(flags, name);
      assertThat(percent).as(name + ": room beside the heap").isBetween(50.0, 80.0);
      assertThat(limit * percent / 100).as(name + ": heap bytes").isGreaterThanOrEqualTo(128.0 * 1024 * 1024);
    }
    JsonNode kafka = services.path("kafka");
    double brokerHeap = bytes(kafka, "kafka") * percentage(kafka.path("environment").path("KAFKA_HEAP_OPTS").asText(), "kafka") / 100;
    assertThat(brokerHeap).as("broker heap bytes").isGreaterThanOrEqualTo(256.0 * 1024 * 1024);
    // kafka-topics.sh runs with -Xmx256M when KAFKA_HEAP_OPTS is unset
    JsonNode topics = services.path("kafka-topics");
    assertThat(topics.path("environment").has("KAFKA_HEAP_OPTS")).isFalse();
    assertThat(bytes(topics, "kafka-topics")).isGreaterThan(256L * 1024 * 1024);
  }

  @Test
  void kafka_advertises_an_external_listener_on_a_host_only_port() throws Exception {
    JsonNode kafka = config(Map.of()).path("services").path("kafka");
    JsonNode env = kafka.path("environment");

    assertThat(env.path("KAFKA_LISTENERS").asText().split(",")).contains("EXTERNAL://:9094");
    assertThat(env.path("KAFKA_ADVERTISED_LISTENERS").asText().split(","))
        .contains("PLAINTEXT://kafka:9092", "EXTERNAL://localhost:9094");
    assertThat(env.path("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP").asText().split(",")).contains("EXTERNAL:PLAINTEXT");
    assertThat(env.path("KAFKA_INTER_BROKER_LISTENER_NAME").asText()).isEqualTo("PLAINTEXT");
    assertThat(ports(kafka)).containsExactly(new Port("127.0.0.1", 9094, 9094));
  }

  @Test
  void demo_init_creates_the_demo_group_once_a_gateway_and_a_persister_are_ready() throws Exception {
    JsonNode demo = config(Map.of()).path("services").path("demo-init");

    assertThat(demo.isMissingNode()).as("demo-init exists").isFalse();
    assertThat(demo.path("depends_on").path("gateway-1").path("condition").asText()).isEqualTo("service_healthy");
    assertThat(demo.path("depends_on").path("persister-1").path("condition").asText()).isEqualTo("service_healthy");
    assertThat(demo.path("restart").asText()).isEqualTo("no");
    assertThat(demo.path("environment").path("RALLYPOINT_GATEWAY_URL").asText()).isEqualTo("http://gateway-1:8080");
    String script = demo.path("command").toString();
    assertThat(script).contains("-jar /app/rallypoint-services.jar",
        "admin conversation create demo --member alice --member bob --member carol",
        "for user in alice bob carol", "token", "http://localhost:8080/?conversation=demo&token=");
    JsonNode gateway = config(Map.of()).path("services").path("gateway-1");
    assertThat(gateway.path("healthcheck").path("test").toString()).contains("/health/ready");
  }

  @Test
  void the_monitoring_profile_adds_prometheus_and_grafana_on_the_observability_files() throws Exception {
    Run quiet = compose(Map.of(), "--profile", "monitoring", "config", "-q");
    assertThat(quiet.exit()).as(quiet.output()).isZero();
    JsonNode services = config(Map.of(), "--profile", "monitoring").path("services");
    Path observability = COMPOSE.resolveSibling("observability");

    JsonNode prometheus = services.path("prometheus");
    assertThat(prometheus.path("profiles").toString()).isEqualTo("[\"monitoring\"]");
    assertThat(prometheus.path("image").asText()).startsWith("prom/prometheus:");
    assertThat(mounts(prometheus)).contains(
        observability.resolve("prometheus.yml") + ":/etc/prometheus/prometheus.yml",
        observability.resolve("alerts.yml") + ":/etc/prometheus/alerts.yml");
    assertThat(ports(prometheus)).containsExactly(new Port("127.0.0.1", 9090, 9090));

    JsonNode grafana = services.path("grafana");
    assertThat(grafana.path("profiles").toString()).isEqualTo("[\"monitoring\"]");
    assertThat(grafana.path("image").asText()).startsWith("grafana/grafana:");
    assertThat(mounts(grafana)).contains(
        observability.resolve("grafana/provisioning") + ":/etc/grafana/provisioning",
        observability.resolve("grafana/dashboards") + ":/var/lib/grafana/dashboards");
    assertThat(ports(grafana)).containsExactly(new Port("127.0.0.1", 3000, 3000));
  }

  @Test
  void the_validator_refuses_a_broken_file() throws Exception {
    Path broken = Files.createDirectories(Path.of("target", "compose-check")).resolve("compose.yaml");
    String text = Files.readString(COMPOSE);
    assertThat(text).contains("condition: service_healthy");
    Files.writeString(broken, text.replace("condition: service_healthy", "condition: when_it_feels_like_it"));

    Run check = run(Map.of(), dockerCompose.toString(), "-f", broken.toString(), "config", "-q");
    assertThat(check.exit()).as(check.output()).isNotZero();
    assertThat(check.output()).contains("when_it_feels_like_it");
  }

  /** A published port: host address ("" for every interface), host port, container port. */
  record Port(String host, int published, int target) {}

  private static List<Port> ports(JsonNode service) {
    List<Port> ports = new ArrayList<>();
    for (JsonNode port : service.path("ports")) {
      if (port.isTextual()) { // docker-compose 1.x: [HOST_IP:]PUBLISHED:TARGET[/PROTOCOL]
        String[] parts = port.asText().replaceFirst("/tcp$", "").split(":");
        ports.add(parts.length == 3
            ? new Port(parts[0], Integer.parseInt(parts[1]), Integer.parseInt(parts[2]))
            : new Port("", Integer.parseInt(parts[0]), Integer.parseInt(parts[1])));
      } else { // the long form of the compose specification
        ports.add(new Port(port.path("host_ip").asText(""), port.path("published").asInt(), port.path("target").asInt()));
      }
    }
    return ports;
  }

  /** Bind mounts as SOURCE:TARGET (without :ro). */
  private static List<String> mounts(JsonNode service) {
    List<String> mounts = new ArrayList<>();
    for (JsonNode volume : service.path("volumes")) {
      if (volume.isTextual()) {
        mounts.add(volume.asText().replaceFirst(":(ro|rw)$", ""));
      } else {
        mounts.add(volume.path("source").asText() + ":" + volume.path("target").asText());
      }
    }
    return mounts;
  }

  private static long bytes(JsonNode service, String name) {
    JsonNode limit = service.path("mem_limit");
    if (limit.isMissingNode()) {
      limit = service.path("deploy").path("resources").path("limits").path("memory");
    }
    assertThat(limit.isMissingNode()).as(name + ": mem_limit or deploy.resources.limits.memory").isFalse();
    Matcher m = Pattern.compile("(\\d+)([kmg]?)b?").matcher(limit.asText().toLowerCase());
    assertThat(m.matches()).as(name + ": memory limit " + limit).isTrue();
    long value = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "k" -> value << 10;
      case "m" -> value << 20;
      case "g" -> value << 30;
      default -> value;
    };
  }

  private static double percentage(String flags, String name) {
    Matcher m = MAX_RAM.matcher(flags);
    assertThat(m.find()).as(name + ": -XX:MaxRAMPercentage in " + flags).isTrue();
    assertThat(XMX.matcher(flags).find()).as(name + ": no -Xmx beside MaxRAMPercentage in " + flags).isFalse();
    return Double.parseDouble(m.group(1));
  }

  private static JsonNode config(Map<String, String> env, String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of(options));
    args.add("config");
    Run resolved = compose(env, args.toArray(String[]::new));
    assertThat(resolved.exit()).as(resolved.output()).isZero();
    return new YAMLMapper().readTree(resolved.stdout());
  }

  /** Exit code, standard output (the resolved YAML) and both streams together for messages. */
  private record Run(int exit, String stdout, String output) {}

  private static Run compose(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(dockerCompose.toString(), "-f", COMPOSE.toString()));
    command.addAll(List.of(args));
    return run(env, command.toArray(String[]::new));
  }

  private static Run run(Map<String, String> env, String... command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("docker-compose-", ".out");
    Path err = Files.createTempFile("docker-compose-", ".err");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().remove("CHAT_JWT_SECRET");
      builder.environment().remove("GRAFANA_ADMIN_PASSWORD");
      builder.environment().remove("COMPOSE_PROFILES");
      builder.environment().putAll(env);
      Process process = builder.start();
      boolean done = process.waitFor(60, TimeUnit.SECONDS);
      String stdout = Files.readString(out, StandardCharsets.UTF_8);
      String both = stdout + Files.readString(err, StandardCharsets.UTF_8);
      if (!done) {
        process.destroyForcibly().waitFor();
        fail(String.join(" ", command) + " did not finish within 60 s:\n" + both);
      }
      return new Run(process.exitValue(), stdout, both);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
