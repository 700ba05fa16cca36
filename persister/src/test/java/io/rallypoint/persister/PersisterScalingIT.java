package io.rallypoint.persister;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.testsupport.IsolatedKafka;
import io.rallypoint.testsupport.PostgresSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two instances share the partitions; one stops mid-stream and the other takes over without loss. */
class PersisterScalingIT {

  @RegisterExtension
  static final IsolatedKafka kafka = new IsolatedKafka(6);

  @RegisterExtension
  static final PostgresSchema schema = PostgresSchema.migrated();

  @Test
  void two_instances_split_the_partitions_and_one_leaving_loses_nothing() throws Exception {
    Db db = new Db(schema);
    List<String> conversations = new ArrayList<>();
    for (int c = 0; c < 24; c++) {
      conversations.add("group-" + c);
      db.conversation("group-" + c);
    }
    try (ChatTraffic traffic = new ChatTraffic(kafka.bootstrapServers());
        Persister first = Persister.start(config());
        Persister second = Persister.start(config())) {

      // two instances of two consumer loops each: four members share the six partitions
      await().atMost(Duration.ofSeconds(60)).until(() -> chatGroupMembersWithPartitions() == 2 * config().consumers());

      traffic.send(batch(conversations, 1, 50));
      await().atMost(Duration.ofSeconds(30)).until(() -> db.count("SELECT count(*) FROM messages") > 0);

      first.close();
      traffic.send(batch(conversations, 51, 100));

      long expected = conversations.size() * 100L;
      await().atMost(Duration.ofSeconds(60)).until(() -> db.count("SELECT count(*) FROM messages") == expected);
      assertThat(db.count("SELECT count(DISTINCT (conversation_id, seq)) FROM messages")).isEqualTo(expected);
      assertThat(second.readinessProblem()).isNull();
    }
  }

  private static List<ChatMessage> batch(List<String> conversations, int fromSeq, int toSeq) {
    List<ChatMessage> messages = new ArrayList<>();
    for (int seq = fromSeq; seq <= toSeq; seq++) {
      for (String c : conversations) {
        messages.add(ChatTraffic.message(c, seq, "alice", c + "#" + seq));
      }
    }
    return messages;
  }

  private static int chatGroupMembersWithPartitions() throws Exception {
    try (Admin admin = kafka.admin()) {
      ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(PersisterConfig.DEFAULT_GROUP))
          .all().get(10, TimeUnit.SECONDS).get(PersisterConfig.DEFAULT_GROUP);
      return (int) group.members().stream()
          .map(MemberDescription::assignment)
          .filter(a -> !a.topicPartitions().isEmpty())
          .count();
    }
  }

  private static PersisterConfig config() {
    return new PersisterConfig(kafka.bootstrapServers(), schema.databaseUrl(), 0, PersisterConfig.DEFAULT_GROUP, 200,
        List.of(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800)),
        Duration.ofMillis(100), Duration.ofSeconds(1), 3, 2, PersisterConfig.DEFAULT_BATCH_WAIT);
  }
}
