package io.rallypoint.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker in this JVM: one KRaft node that is both broker and controller, listening on
 * 127.0.0.1. Alone ({@link #start(Path, int)}) it is its own quorum; as one node of a cluster
 * ({@link #start(Node)}) it is one voter of a static quorum whose other nodes run in their own
 * processes. Its log directory is formatted the first time and reused afterwards, so data
 * survives a restart when the same directory is given again.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final String HOST = "127.0.0.1";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final Path dataDir;

  private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, Path dataDir) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.dataDir = dataDir;
  }

  /**
   * Starts a broker keeping its data in {@code dataDir}, serving clients on {@code port} (0: any
   * free port), and returns once it answers a metadata request. Ports chosen here (the client port
   * when 0, the controller's on a first start) are chosen afresh when the broker cannot bind them.
   */
  public static EmbeddedKafka start(Path dataDir, int port) {
    Path configFile = dataDir.resolve("server.properties");
    // The controller's address is written into the formatted log directory: keep it across restarts.
    int previousController = previousControllerPort(configFile);
    boolean ours = port == 0 || previousController == 0;
    RuntimeException last = null;
    for (int attempt = 0; attempt < (ours ? FreePorts.ATTEMPTS : 1); attempt++) {
      int[] chosen = FreePorts.distinct(2, port, previousController);
      int brokerPort = port == 0 ? chosen[0] : port;
      int controllerPort = previousController == 0 ? chosen[1] : previousController;
      try {
        return startAlone(dataDir, brokerPort, controllerPort);
      } catch (RuntimeException e) {
        last = e;
        if (previousController == 0) {
          forgetFirstStart(dataDir); // its format holds the controller port that could not be bound
        }
        LOG.warn("Embedded Kafka could not start on ports {} and {} ({}){}", brokerPort, controllerPort,
            e.getMessage(), ours ? "; trying other ports" : "");
      }
    }
    throw last;
  }

  /**
   * One node of a cluster whose controllers are a static quorum, each node broker and controller at
   * once: all nodes of one cluster name the same voters and the same cluster id.
   *
   * @param nodeId         this node's id, one of the voters' ids
   * @param clientPort     where clients (and the other brokers) connect, on 127.0.0.1
   * @param controllerPort where the controllers talk, on 127.0.0.1; must be this node's voter port
   * @param voters         {@code controller.quorum.voters}: {@code id@host:port,...}, this node included
   * @param clusterId      the id every node's log directory is formatted with (a base64 UUID)
   * @param dataDir        where this node keeps its data
   */
  public record Node(int nodeId, int clientPort, int controllerPort, String voters, String clusterId, Path dataDir) {
    public Node {
      if (nodeId < 0) {
        throw new IllegalArgumentException("node id must not be negative: " + nodeId);
      }
      for (int port : new int[] {clientPort, controllerPort}) {
        if (port < 1 || port > 65_535) {
          throw new IllegalArgumentException("ports must be 1..65535: " + port);
        }
      }
      if (clientPort == controllerPort) {
        throw new IllegalArgumentException("the client port and the controller port must differ: " + clientPort);
      }
      Uuid.fromString(clusterId); // a clear error for a cluster id Kafka would refuse to format
      String self = nodeId + "@";
      boolean listed = false;
      for (String voter : voters.split(",")) {
        String v = voter.trim();
        if (!v.matches("\\d+@[^:@]+:\\d+")) {
          throw new IllegalArgumentException("controller quorum voter '" + v + "' is not id@host:port");
        }
        if (v.startsWith(self)) {
          listed = true;
          if (!v.endsWith(":" + controllerPort)) {
            throw new IllegalArgumentException("voter " + v + " is this node but not its controller port " + controllerPort);
          }
        }
      }
      if (!listed) {
        throw new IllegalArgumentException("node " + nodeId + " is not among the controller quorum voters " + voters);
      }
    }

    /** How many voters (and so brokers) the cluster has. */
    public int clusterSize() {
      return voters.split(",").length;
    }
  }

  /** A new cluster id, for {@link Node#clusterId()}. */
  public static String newClusterId() {
    return Uuid.randomUuid().toString();
  }

  /**
   * Starts one node of a static-quorum cluster on its fixed ports and returns once it answers a
   * metadata request (which needs a majority of the voters up: start them together).
   */
  public static EmbeddedKafka start(Node node) {
    Path logDir = node.dataDir().resolve("kraft-logs");
    Properties props = brokerProperties(logDir, node.nodeId(), node.clientPort(), node.controllerPort(),
        node.clusterSize());
    props.remove("controller.quorum.bootstrap.servers");
    props.put("controller.quorum.voters", node.voters());
    return start(node.dataDir(), props, node.clientPort(), node.clusterId(), false);
  }

  private static EmbeddedKafka startAlone(Path dataDir, int brokerPort, int controllerPort) {
    Properties props = brokerProperties(dataDir.resolve("kraft-logs"), 1, brokerPort, controllerPort, 1);
    return start(dataDir, props, brokerPort, Uuid.randomUuid().toString(), true);
  }

  private static EmbeddedKafka start(Path dataDir, Properties props, int brokerPort, String clusterId, boolean standalone) {
    Path logDir = dataDir.resolve("kraft-logs");
    try {
      Files.createDirectories(logDir);
      formatOnce(logDir, props, dataDir.resolve("server.properties"), clusterId, standalone);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Kafka data directory " + dataDir, e);
    }
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    String bootstrap = HOST + ":" + brokerPort;
    EmbeddedKafka kafka = new EmbeddedKafka(server, bootstrap, dataDir);
    try {
      server.startup();
      kafka.awaitReady();
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
    LOG.info("Embedded Kafka broker ready at {} (data in {})", bootstrap, dataDir);
    return kafka;
  }

  /**
   * Waits until the cluster at {@code bootstrapServers} has {@code brokers} registered, unfenced
   * brokers (the ones a metadata answer lists).
   */
  public static void awaitBrokers(String bootstrapServers, int brokers, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = 0;
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000))) {
      while (System.nanoTime() < deadline) {
        try {
          seen = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size();
          if (seen >= brokers) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          // not answering yet
        }
        Thread.sleep(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Kafka brokers", e);
    }
    throw new IllegalStateException("Kafka at " + bootstrapServers + " has " + seen + " of " + brokers
        + " brokers after " + timeout.toSeconds() + " s");
  }

  /** {@code host:port} for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Where the broker keeps its data. */
  public Path dataDir() {
    return dataDir;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }

  private static Properties brokerProperties(Path logDir, int nodeId, int brokerPort, int controllerPort, int nodes) {
    // Internal topics (offsets, transaction state) and topics created without settings get three
    // replicas, two in sync, once there are three nodes; a single node has one of each.
    String replicas = String.valueOf(Math.min(3, nodes));
    String minInsync = nodes >= 3 ? "2" : "1";
    Properties props = new Properties();
    props.putAll(Map.ofEntries(
        Map.entry("process.roles", "broker,controller"),
        Map.entry("node.id", String.valueOf(nodeId)),
        Map.entry("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort),
        Map.entry("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort),
        Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
        Map.entry("controller.listener.names", "CONTROLLER"),
        Map.entry("inter.broker.listener.name", "PLAINTEXT"),
        Map.entry("controller.quorum.bootstrap.servers", HOST + ":" + controllerPort),
        Map.entry("log.dirs", logDir.toAbsolutePath().toString()),
        // More replicas than nodes and consumers never receive (their offsets topic is never created).
        Map.entry("offsets.topic.replication.factor", replicas),
        Map.entry("offsets.topic.num.partitions", "12"),
        Map.entry("transaction.state.log.replication.factor", replicas),
        Map.entry("transaction.state.log.min.isr", minInsync),
        Map.entry("transaction.state.log.num.partitions", "12"),
        Map.entry("share.coordinator.state.topic.replication.factor", replicas),
        Map.entry("share.coordinator.state.topic.min.isr", minInsync),
        Map.entry("default.replication.factor", replicas),
        Map.entry("min.insync.replicas", minInsync),
        // Rebalances start at once: a dev or test cluster, nobody else to wait for.
        Map.entry("group.initial.rebalance.delay.ms", "0"),
        // After a kill -9 the restarted node must not wait for its own earlier incarnation: the
        // controller refuses the new registration until the old broker session expires (default 9 s,
        // which delayed every restart after a crash by as much).
        Map.entry("broker.heartbeat.interval.ms", "500"),
        Map.entry("broker.session.timeout.ms", "2000"),
        // A transaction left open by a killed producer (a location-stream's exactly-once commit) holds
        // back read_committed readers until it is aborted: look for timed-out ones every second
        // instead of every 10 s.
        Map.entry("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000"),
        // Topics are created on purpose (rallypoint up, test fixtures), never by a typo.
        Map.entry("auto.create.topics.enable", "false"),
        // The log cleaner's key map is one heap array of this size, held for the broker's life.
        // Kafka's default (128 MiB) doubled the live heap of `up` and kept G1 marking without end;
        // 16 MiB still maps about 600,000 keys per pass, far more than a single node's compacted
        // topics (consumer offsets, Streams changelogs) hold.
        Map.entry("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024))));
    return props;
  }

  /** Formats the log directory the first time; afterwards its meta.properties holds the cluster id. */
  private static void formatOnce(Path logDir, Properties props, Path configFile, String clusterId, boolean standalone)
      throws IOException {
    try (OutputStream out = Files.newOutputStream(configFile)) {
      props.store(out, "written by rallypoint for the embedded broker");
    }
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int exit;
    // Alone: a dynamic quorum of one (--standalone). In a cluster: the static voters of the config.
    String[] args = standalone
        ? new String[] {"format", "--standalone", "-t", clusterId, "-c", configFile.toString()}
        : new String[] {"format", "-t", clusterId, "-c", configFile.toString()};
    try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      exit = StorageTool.execute(args, out);
    }
    if (exit != 0) {
      throw new IllegalStateException("formatting " + logDir + " failed: " + output.toString(StandardCharsets.UTF_8));
    }
  }

  private void awaitReady() {
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis()))) {
      admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Kafka", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Kafka at " + bootstrapServers + " did not become ready", e);
    }
  }

  private static void forgetFirstStart(Path dataDir) {
    try (var paths = Files.walk(dataDir.resolve("kraft-logs"))) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
      Files.deleteIfExists(dataDir.resolve("server.properties"));
    } catch (java.nio.file.NoSuchFileException ignored) {
      // nothing was formatted
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear the failed first start in " + dataDir, e);
    }
  }

  private static int previousControllerPort(Path configFile) {
    if (!Files.exists(configFile)) {
      return 0;
    }
    Properties previous = new Properties();
    try (var in = Files.newInputStream(configFile)) {
      previous.load(in);
    } catch (IOException e) {
      return 0;
    }
    String voters = previous.getProperty("controller.quorum.bootstrap.servers", "");
    int colon = voters.lastIndexOf(':');
    return colon < 0 ? 0 : Integer.parseInt(voters.substring(colon + 1).trim());
  }

}
