package io.rallypoint.testsupport;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import io.rallypoint.embedded.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Redis Cluster for one test class: three masters and three replicas, {@code redis-server}
 * processes (the binary on the {@code PATH}) on 127.0.0.1, made one cluster with
 * {@code redis-cli --cluster create}. Ready once every node says {@code cluster_state:ok} and every
 * replica is in sync with its master. {@link #killMasterOf} kills a master with SIGKILL and waits
 * for its replica's promotion. At the end every node is stopped (SIGTERM) and its folder deleted.
 *
 * <pre>{@code @RegisterExtension static final RedisClusterFixture cluster = new RedisClusterFixture();}</pre>
 */
public final class RedisClusterFixture implements BeforeAllCallback, AfterAllCallback {

  private static final int MASTERS = 3;
  private static final int NODES = MASTERS * 2;
  /** How long a master may be unreachable before its replica takes over (Redis' default is 15 s). */
  private static final int NODE_TIMEOUT_MILLIS = 2_000;
  private static final Duration READY_WITHIN = Duration.ofSeconds(60);

  private final List<Node> nodes = new ArrayList<>();
  private Path dir;

  /** One {@code redis-server} of the cluster. */
  private record Node(int port, Process process) {
    boolean alive() {
      return process.isAlive();
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  /** Starts the cluster (the extension does it before the class's tests). */
  public void start() {
    dir = ScratchDir.create("rallypoint-redis-cluster-");
    ScratchDir.stopAtExit(this::stopProcesses, dir, "redis-cluster-fixture-cleanup");
    int[] ports = FreePorts.distinct(NODES * 2);
    try {
      for (int i = 0; i < NODES; i++) {
        nodes.add(startNode(ports[i], ports[NODES + i]));
      }
      for (Node node : nodes) {
        await("node " + node.port() + " answers", () -> "PONG".equals(onNode(node.port(), c -> c.sync().ping())));
      }
      List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
      nodes.forEach(node -> create.add("127.0.0.1:" + node.port()));
      create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
      run(create);
      await("every node is in a healthy cluster with 3 synced replicas", this::healthy);
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
  }

  private Node startNode(int port, int busPort) {
    Path nodeDir = dir.resolve("node-" + port);
    try {
      Files.createDirectories(nodeDir);
      Process process = new ProcessBuilder("redis-server",
          "--port", Integer.toString(port), "--cluster-port", Integer.toString(busPort), "--bind", "127.0.0.1",
          "--cluster-enabled", "yes", "--cluster-config-file", nodeDir.resolve("nodes.conf").toString(),
          "--cluster-node-timeout", Integer.toString(NODE_TIMEOUT_MILLIS), "--dir", nodeDir.toString(),
          "--save", "", "--appendonly", "no", "--protected-mode", "no")
          .redirectErrorStream(true)
          .redirectOutput(nodeDir.resolve("redis.log").toFile())
          .start();
      return new Node(port, process);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start redis-server (is it on the PATH?) on port " + port, e);
    }
  }

  /** {@code REDIS_URL} of the cluster: every master and replica as a seed node. */
  public String url() {
    return "redis-cluster://" + nodes.stream().map(node -> "127.0.0.1:" + node.port()).collect(Collectors.joining(","));
  }

  /** The cluster's nodes as Lettuce seed URIs. */
  public List<RedisURI> uris() {
    return nodes.stream().map(node -> RedisURI.create("127.0.0.1", node.port())).toList();
  }

  /** The port of the live master serving {@code key}'s slot, as the live nodes see it. */
  public int masterOf(String key) {
    int slot = SlotHash.getSlot(key);
    for (Node node : live()) {
      Optional<Integer> master = masterOfSlot(node.port(), slot);
      if (master.isPresent() && isLive(master.get())) {
        return master.get();
      }
    }
    throw new IllegalStateException("no live master serves slot " + slot);
  }

  /**
   * Kills the master serving {@code key}'s slot (SIGKILL: no goodbye to the cluster or its clients)
   * and waits until its replica is the slot's master and the cluster is {@code ok} again. Returns
   * the new master's port.
   */
  public int killMasterOf(String key) {
    int old = masterOf(key);
    Node victim = nodes.stream().filter(node -> node.port() == old).findFirst().orElseThrow();
    victim.process().destroyForcibly(); // SIGKILL on Unix
    try {
      victim.process().waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    int slot = SlotHash.getSlot(key);
    await("a replica took over slot " + slot + " from " + old, () -> live().stream().allMatch(node ->
        masterOfSlot(node.port(), slot).filter(port -> port != old).isPresent()
            && clusterInfo(node.port()).contains("cluster_state:ok")));
    return masterOf(key);
  }

  /** The live nodes' ports. */
  public List<Integer> livePorts() {
    return live().stream().map(Node::port).toList();
  }

  private List<Node> live() {
    return nodes.stream().filter(Node::alive).toList();
  }

  private boolean isLive(int port) {
    return nodes.stream().anyMatch(node -> node.port() == port && node.alive());
  }

  private boolean healthy() {
    int masters = 0;
    int syncedReplicas = 0;
    for (Node node : nodes) {
      if (!clusterInfo(node.port()).contains("cluster_state:ok")) {
        return false;
      }
      String replication = onNode(node.port(), c -> c.sync().info("replication"));
      if (replication.contains("role:master")) {
        masters++;
      } else if (replication.contains("master_link_status:up")) {
        syncedReplicas++;
      }
    }
    return masters == MASTERS && syncedReplicas == MASTERS;
  }

  private String clusterInfo(int port) {
    return onNode(port, c -> c.sync().clusterInfo());
  }

  /** The master of a slot as the node on {@code port} sees it ({@code CLUSTER SHARDS} without extra parsing: CLUSTER NODES). */
  private Optional<Integer> masterOfSlot(int port, int slot) {
    String table = onNode(port, c -> c.sync().clusterNodes());
    for (String line : table.split("\n")) {
      String[] fields = line.trim().split(" ");
      if (fields.length < 9 || !fields[2].contains("master") || fields[2].contains("fail")) {
        continue;
      }
      for (int i = 8; i < fields.length; i++) {
        if (fields[i].startsWith("[")) {
          continue; // a slot being migrated
        }
        String[] range = fields[i].split("-");
        int from = Integer.parseInt(range[0]);
        int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
        if (slot >= from && slot <= to) {
          String address = fields[1].split("@")[0];
          return Optional.of(Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)));
        }
      }
    }
    return Optional.empty();
  }

  private static <T> T onNode(int port, Function<StatefulRedisConnection<String, String>, T> call) {
    RedisURI uri = RedisURI.builder().withHost("127.0.0.1").withPort(port).withTimeout(Duration.ofSeconds(2)).build();
    try (RedisClient client = RedisClient.create(uri); StatefulRedisConnection<String, String> connection = client.connect()) {
      return call.apply(connection);
    }
  }

  private static void run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command.get(0) + " (is it on the PATH?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits for {@code condition}, asking again every 100 ms; a node that does not answer yet counts as no. */
  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        last = e;
      }
      try {
        Thread.sleep(100); // polling a server that is on its way: there is no event to wait for
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("Redis Cluster: timed out waiting until " + what, last);
  }

  /** Stops every node (SIGTERM, then SIGKILL after 10 s) and deletes the cluster's folder. */
  public void stop() {
    stopProcesses();
    if (dir != null) {
      ScratchDir.deleteRecursively(dir);
    }
  }

  private void stopProcesses() {
    for (Node node : nodes) {
      node.process().destroy(); // SIGTERM
    }
    for (Node node : nodes) {
      try {
        if (!node.process().waitFor(10, TimeUnit.SECONDS)) {
          node.process().destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
