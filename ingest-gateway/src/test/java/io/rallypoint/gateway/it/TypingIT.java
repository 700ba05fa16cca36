package io.rallypoint.gateway.it;

import static io.rallypoint.gateway.it.Gateways.about;
import static io.rallypoint.gateway.it.Gateways.ask;
import static io.rallypoint.gateway.it.Gateways.connect;
import static io.rallypoint.gateway.it.Gateways.conversation;
import static io.rallypoint.gateway.it.Gateways.typing;
import static io.rallypoint.gateway.it.Gateways.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.schemas.topic.Topics;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Typing on two gateway nodes, driven by real WebSocket clients: who gets {@code typing}, when a
 * {@code started} lapses, what a closing connection ends, who is refused, and that typing leaves
 * nothing behind in PostgreSQL, Kafka or Redis.
 */
class TypingIT {

  @RegisterExtension
  @Order(1)
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  @Order(2)
  static final RedisDatabase redis = new RedisDatabase();

  @RegisterExtension
  @Order(3)
  static final TwoNodes nodes = new TwoNodes(() -> Gateways.env(db, redis));

  @Test
  void typingReachesTheOtherMembersOnBothNodesButNotTheTypistsOwnConnections() {
    String ana = user("ana");
    String ben = user("ben");
    String cy = user("cy");
    String conversation = conversation(db, ana, ben, cy);
    try (FrameClient anaOne = connect(nodes.one(), ana); FrameClient anaTwo = connect(nodes.two(), ana);
        FrameClient benOne = connect(nodes.one(), ben); FrameClient cyTwo = connect(nodes.two(), cy)) {
      // When ana starts typing on her connection to node one
      anaOne.send(typing(conversation, "started"));

      // Then ben (node one) and cy (node two) see it, with the frame's fields
      for (FrameClient member : List.of(benOne, cyTwo)) {
        JsonNode frame = member.await(about("typing", conversation, ana));
        assertThat(frame.path("state").asText()).isEqualTo("started");
        assertThat(frame.has("id")).isFalse();
      }

      // When she stops
      anaOne.send(typing(conversation, "stopped"));

      // Then both see stopped
      for (FrameClient member : List.of(benOne, cyTwo)) {
        assertThat(member.await(about("typing", conversation, ana)).path("state").asText()).isEqualTo("stopped");
      }

      // And none of ana's own connections, on either node, heard of her typing
      assertThat(anaOne.quietFor(Duration.ofMillis(500))).isTrue();
      assertThat(anaTwo.quietFor(Duration.ofMillis(100))).isTrue();
    }
  }

  @Test
  void aStartedThatIsNotRenewedLapsesAfterSixSecondsAndRenewalsKeepItGoing() {
    String ana = user("ana");
    String ben = user("ben");
    String conversation = conversation(db, ana, ben);
    try (FrameClient anaWs = connect(nodes.two(), ana); FrameClient benWs = connect(nodes.one(), ben)) {
      // Given ana started typing and renews it 3 s later
      anaWs.send(typing(conversation, "started"));
      benWs.await(about("typing", conversation, ana).and(f -> f.path("state").asText().equals("started")));
      long startedAt = System.nanoTime();
      assertThat(benWs.quietFor(Duration.ofSeconds(3))).as("nothing lapses within 3 s").isTrue();
      anaWs.send(typing(conversation, "started"));
      benWs.await(about("typing", conversation, ana).and(f -> f.path("state").asText().equals("started")));
      long renewedAt = System.nanoTime();

      // When she then sends nothing more: ben gets stopped, about 6 s after the renewal, not 6 s after the start
      JsonNode stopped = benWs.await(about("typing", conversation, ana), Duration.ofSeconds(20));
      long stoppedAt = System.nanoTime();
      assertThat(stopped.path("state").asText()).isEqualTo("stopped");
      assertThat(Duration.ofNanos(stoppedAt - renewedAt)).isGreaterThanOrEqualTo(Duration.ofMillis(5_500));
      assertThat(Duration.ofNanos(stoppedAt - startedAt)).isGreaterThanOrEqualTo(Duration.ofMillis(8_500));

      // And nothing more follows it
      assertThat(benWs.quietFor(Duration.ofMillis(500))).isTrue();
    }
  }

