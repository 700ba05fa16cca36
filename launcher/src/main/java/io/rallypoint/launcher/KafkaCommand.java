package io.rallypoint.launcher;

import io.rallypoint.embedded.EmbeddedKafka;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rallypoint kafka}: one Kafka node (broker and controller) in this process, alone or one of a cluster. */
@Command(
    name = "kafka",
    mixinStandardHelpOptions = true,
    description = "Run one embedded Kafka node (KRaft broker and controller in one) on 127.0.0.1 until SIGTERM or "
        + "Ctrl-C. Alone it is its own quorum; for a cluster start one per node, each with its own --node-id, ports "
        + "and --data-dir, and all with the same --controller-quorum-voters and --cluster-id.")
final class KafkaCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--node-id", defaultValue = "1", paramLabel = "ID",
      description = "This node's id, one of the voters' ids (default: ${DEFAULT-VALUE}).")
  int nodeId;

  @Option(names = "--port", defaultValue = "9092", paramLabel = "PORT",
      description = "Client port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--controller-port", defaultValue = "9093", paramLabel = "PORT",
      description = "Controller port on 127.0.0.1, this node's port in the voters (default: ${DEFAULT-VALUE}).")
  int controllerPort;

  @Option(names = "--controller-quorum-voters", paramLabel = "ID@HOST:PORT,...",
      description = "The static quorum, e.g. 1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097 (default: this node alone).")
  String voters;

  @Option(names = "--cluster-id", paramLabel = "ID",
      description = "The cluster id the data directory is formatted with; every node of one cluster needs the same "
          + "(a base64 UUID, e.g. from a first node's log). Required with more than one voter; alone: a new one.")
  String clusterId;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Where this node keeps its data; reused on restart (default: .rallypoint/kafka-<node id>).")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    EmbeddedServer.KAFKA.require();
    EmbeddedKafka.Node node = node();
    PrintWriter out = spec.commandLine().getOut();
    ShutdownSignal signal = ShutdownSignal.install();
    try (Resources resources = new Resources()) {
      EmbeddedKafka kafka = resources.add("Kafka node " + nodeId, EmbeddedKafka.start(node));
      out.println("Kafka node " + nodeId + " is up at " + kafka.bootstrapServers() + " (cluster " + node.clusterId()
          + ", voters " + node.voters() + ", data in " + kafka.dataDir() + ").");
      out.flush();
      signal.await(List.of());
      out.println("Stopping Kafka node " + nodeId + "...");
      out.flush();
    }
    out.println("Stopped.");
    out.flush();
    return 0;
  }

  EmbeddedKafka.Node node() {
    String quorum = voters == null || voters.isBlank() ? nodeId + "@127.0.0.1:" + controllerPort : voters.trim();
    boolean alone = !quorum.contains(",");
    if (!alone && (clusterId == null || clusterId.isBlank())) {
      throw new IllegalArgumentException("--cluster-id is required with several --controller-quorum-voters: every "
          + "node of one cluster must be formatted with the same id");
    }
    String id = clusterId == null || clusterId.isBlank() ? EmbeddedKafka.newClusterId() : clusterId.trim();
    Path dir = dataDir == null ? Path.of(".rallypoint", "kafka-" + nodeId) : dataDir;
    return new EmbeddedKafka.Node(nodeId, port, controllerPort, quorum, id, dir.toAbsolutePath().normalize());
  }
}
