package io.rallypoint.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.rallypoint.embedded.EmbeddedKafka;
import io.rallypoint.schemas.topic.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code rallypoint topics} against a real broker of its own: create, detect, apply, refuse. */
class TopicsCommandIT {

  private static EmbeddedKafka kafka;
  private static Admin admin;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start(Files.createTempDirectory("rallypoint-topics-it-"), 0);
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
  }

  @AfterAll
  static void stop() {
    admin.close();
    kafka.close();
  }

  @Test
  void creates_detects_applies_and_refuses() throws Exception {
    // Given an empty cluster, when topics runs: every topic is created and matches
    Run first = topics("--partitions", "3", "--replication", "1");
    assertThat(first.exit()).as(first.output()).isZero();
    assertThat(first.output()).contains("chat.messages.dlq: created", "All 9 topics match the registry.");
    assertThat(retention(Topics.CHAT_MESSAGES_DLQ.name())).isEqualTo(String.valueOf(30L * 24 * 3600 * 1000));

    // When someone shortens the dead letters' retention to an hour
    admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, Topics.CHAT_MESSAGES_DLQ.name()),
        List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "3600000"), AlterConfigOp.OpType.SET))))
        .all().get(30, TimeUnit.SECONDS);

    // Then a check without --apply names it and fails, changing nothing
    Run check = topics("--partitions", "3", "--replication", "1");
    assertThat(check.exit()).isNotZero();
    assertThat(check.output()).contains("chat.messages.dlq: retention.ms is 3600000, the registry says 2592000000");
    assertThat(retention(Topics.CHAT_MESSAGES_DLQ.name())).isEqualTo("3600000");

    // When --apply runs asking for more partitions than the topics have: adding them is refused,
    // saying why, while the safe fix (the retention) is made
    Run apply = topics("--partitions", "6", "--replication", "1", "--apply");
    assertThat(apply.exit()).as("the partition difference remains").isNotZero();
    assertThat(apply.output()).contains("chat.messages: partitions is 3, the registry says 6", "refused",
        "per-conversation order would break", "chat.messages.dlq: retention.ms set to 2592000000");
    assertThat(partitions(Topics.CHAT_MESSAGES.name())).as("no partition was added").isEqualTo(3);
    assertThat(retention(Topics.CHAT_MESSAGES_DLQ.name())).isEqualTo("2592000000");

    // Then with the partitions the cluster has, everything matches again
    Run after = topics("--partitions", "3", "--replication", "1");
    assertThat(after.exit()).as(after.output()).isZero();
    assertThat(after.output()).contains("All 9 topics match");

    // And a replication factor the topics do not have is reported, not silently accepted
    Run three = topics("--partitions", "3", "--replication", "3");
    assertThat(three.exit()).isNotZero();
    assertThat(three.output()).contains("replication.factor is 1, the registry says 3");
  }

  private record Run(int exit, String output) {}

  private static Run topics(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = Rallypoint.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 3];
    all[0] = "topics";
    all[1] = "--bootstrap-servers";
    all[2] = kafka.bootstrapServers();
    System.arraycopy(args, 0, all, 3, args.length);
    int exit = cli.execute(all);
    return new Run(exit, out + err.toString());
  }

  private static String retention(String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource).get("retention.ms").value();
  }

  private static int partitions(String topic) throws Exception {
    return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
  }
}