  @Test
  void aConnectionThatClosesWhileTypingEndsTheTyping() {
    String ana = user("ana");
    String ben = user("ben");
    String conversation = conversation(db, ana, ben);
    try (FrameClient benWs = connect(nodes.one(), ben)) {
      FrameClient anaWs = connect(nodes.two(), ana);
      anaWs.send(typing(conversation, "started"));
      benWs.await(about("typing", conversation, ana).and(f -> f.path("state").asText().equals("started")));

      // When ana's connection closes while she is typing
      long closedAt = System.nanoTime();
      anaWs.close();

      // Then ben gets stopped, sooner than the 6 s lapse would have sent it
      assertThat(benWs.await(about("typing", conversation, ana)).path("state").asText()).isEqualTo("stopped");
      assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(Duration.ofMillis(5_000));
      assertThat(benWs.quietFor(Duration.ofSeconds(7))).as("no second stopped from a lapse").isTrue();
    }
  }

  @Test
  void aNonMemberIsForbiddenAndNobodyHearsOfIt() {
    String ana = user("ana");
    String eve = user("eve");
    String conversation = conversation(db, ana);
    try (FrameClient anaWs = connect(nodes.two(), ana); FrameClient eveWs = connect(nodes.one(), eve)) {
      JsonNode refused = ask(eveWs, "{\"type\":\"typing\",\"id\":\"t1\",\"conversation\":\"" + conversation
          + "\",\"state\":\"started\"}");
      assertThat(refused.path("code").asText()).isEqualTo("forbidden");
      assertThat(anaWs.quietFor(Duration.ofMillis(500))).isTrue();
    }
  }

  @Test
  void typingStoresNothingInPostgresqlKafkaOrRedis() throws Exception {
    String ana = user("ana");
    String ben = user("ben");
    String conversation = conversation(db, ana, ben);
    RedisClient client = redis.client();
    try (FrameClient anaWs = connect(nodes.one(), ana); FrameClient benWs = connect(nodes.two(), ben);
        StatefulRedisConnection<String, String> redisConnection = client.connect()) {
      // Given both are online (their presence is in Redis before the keys are listed)
      String presence = "{\"type\":\"presence\",\"id\":\"p\",\"conversation\":\"" + conversation + "\"}";
      await().atMost(Duration.ofSeconds(10))
          .until(() -> ask(anaWs, presence).path("online").size() == 2);
      Set<String> keysBefore = new TreeSet<>(redisConnection.sync().keys("*"));

      // When ana types, renews, stops, and a started lapses
      anaWs.send(typing(conversation, "started"));
      anaWs.send(typing(conversation, "started"));
      anaWs.send(typing(conversation, "stopped"));
      anaWs.send(typing(conversation, "started"));
      benWs.await(about("typing", conversation, ana).and(f -> f.path("state").asText().equals("started")));
      benWs.await(about("typing", conversation, ana).and(f -> f.path("state").asText().equals("stopped")));
      benWs.await(about("typing", conversation, ana).and(f -> f.path("state").asText().equals("started")));
      benWs.await(about("typing", conversation, ana).and(f -> f.path("state").asText().equals("stopped")),
          Duration.ofSeconds(20));

      // Then Redis holds no new key, no topic has a record of the conversation, and PostgreSQL no row of it
      assertThat(new TreeSet<>(redisConnection.sync().keys("*"))).isEqualTo(keysBefore);
      for (String topic : List.of(Topics.CHAT_MESSAGES.name(), Topics.CHAT_RECEIPTS.name(),
          Topics.LOCATION_UPDATES.name())) {
        assertThat(TopicRecords.now(topic, conversation)).as(topic).isEmpty();
      }
      assertThat(rows("SELECT count(*) FROM messages WHERE conversation_id = '" + conversation + "'")).isZero();
    } finally {
      client.shutdown();
    }
  }

  private static long rows(String sql) throws Exception {
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
