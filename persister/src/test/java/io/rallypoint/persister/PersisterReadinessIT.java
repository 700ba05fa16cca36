package io.rallypoint.persister;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rallypoint.schemas.topic.Topics;
import io.rallypoint.testsupport.KafkaBroker;
import io.rallypoint.testsupport.PostgresSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /health/ready} of a persister means it is persisting now: while its consumers cannot get
 * partitions from the group it answers 503 (though PostgreSQL and Kafka answer), and 200 once they have.
 */
class PersisterReadinessIT {

  @RegisterExtension
  static final PostgresSchema schema = PostgresSchema.migrated();

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void not_ready_until_its_consumers_hold_an_assignment() throws Exception {
    KafkaBroker.ensureTopics();
    String group = "readiness-it-" + UUID.randomUUID();
    // Given a member of the group that holds every partition and stops polling (a stuck instance):
    // a rebalance then waits for it to rejoin, so a newcomer gets no partitions meanwhile
    KafkaConsumer<byte[], byte[]> stuck = stuckMember(group);
    try {
      // When a persister starts in that group
      try (Persister persister = Persister.start(new PersisterConfig(KafkaBroker.bootstrapServers(), schema.databaseUrl(),
          0, group, 500, List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4)),
          Duration.ofMillis(100), Duration.ofSeconds(1), 3, 2, PersisterConfig.DEFAULT_BATCH_WAIT))) {
        // Then it is live, and its database and broker answer, but it is not ready: it persists nothing yet
        await().atMost(Duration.ofSeconds(10)).until(() -> get(persister, "/health/live").statusCode() == 200);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
          HttpResponse<String> ready = get(persister, "/health/ready");
          assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
          assertThat(ready.body()).contains("no assignment");
        });

        // When the stuck member goes away
        stuck.close(Duration.ofSeconds(5));
        stuck = null;

        // Then the persister gets its partitions and is ready
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
          HttpResponse<String> ready = get(persister, "/health/ready");
          assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        });
      }
    } finally {
      if (stuck != null) {
        stuck.close(Duration.ofSeconds(5));
      }
    }
  }

  private static KafkaConsumer<byte[], byte[]> stuckMember(String group) {
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, group,
        // it keeps heartbeating (so it stays a member) but is only dropped after this long without a poll
        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 120_000),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(Topics.CHAT_MESSAGES.name(), Topics.CHAT_RECEIPTS.name()));
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      consumer.poll(Duration.ofMillis(200));
      return !consumer.assignment().isEmpty();
    });
    return consumer;
  }

  private HttpResponse<String> get(Persister persister, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + persister.httpPort() + path))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }
}
