package io.rallypoint.launcher;

import io.rallypoint.launcher.tokens.DevSecret;
import io.rallypoint.embedded.EmbeddedKafka;
import io.rallypoint.embedded.EmbeddedPostgres;
import io.rallypoint.embedded.EmbeddedRedis;
import io.rallypoint.gateway.GatewayConfig;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.location.LocationConfig;
import io.rallypoint.location.app.LocationStreamApp;
import io.rallypoint.persister.Persister;
import io.rallypoint.persister.PersisterConfig;
import io.rallypoint.schemas.config.Env;
import io.rallypoint.schemas.db.DatabaseUrl;
import io.rallypoint.schemas.db.Migrations;
import io.rallypoint.schemas.topic.Topic;
import io.rallypoint.schemas.topic.TopicCreator;
import io.rallypoint.schemas.topic.TopicReplication;
import io.rallypoint.schemas.topic.Topics;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
    description = "Run Rallypoint in one process: Kafka, PostgreSQL and Redis (embedded ones, with their data in the "
        + "state folder, unless KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL or REDIS_URL name external ones), the topics, "
        + "the migrations, a demo group, a persister, a location-stream and a gateway. Runs until Ctrl-C.",
    footer = {"", "Environment: KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL, REDIS_URL, CHAT_JWT_SECRET, GATEWAY_PORT (8080),",
        "RALLYPOINT_TOPIC_REPLICATION (1 with one embedded broker, else 3),",
        "PERSISTER_HTTP_PORT (8082), LOCATION_HTTP_PORT (8081), and each service's own settings (see README)."})
