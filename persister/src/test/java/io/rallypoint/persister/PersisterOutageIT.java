package io.rallypoint.persister;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rallypoint.schemas.db.DatabaseUrl;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.topic.Topics;
import io.rallypoint.testsupport.IsolatedKafka;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.TcpProxy;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** PostgreSQL goes away mid-stream and comes back: every message ends up stored once, none is dead-lettered. */
class PersisterOutageIT {

  @RegisterExtension
  static final IsolatedKafka kafka = new IsolatedKafka(4);

  @RegisterExtension
  static final PostgresSchema schema = PostgresSchema.migrated();

  @Test
  void an_outage_mid_stream_loses_nothing_and_sends_nothing_to_the_dlq() {
    Db db = new Db(schema);
    db.conversation("outage");
    try (TcpProxy proxy = TcpProxy.toServerOf(schema.databaseUrl().jdbcUrl());
        ChatTraffic traffic = new ChatTraffic(kafka.bootstrapServers());
        Persister persister = Persister.start(new PersisterConfig(kafka.bootstrapServers(),
            through(proxy, schema.databaseUrl()), 0, PersisterConfig.DEFAULT_GROUP, 500,
            List.of(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800)),
            Duration.ofMillis(100), Duration.ofSeconds(2), 3, 2, PersisterConfig.DEFAULT_BATCH_WAIT))) {

      traffic.send(messages(1, 300));
      await().atMost(Duration.ofSeconds(30)).until(() -> db.count("SELECT count(*) FROM messages") >= 1);

      // Given PostgreSQL becomes unreachable while messages keep coming
      proxy.cut();
      traffic.send(messages(301, 900));
      // (a rebalance can first report a consumer without its assignment: wait for the database's turn)
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(persister.readinessProblem()).isNotNull().contains("PostgreSQL"));

      // When it comes back
      proxy.restore();

      // Then every message is stored exactly once and nothing went to retry or dead-letter topics
      await().atMost(Duration.ofSeconds(60)).until(() -> db.count("SELECT count(*) FROM messages") == 900);
      assertThat(db.count("SELECT count(DISTINCT seq) FROM messages WHERE conversation_id = 'outage'")).isEqualTo(900);
      assertThat(traffic.readAll(Topics.CHAT_MESSAGES_DLQ.name())).isEmpty();
      for (int tier = 1; tier <= Topics.RETRY_TIERS; tier++) {
        assertThat(traffic.readAll(Topics.chatMessagesRetry(tier).name())).as("retry.%d", tier).isEmpty();
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> persister.readinessProblem() == null);
    }
  }

  private static List<ChatMessage> messages(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> ChatTraffic.message("outage", i, "alice", "m" + i)).toList();
  }

  private static DatabaseUrl through(TcpProxy proxy, DatabaseUrl url) {
    return new DatabaseUrl(proxy.via(url.jdbcUrl()), url.user(), url.password());
  }
}
