package io.rallypoint.launcher;

import io.rallypoint.schemas.config.Env;
import io.rallypoint.schemas.topic.Topic;
import io.rallypoint.schemas.topic.TopicAudit;
import io.rallypoint.schemas.topic.TopicCreator;
import io.rallypoint.schemas.topic.TopicDiff;
import io.rallypoint.schemas.topic.TopicReplication;
import io.rallypoint.schemas.topic.Topics;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rallypoint topics}: creates the registry's missing topics and checks the others against it. */
@Command(
    name = "topics",
    mixinStandardHelpOptions = true,
    description = "Create the missing topics of PROTOCOL section 2 and check every existing one against the registry "
        + "(partitions, replication factor, retention.ms, cleanup.policy, min.insync.replicas), one line per "
        + "difference. --apply fixes the topic settings; partition counts are never changed (it would break "
        + "per-conversation order) and replication factors are left to a reassignment. Exit status 0 when "
        + "everything matches (after --apply), 1 when differences remain.",
    footer = {"", "Environment: KAFKA_BOOTSTRAP_SERVERS (or --bootstrap-servers), RALLYPOINT_TOPIC_REPLICATION (or --replication)."})
final class TopicsCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...",
      description = "The cluster (default: KAFKA_BOOTSTRAP_SERVERS).")
  String bootstrapServers;

  @Option(names = "--partitions", defaultValue = "" + Topics.DEFAULT_PARTITIONS, paramLabel = "N",
      description = "Partitions of every topic (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--replication", paramLabel = "N",
      description = "Replication factor; min.insync.replicas is 2 from 3 on, else 1 (default: RALLYPOINT_TOPIC_REPLICATION, else 3).")
  Integer replication;

  @Option(names = "--apply", description = "Fix the topic settings that differ (incrementalAlterConfigs).")
  boolean apply;

  @Override
  public Integer call() {
    Env env = Env.system();
    String bootstrap = bootstrapServers != null && !bootstrapServers.isBlank() ? bootstrapServers.trim()
        : env.optional("KAFKA_BOOTSTRAP_SERVERS").orElseThrow(() ->
            new IllegalArgumentException("no cluster: set KAFKA_BOOTSTRAP_SERVERS or --bootstrap-servers"));
    if (partitions < 1 || partitions > 1_000) {
      throw new IllegalArgumentException("--partitions must be 1..1000: " + partitions);
    }
    TopicReplication factor = replication != null ? TopicReplication.of(replication)
        : TopicReplication.from(env, TopicReplication.CLUSTER);
    List<Topic<String, ?>> topics = Topics.ALL.stream()
        .<Topic<String, ?>>map(t -> t.withPartitions(partitions).withReplication(factor))
        .toList();
    PrintWriter out = spec.commandLine().getOut();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Set<String> created = TopicCreator.create(admin, topics);
      created.forEach(name -> out.println(name + ": created (" + partitions + " partitions, replication "
          + factor.factor() + ", min.insync.replicas " + factor.minInsyncReplicas() + ")"));
      List<TopicDiff.Difference> differences = TopicAudit.check(admin, topics);
      differences.forEach(d -> out.println(d.line()));
      if (apply && !differences.isEmpty()) {
        TopicAudit.applyConfigs(admin, differences).forEach(d -> out.println(d.topic() + ": " + d.what() + " set to "
            + (d.expected() == null ? "the broker's default" : d.expected())));
        differences = recheck(admin, topics);
        differences.forEach(d -> out.println("still different: " + d.line()));
      }
      out.println(differences.isEmpty()
          ? "All " + topics.size() + " topics match the registry."
          : differences.size() + " difference(s) remain.");
      out.flush();
      return differences.isEmpty() ? 0 : 1;
    }
  }

  /** The differences after a fix; a setting just altered reaches every broker within moments, so look a few times. */
  private static List<TopicDiff.Difference> recheck(Admin admin, List<Topic<String, ?>> topics) {
    List<TopicDiff.Difference> left = TopicAudit.check(admin, topics);
    for (int i = 0; i < 20 && left.stream().anyMatch(d -> d.fix() == TopicDiff.Fix.ALTER_CONFIG); i++) {
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      left = TopicAudit.check(admin, topics);
    }
    return left;
  }
}
