package io.rallypoint.launcher;

import io.rallypoint.embedded.EmbeddedKafka;
import io.rallypoint.gateway.GatewayConfig;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.location.LocationConfig;
import io.rallypoint.location.app.LocationStreamApp;
import io.rallypoint.persister.Persister;
import io.rallypoint.persister.PersisterConfig;
import io.rallypoint.schemas.config.Env;
import io.rallypoint.schemas.db.Migrations;
import io.rallypoint.schemas.topic.Topic;
import io.rallypoint.schemas.topic.TopicCreator;
import io.rallypoint.schemas.topic.Topics;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rallypoint up}: everything in one process, on embedded defaults unless the environment names servers. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = "Run Rallypoint in one process: starts a Kafka broker on 127.0.0.1:9092 unless "
        + "KAFKA_BOOTSTRAP_SERVERS is set, creates the topics, migrates DATABASE_URL (default: the local "
        + "PostgreSQL, postgresql://postgres@127.0.0.1:5432/test), and runs until Ctrl-C.",
    footer = {"", "Environment: KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL (see README)."})
final class UpCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(UpCommand.class);

  @Spec
  CommandSpec spec;

  @Option(names = "--partitions", defaultValue = "12", paramLabel = "N",
      description = "Partitions of chat.messages and the other conversation-keyed topics when they are created (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--kafka-port", defaultValue = "9092", paramLabel = "PORT",
      description = "Port of the embedded Kafka broker on 127.0.0.1 (default: ${DEFAULT-VALUE}); ignored with KAFKA_BOOTSTRAP_SERVERS.")
  int kafkaPort;

  @Option(names = "--state-dir", defaultValue = "${env:RALLYPOINT_STATE_DIR:-.rallypoint}", paramLabel = "DIR",
      description = "Where embedded servers keep their data (default: ${DEFAULT-VALUE}; env RALLYPOINT_STATE_DIR).")
  Path stateDir;

  @Override
  public Integer call() throws Exception {
    Env env = Env.system();
    UpConfig config = UpConfig.from(env, stateDir, partitions, kafkaPort);
    ShutdownSignal signal = ShutdownSignal.install();
    PrintWriter out = spec.commandLine().getOut();
    try (Resources resources = new Resources()) {
      String bootstrap = config.kafkaBootstrap().orElseGet(() -> startKafka(config, resources));
      List<String> topics = createTopics(bootstrap, config.partitions());
      String schemaVersion = Migrations.migrate(config.database().simpleDataSource());
      // every service reads the same variables as when run alone, pointed at what up started
      boolean devSecret = env.optional("CHAT_JWT_SECRET").isEmpty();
      Env services = env.with("KAFKA_BOOTSTRAP_SERVERS", bootstrap)
          .with("DATABASE_URL", config.databaseUrlForServices())
          .with("CHAT_JWT_SECRET", env.optional("CHAT_JWT_SECRET").orElseGet(() -> DevSecret.loadOrCreate(config.stateDir())));
      Persister persister = resources.add("persister", Persister.start(PersisterConfig.from(services)));
      LocationStreamApp location = resources.add("location-stream", LocationStreamApp.start(LocationConfig.from(
          services.with("LOCATION_STATE_DIR", env.string("LOCATION_STATE_DIR",
              config.stateDir().resolve("location-stream").toString())))));
      GatewayServer gateway = resources.add("gateway", GatewayServer.start(GatewayConfig.from(services)));

      out.println();
      out.println("Rallypoint is up.");
      out.println("  Kafka       " + bootstrap + (config.kafkaBootstrap().isPresent() ? " (external)" : " (embedded, data in "
          + config.stateDir().resolve("kafka") + ")"));
      out.println("  Topics      " + String.join(", ", topics));
      out.println("  PostgreSQL  " + config.database() + " (schema version " + schemaVersion + ")");
      out.println("  Gateway     ws://127.0.0.1:" + gateway.port() + "/ws (health: http://127.0.0.1:" + gateway.port()
          + "/health/ready)");
      out.println("  Persister   health and metrics on http://127.0.0.1:" + persister.httpPort() + "/health/ready");
      out.println("  Location    meeting points on http://127.0.0.1:" + location.httpPort()
          + "/meeting-points/{conversation}");
      if (devSecret) {
        out.println("  JWT secret  " + services.optional("CHAT_JWT_SECRET").orElseThrow()
            + " (dev secret kept in " + config.stateDir().resolve("dev-jwt-secret") + "; set CHAT_JWT_SECRET to choose one)");
      }
      out.println("Press Ctrl-C to stop.");
      out.flush();

      signal.await(List.of(persister.failure()));
      out.println("Stopping...");
      out.flush();
    }
    out.println("Stopped.");
    out.flush();
    return 0;
  }

  private static String startKafka(UpConfig config, Resources resources) {
    int port = config.kafkaPort();
    if (!portFree(port)) {
      throw new IllegalStateException("port " + port + " on 127.0.0.1 is taken: stop what runs there, "
          + "or set KAFKA_BOOTSTRAP_SERVERS to use that cluster");
    }
    log.info("Starting the embedded Kafka broker on 127.0.0.1:{}", port);
    return resources.add("Kafka", EmbeddedKafka.start(config.stateDir().resolve("kafka"), port)).bootstrapServers();
  }

  private static List<String> createTopics(String bootstrap, int partitions) {
    List<Topic<String, ?>> topics = Topics.ALL.stream()
        .map(t -> t.partitions() == Topics.DEFAULT_PARTITIONS ? t.withPartitions(partitions) : t)
        .<Topic<String, ?>>map(t -> t)
        .toList();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      TopicCreator.ensure(admin, topics);
    }
    return topics.stream().map(Topic::name).toList();
  }

  private static boolean portFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.isBound();
    } catch (Exception e) {
      return false;
    }
  }
}