final class UpCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(UpCommand.class);

  @Spec
  CommandSpec spec;

  @Option(names = "--partitions", defaultValue = "12", paramLabel = "N",
      description = "Partitions of chat.messages and the other conversation-keyed topics when they are created (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--kafka-port", defaultValue = "9092", paramLabel = "PORT",
      description = "Port of the embedded Kafka broker on 127.0.0.1 (default: ${DEFAULT-VALUE}); unused with KAFKA_BOOTSTRAP_SERVERS.")
  int kafkaPort;

  @Option(names = "--kafka-brokers", defaultValue = "1", paramLabel = "N",
      description = "Embedded Kafka nodes (default: ${DEFAULT-VALUE}, in this process); more run as a cluster of "
          + "`rallypoint kafka` child processes, the first on --kafka-port, with data in <state>/kafka-cluster/.")
  int kafkaBrokers;

  @Option(names = "--postgres-port", defaultValue = "5433", paramLabel = "PORT",
      description = "Port of the embedded PostgreSQL on 127.0.0.1 (default: ${DEFAULT-VALUE}); unused with DATABASE_URL.")
  int postgresPort;

  @Option(names = "--redis-port", defaultValue = "6380", paramLabel = "PORT",
      description = "Port of the embedded Redis on 127.0.0.1 (default: ${DEFAULT-VALUE}); unused with REDIS_URL.")
  int redisPort;

  @Option(names = "--state-dir", defaultValue = "${env:RALLYPOINT_STATE_DIR:-.rallypoint}", paramLabel = "DIR",
      description = "Where embedded servers keep their data (default: ${DEFAULT-VALUE}; env RALLYPOINT_STATE_DIR).")
  Path stateDir;

  @Option(names = "--reset",
      description = "Delete the state folder (every embedded server's data) first, after asking.")
  boolean reset;

  @Option(names = "--yes", description = "With --reset: do not ask.")
  boolean yes;

  /** How long up waits for every service's /health/ready before it says it is up anyway. */
  private static final Duration READY_WAIT = Duration.ofSeconds(60);

  @Override
  public Integer call() throws Exception {
    Env env = Env.system();
    UpConfig config = UpConfig.from(env, stateDir, partitions, kafkaBrokers, new UpConfig.Ports(kafkaPort, postgresPort, redisPort));
    // before anything starts: rallypoint-services.jar runs `up` only against external servers
    if (config.kafkaBootstrap().isEmpty()) {
      EmbeddedServer.KAFKA.require();
    }
    if (config.databaseUrl().isEmpty()) {
      EmbeddedServer.POSTGRES.require();
    }
    if (config.redisUrl().isEmpty()) {
      EmbeddedServer.REDIS.require();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (reset && !StateReset.confirmAndDelete(config.stateDir(), yes, out)) {
      return 1;
    }
    ShutdownSignal signal = ShutdownSignal.install();
    try (Resources resources = new Resources()) {
      String bootstrap = config.kafkaBootstrap().orElseGet(() -> {
        requireFree(config.ports().kafka(), "Kafka", "KAFKA_BOOTSTRAP_SERVERS");
        if (config.kafkaBrokers() > 1) {
          return resources.add("Kafka cluster", KafkaCluster.start(config.stateDir().resolve("kafka-cluster"),
              config.kafkaBrokers(), config.ports().kafka())).bootstrapServers();
        }
        return resources.add("Kafka", EmbeddedKafka.start(config.stateDir().resolve("kafka"), config.ports().kafka()))
            .bootstrapServers();
      });
      String databaseUrl = config.databaseUrl().orElseGet(() -> {
        EmbeddedPostgres.stopLeftover(config.stateDir().resolve("postgres"));
        requireFree(config.ports().postgres(), "PostgreSQL", "DATABASE_URL");
        return resources.add("PostgreSQL",
            EmbeddedPostgres.start(config.stateDir().resolve("postgres"), config.ports().postgres())).databaseUrl();
      });
      String redisUrl = config.redisUrl().orElseGet(() -> {
        EmbeddedRedis.stopLeftover(config.stateDir().resolve("redis"));
        requireFree(config.ports().redis(), "Redis", "REDIS_URL");
        return resources.add("Redis", EmbeddedRedis.start(config.stateDir().resolve("redis"), config.ports().redis()))
            .redisUrl();
      });
      List<String> topics = createTopics(bootstrap, config.partitions(), config.replication());
      DatabaseUrl database = DatabaseUrl.parse(databaseUrl);
      String schemaVersion = Migrations.migrate(database.simpleDataSource());
      DemoGroup.ensure(database.simpleDataSource());

      // every service reads the same variables as when run alone, pointed at what up started
      boolean devSecret = env.optional("CHAT_JWT_SECRET").isEmpty();
      Env services = env.with("KAFKA_BOOTSTRAP_SERVERS", bootstrap)
          .with(TopicReplication.VARIABLE, String.valueOf(config.replication().factor()))
          .with("DATABASE_URL", databaseUrl)
          .with("REDIS_URL", redisUrl)
          .with("CHAT_JWT_SECRET", env.optional("CHAT_JWT_SECRET").orElseGet(() -> DevSecret.loadOrCreate(config.stateDir())))
          .with("LOCATION_STATE_DIR", env.string("LOCATION_STATE_DIR", config.stateDir().resolve("location-stream").toString()))
          // one up per state folder: its services keep their group membership across a crash and restart
          .with("PERSISTER_INSTANCE_ID", env.string("PERSISTER_INSTANCE_ID", instanceId("persister", config.stateDir())))
          .with("LOCATION_INSTANCE_ID", env.string("LOCATION_INSTANCE_ID", instanceId("location-stream", config.stateDir())))
          // a development run: the demo page offers the demo group's members to pick from (GET /demo/users)
          .with("GATEWAY_DEMO_TOKENS", env.string("GATEWAY_DEMO_TOKENS", "true"))
          .with("GATEWAY_DEMO_CONVERSATION", DemoGroup.CONVERSATION);
      Persister persister = resources.add("persister", Persister.start(PersisterConfig.from(services)));
      LocationStreamApp location = resources.add("location-stream", LocationStreamApp.start(LocationConfig.from(services)));
      GatewayConfig gatewayConfig = GatewayConfig.from(services);
      GatewayServer gateway = resources.add("gateway", GatewayServer.start(gatewayConfig));
      String secret = services.optional("CHAT_JWT_SECRET").orElseThrow();
      // "up" means every health check answers 200: each service is doing its job (the persister's
      // loops hold their partitions, Kafka Streams is RUNNING, the gateway reaches its servers)
      Map<String, String> notReady = new ReadyWait().await(Map.of(
          "gateway", URI.create("http://127.0.0.1:" + gateway.port() + "/health/ready"),
          "persister", URI.create("http://127.0.0.1:" + persister.httpPort() + "/health/ready"),
          "location-stream", URI.create("http://127.0.0.1:" + location.httpPort() + "/health/ready")), READY_WAIT);
      notReady.forEach((service, answer) -> out.println("rallypoint up: " + service + " is not ready after "
          + READY_WAIT.toSeconds() + " s (" + answer + "); it follows once its /health/ready answers 200"));
      out.println();
      out.println("Rallypoint is up.");
      out.println("  Gateway     ws://127.0.0.1:" + gateway.port() + "/ws   demo page: http://127.0.0.1:" + gateway.port() + "/");
      out.println("  Kafka       " + bootstrap + where(config.kafkaBootstrap().isEmpty(),
          config.stateDir().resolve(config.kafkaBrokers() > 1 ? "kafka-cluster" : "kafka")));
      out.println("  PostgreSQL  " + database + where(config.databaseUrl().isEmpty(), config.stateDir().resolve("postgres"))
          + ", schema version " + schemaVersion);
      out.println("  Redis       " + redisUrl + where(config.redisUrl().isEmpty(), config.stateDir().resolve("redis")));
      out.println("  Topics      " + String.join(", ", topics) + " (replication " + config.replication().factor()
          + ", min.insync.replicas " + config.replication().minInsyncReplicas() + ")");
      out.println("  Health      gateway http://127.0.0.1:" + gateway.port() + "/health/ready, persister http://127.0.0.1:"
          + persister.httpPort() + "/health/ready, location-stream http://127.0.0.1:" + location.httpPort()
          + "/health/ready (meeting points: /meeting-points/{conversation})");
      if (devSecret) {
        out.println("  JWT secret  " + secret + " (dev secret kept in " + config.stateDir().resolve("dev-jwt-secret")
            + "; set CHAT_JWT_SECRET to choose one)");
      }
      if (gatewayConfig.demoTokens()) {
        out.println("  Demo users  http://127.0.0.1:" + gateway.port() + "/ offers them to pick from (GATEWAY_DEMO_TOKENS=true)");
      }
      out.println("  Demo group '" + DemoGroup.CONVERSATION + "', tokens valid 30 days:");
      DemoGroup.tokens(secret, Instant.now()).forEach((user, token) ->
          out.println("    " + String.format("%-6s", user) + " http://127.0.0.1:" + gateway.port() + "/?conversation="
              + DemoGroup.CONVERSATION + "&token=" + token));
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

  /**
   * A stable name for a service of this up: the same after a restart on the same state folder, and
   * different for another folder or host sharing an external Kafka.
   */
  static String instanceId(String service, Path stateDir) {
    String place = localHost() + ":" + stateDir.toAbsolutePath().normalize();
    return "up-" + service + "-" + Integer.toHexString(place.hashCode());
  }

  private static String localHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }

  private static String where(boolean embedded, Path data) {
    return embedded ? " (embedded, data in " + data + ")" : " (external)";
  }

  private static void requireFree(int port, String what, String variable) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      socket.setReuseAddress(true);
    } catch (Exception e) {
      throw new IllegalStateException("port " + port + " on 127.0.0.1 is taken, so the embedded " + what
          + " cannot start there: stop what runs there, choose another port (see --help), or set " + variable
          + " to use that server");
    }
  }

  private static List<String> createTopics(String bootstrap, int partitions, TopicReplication replication) {
    List<Topic<String, ?>> topics = Topics.ALL.stream()
        .map(t -> t.partitions() == Topics.DEFAULT_PARTITIONS ? t.withPartitions(partitions) : t)
        .<Topic<String, ?>>map(t -> t)
        .toList();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      TopicCreator.ensure(admin, topics, replication);
    }
    return topics.stream().map(Topic::name).toList();
  }


}
