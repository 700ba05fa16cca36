package io.rallypoint.launcher;

import io.rallypoint.embedded.EmbeddedKafka;
import io.rallypoint.embedded.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka cluster of {@code rallypoint kafka} nodes, each in a child process of this same jar, one
 * static quorum (every node broker and controller). Each node's data and log live in
 * {@code <dir>/kafka-<id>/}; the cluster id is kept in {@code <dir>/kafka-cluster-id} so a restart
 * on the same folder finds the same cluster. Closing stops every node with SIGTERM and waits.
 */
final class KafkaCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaCluster.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(300);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
  /** Each node's JVM: a dev cluster on one machine, three of them beside the services. */
  private static final List<String> NODE_JVM = List.of("-Xmx256m", "-XX:+UseSerialGC");

  private final Path dir;
  private final String clusterId;
  private final Map<Integer, List<String>> arguments = new TreeMap<>();
  private final Map<Integer, Process> processes = new TreeMap<>();
  private final String bootstrapServers;

  private KafkaCluster(Path dir, String clusterId, int[] clientPorts, int[] controllerPorts) {
    this.dir = dir;
    this.clusterId = clusterId;
    int nodes = clientPorts.length;
    List<String> voters = new ArrayList<>();
    List<String> bootstrap = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      voters.add((i + 1) + "@127.0.0.1:" + controllerPorts[i]);
      bootstrap.add("127.0.0.1:" + clientPorts[i]);
    }
    for (int i = 0; i < nodes; i++) {
      int id = i + 1;
      arguments.put(id, List.of("kafka", "--node-id", String.valueOf(id), "--port", String.valueOf(clientPorts[i]),
          "--controller-port", String.valueOf(controllerPorts[i]), "--controller-quorum-voters", String.join(",", voters),
          "--cluster-id", clusterId, "--data-dir", dir.resolve("kafka-" + id).toString()));
    }
    this.bootstrapServers = String.join(",", bootstrap);
  }

  /**
   * Starts {@code nodes} nodes, the first serving clients on {@code firstPort} (0: a free port), the
   * others and every controller on free ports, and returns once all are registered brokers.
   */
  static KafkaCluster start(Path dir, int nodes, int firstPort) {
    if (nodes < 1 || nodes > 9) {
      throw new IllegalArgumentException("--kafka-brokers must be 1..9: " + nodes);
    }
    int[] ports = FreePorts.distinct(2 * nodes, firstPort);
    int[] clientPorts = new int[nodes];
    int[] controllerPorts = new int[nodes];
    for (int i = 0; i < nodes; i++) {
      clientPorts[i] = i == 0 && firstPort != 0 ? firstPort : ports[i];
      controllerPorts[i] = ports[nodes + i];
    }
    KafkaCluster cluster = new KafkaCluster(dir, clusterId(dir), clientPorts, controllerPorts);
    try {
      for (int id : cluster.arguments.keySet()) {
        cluster.startNode(id);
      }
      cluster.awaitAllBrokers();
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    LOG.info("Kafka cluster {} of {} nodes ready at {}", cluster.clusterId, nodes, cluster.bootstrapServers);
    return cluster;
  }

  /** Every node's {@code host:port}, for {@code bootstrap.servers}. */
  String bootstrapServers() {
    return bootstrapServers;
  }

  /** The node ids, 1..n. */
  List<Integer> nodeIds() {
    return List.copyOf(arguments.keySet());
  }

  /** SIGKILL to one node: it gets no chance to close anything. */
  void kill(int nodeId) throws InterruptedException {
    Process process = processes.get(nodeId);
    process.destroyForcibly();
    process.waitFor();
  }

  /** Starts a stopped or killed node again with the same flags, and waits until it is a broker again. */
  void restart(int nodeId) {
    if (processes.get(nodeId).isAlive()) {
      throw new IllegalStateException("Kafka node " + nodeId + " is still running");
    }
    startNode(nodeId);
    awaitAllBrokers();
  }

  /** The process of one node (tests). */
  Process process(int nodeId) {
    return processes.get(nodeId);
  }

  @Override
  public void close() {
    processes.values().forEach(Process::destroy); // SIGTERM to all at once: they stop together
    for (Map.Entry<Integer, Process> node : processes.entrySet()) {
      try {
        if (!node.getValue().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          LOG.warn("Kafka node {} did not stop within {} s of SIGTERM; killing it", node.getKey(), STOP_TIMEOUT.toSeconds());
          node.getValue().destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        node.getValue().destroyForcibly();
      }
    }
  }

  private void startNode(int id) {
    List<String> command = SelfJar.command(NODE_JVM, arguments.get(id));
    Path log = dir.resolve("kafka-" + id + ".log");
    try {
      Files.createDirectories(dir);
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      processes.put(id, process);
      LOG.info("Started Kafka node {} (pid {}, log {})", id, process.pid(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Kafka node " + id + ": " + command, e);
    }
  }

  private void awaitAllBrokers() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (true) {
      for (Map.Entry<Integer, Process> node : processes.entrySet()) {
        if (!node.getValue().isAlive()) {
          throw new IllegalStateException("Kafka node " + node.getKey() + " exited with " + node.getValue().exitValue()
              + "; see " + dir.resolve("kafka-" + node.getKey() + ".log"));
        }
      }
      try {
        EmbeddedKafka.awaitBrokers(bootstrapServers, processes.size(), Duration.ofSeconds(5));
        return;
      } catch (IllegalStateException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the Kafka cluster at " + bootstrapServers + " is not ready after "
              + READY_TIMEOUT.toSeconds() + " s; see the logs in " + dir, e);
        }
      }
    }
  }

  private static String clusterId(Path dir) {
    Path file = dir.resolve("kafka-cluster-id");
    try {
      if (Files.exists(file)) {
        return Files.readString(file, StandardCharsets.UTF_8).trim();
      }
      Files.createDirectories(dir);
      String id = EmbeddedKafka.newClusterId();
      Files.writeString(file, id + System.lineSeparator(), StandardCharsets.UTF_8);
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the cluster id in " + file, e);
    }
  }
}
