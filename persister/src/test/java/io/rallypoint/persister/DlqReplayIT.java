package io.rallypoint.persister;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rallypoint.persister.replay.DlqFilter;
import io.rallypoint.persister.replay.DlqReplayer;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.topic.Topics;
import io.rallypoint.testsupport.IsolatedKafka;
import io.rallypoint.testsupport.PostgresSchema;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** After a fix, a replay of the dead letters brings them home, once however often it runs. */
class DlqReplayIT {

  @RegisterExtension
  static final IsolatedKafka kafka = new IsolatedKafka(2);

  @RegisterExtension
  static final PostgresSchema schema = PostgresSchema.migrated();

  @Test
  void a_message_refused_for_a_missing_conversation_is_stored_after_the_fix_and_a_replay() {
    Db db = new Db(schema);
    db.conversation("other");
    ChatMessage orphan = ChatTraffic.message("created-late", 1, "alice", "hello from the future");
    ChatMessage unrelated = ChatTraffic.message("still-missing", 1, "bob", "nobody will create this one");
    try (ChatTraffic traffic = new ChatTraffic(kafka.bootstrapServers());
        Persister persister = Persister.start(new PersisterConfig(kafka.bootstrapServers(), schema.databaseUrl(), 0,
            PersisterConfig.DEFAULT_GROUP, 100, List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(300)),
            Duration.ofMillis(100), Duration.ofSeconds(1), 3, 2, PersisterConfig.DEFAULT_BATCH_WAIT))) {

      // Given both messages ended in the dead-letter topic
      traffic.send(orphan, unrelated);
      await().atMost(Duration.ofSeconds(30)).until(() -> traffic.readAll(Topics.CHAT_MESSAGES_DLQ.name()).size() == 2);

      // When the missing conversation is created and the dead letters of that conversation are replayed
      db.conversation("created-late");
      DlqReplayer.Result result = DlqReplayer.replay(kafka.bootstrapServers(), new DlqFilter("created-late", null));

      // Then that message is stored, and the other one is left in the DLQ for a later run
      assertThat(result).isEqualTo(new DlqReplayer.Result(2, 1));
      await().atMost(Duration.ofSeconds(30)).until(() -> db.count(
          "SELECT count(*) FROM messages WHERE message_id = ?::uuid", orphan.messageId()) == 1);
      assertThat(db.count("SELECT count(*) FROM messages WHERE conversation_id = 'still-missing'")).isZero();

      // When the same replay runs again (a filtered run commits nothing, so it sends the message once more),
      // followed by a new message of that conversation, which the persister reads after the replayed copy
      assertThat(DlqReplayer.replay(kafka.bootstrapServers(), new DlqFilter("created-late", null)))
          .as("a filtered run commits nothing").isEqualTo(new DlqReplayer.Result(2, 1));
      ChatMessage after = ChatTraffic.message("created-late", 2, "alice", "after the second replay");
      traffic.send(after);
      await().atMost(Duration.ofSeconds(30)).until(() -> db.count(
          "SELECT count(*) FROM messages WHERE message_id = ?::uuid", after.messageId()) == 1);

      // Then the replayed message is still stored once
      assertThat(db.count("SELECT count(*) FROM messages WHERE conversation_id = 'created-late'")).isEqualTo(2);
      assertThat(db.count("SELECT count(*) FROM messages WHERE message_id = ?::uuid", orphan.messageId())).isEqualTo(1);
    }
  }
}
