package io.rallypoint.location.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rallypoint.location.LocationConfig;
import io.rallypoint.location.query.MeetingPointQuery;
import io.rallypoint.schemas.event.LocationUpdate;
import io.rallypoint.schemas.event.RecordingSessionEvent;
import io.rallypoint.schemas.frame.Exclusion;
import io.rallypoint.schemas.frame.MeetingPoint;
import io.rallypoint.schemas.frame.SessionState;
import io.rallypoint.schemas.json.JsonSerde;
import io.rallypoint.schemas.topic.Topics;
import io.rallypoint.testsupport.KafkaBroker;
import io.rallypoint.testsupport.PostgresSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of the app (same application id, different HTTP ports) on the real broker: every
 * conversation's meeting point reaches the topic, and both instances answer the interactive query
 * with it to a member of the conversation, the non-owner by forwarding to the owner (which checks the
 * caller's token again).
 */
class LocationStreamIT {

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  private static final String READER = "it-reader";

  private static final MeetingPointJson JSON = new MeetingPointJson();
  private static final List<String> CONVERSATIONS = IntStream.range(0, 16).mapToObj(i -> "it-ride-" + i).toList();

  @TempDir
  Path dir;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void bothInstancesAnswerForEveryConversationAndAnEndedSessionIsExpired() throws Exception {
    KafkaBroker.ensureTopics();
    String run = UUID.randomUUID().toString().substring(0, 8);
    LocationConfig base = LocationConfig.defaults(KafkaBroker.bootstrapServers())
        .withApplicationId("location-it-" + run)
        .withHttpPort(0)
        .withDatabase(db.databaseUrl())
        .withJwtSecret(ClientTokens.SECRET);
    CONVERSATIONS.forEach(ride -> ClientTokens.member(db, ride, READER));
    ClientTokens.member(db, "it-nobody-" + run, READER);

    try (LocationStreamApp a = LocationStreamApp.start(base.withStateDir(dir.resolve("a")));
        LocationStreamApp b = LocationStreamApp.start(base.withStateDir(dir.resolve("b")));
        var producer = producer();
        var consumer = consumer(run)) {
      // Given both instances ready
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        assertThat(get(a, "/health/ready").statusCode()).isEqualTo(200);
        assertThat(get(b, "/health/ready").statusCode()).isEqualTo(200);
      });

      // When two riders share their location in each conversation
      Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      for (int i = 0; i < CONVERSATIONS.size(); i++) {
        String ride = CONVERSATIONS.get(i);
        send(producer, new LocationUpdate(ride, run + "-alice-" + i, "sa-" + i, 51.50 + i * 0.01, -0.12, now));
        send(producer, new LocationUpdate(ride, run + "-bob-" + i, "sb-" + i, 51.51 + i * 0.01, -0.10, now));
      }
      // and one rider's recording session ends
      String quitter = run + "-bob-0";
      producer.send(Topics.RECORDING_SESSIONS.record(quitter,
          new RecordingSessionEvent("sb-0", quitter, SessionState.ENDED, now.plusSeconds(1)))).get();

      // Then every conversation's point reaches the topic, the ended session as an expired exclusion
      Map<String, MeetingPoint> latest = new HashMap<>();
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        // (other test classes on the shared broker publish points of their own groups)
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          if (CONVERSATIONS.contains(r.key())) {
            latest.put(r.key(), r.value());
          }
        });
        assertThat(latest).containsOnlyKeys(CONVERSATIONS);
        assertThat(latest.values()).allSatisfy(p -> assertThat(p.lat()).isNotNull());
        assertThat(latest.get(CONVERSATIONS.get(0)).excluded()).containsExactly(new Exclusion(quitter, Exclusion.Reason.EXPIRED));
        assertThat(latest.get(CONVERSATIONS.get(0)).members()).containsExactly(run + "-alice-0");
        assertThat(latest.get(CONVERSATIONS.get(1)).members()).hasSize(2);
      });

      // and both instances answer the interactive query with exactly what the topic holds
      String addressA = "127.0.0.1:" + a.httpPort();
      String addressB = "127.0.0.1:" + b.httpPort();
      Set<String> forwardedToB = new HashSet<>();
      Set<String> forwardedToA = new HashSet<>();
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        // the topic may still get a newer point for a ride whose second rider came in after the
        // first check passed: compare with what the topic holds now
        consumer.poll(Duration.ofMillis(100)).forEach(r -> {
          if (CONVERSATIONS.contains(r.key())) {
            latest.put(r.key(), r.value());
          }
        });
        for (String ride : CONVERSATIONS) {
          for (LocationStreamApp asked : List.of(a, b)) {
            HttpResponse<byte[]> r = get(asked, "/meeting-points/" + ride);
            assertThat(r.statusCode()).as(ride + " " + new String(r.body())).isEqualTo(200);
            assertThat(JSON.read(r.body())).isEqualTo(latest.get(ride));
            String servedBy = r.headers().firstValue(MeetingPointQuery.SERVED_BY_HEADER).orElseThrow();
            if (asked == a && servedBy.equals(addressB)) {
              forwardedToB.add(ride);
            }
            if (asked == b && servedBy.equals(addressA)) {
              forwardedToA.add(ride);
            }
          }
        }
      });
      // Each instance owns some conversations, so each forwarded some queries to the other.
      assertThat(forwardedToB).isNotEmpty();
      assertThat(forwardedToA).isNotEmpty();
      assertThat(get(a, "/meeting-points/it-nobody-" + run).statusCode()).isEqualTo(404);
      assertThat(get(b, "/meeting-points/it-nobody-" + run).statusCode()).isEqualTo(404);

      // and metrics include Kafka Streams' own
      String metrics = new String(get(a, "/metrics").body());
      assertThat(metrics).contains("kafka_stream_");
    }
  }

  private HttpResponse<byte[]> get(LocationStreamApp app, String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path))
        .header("Authorization", "Bearer " + ClientTokens.of(READER))
        .timeout(Duration.ofSeconds(10)).GET().build();
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  private static void send(KafkaProducer<String, LocationUpdate> producer, LocationUpdate u) throws Exception {
    producer.send(Topics.LOCATION_UPDATES.record(u.conversation(), u)).get();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static KafkaProducer producer() {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all"),
        Topics.LOCATION_UPDATES.keySerde().serializer(),
        new AnyJson());
  }

  private static KafkaConsumer<String, MeetingPoint> consumer(String run) {
    var topic = Topics.LOCATION_MEETING_POINTS;
    KafkaConsumer<String, MeetingPoint> c = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "location-it-reader-" + run,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    c.subscribe(List.of(topic.name()));
    return c;
  }

  /** Writes either event type with the project's JSON settings (one producer for both topics). */
  private static final class AnyJson implements org.apache.kafka.common.serialization.Serializer<Object> {
    @Override
    public byte[] serialize(String topic, Object data) {
      return io.rallypoint.schemas.json.Json.toBytes(data);
    }
  }

  private static final class MeetingPointJson {
    private final JsonSerde<MeetingPoint> serde = JsonSerde.of(MeetingPoint.class);

    MeetingPoint read(byte[] body) {
      return serde.deserialize("http", body);
    }
  }
}
