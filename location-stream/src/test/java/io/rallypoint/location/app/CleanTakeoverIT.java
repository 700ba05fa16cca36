package io.rallypoint.location.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rallypoint.location.LocationConfig;
import io.rallypoint.schemas.event.LocationUpdate;
import io.rallypoint.schemas.frame.MeetingPoint;
import io.rallypoint.schemas.topic.Topics;
import io.rallypoint.testsupport.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An instance that is closed cleanly leaves the group: the next instance (a restart, or the one
 * that stays in a rolling restart) takes its tasks over at once, not after the session timeout.
 */
class CleanTakeoverIT {

  private static final Duration TAKEOVER = Duration.ofSeconds(15);

  @TempDir
  Path dir;

  @Test
  void a_new_instance_moves_the_meeting_points_within_15_s_of_a_clean_close() throws Exception {
    KafkaBroker.ensureTopics();
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<String> rides = IntStream.range(0, 8).mapToObj(i -> "takeover-" + run + "-" + i).toList();
    // The client default session timeout (45 s): had the old instance not left the group, its tasks
    // would wait that long for it.
    LocationConfig cfg = LocationConfig.defaults(KafkaBroker.bootstrapServers())
        .withApplicationId("location-takeover-it-" + run).withHttpPort(0)
        .withSessionTimeout(Duration.ofSeconds(45)).withStandbyReplicas(0);

    try (KafkaProducer<String, LocationUpdate> producer = producer(); KafkaConsumer<String, MeetingPoint> points = consumer()) {
      Map<String, Double> latest = new HashMap<>();
      // Given an instance that published every ride's meeting point
      try (LocationStreamApp first = LocationStreamApp.start(cfg.withStateDir(dir.resolve("first")))) {
        assertThat(first.awaitRunning(Duration.ofSeconds(60))).isTrue();
        send(producer, rides, run, 40.0);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
          poll(points, latest);
          assertThat(rides).allSatisfy(ride -> assertThat(latest.get(ride)).isEqualTo(40.0, within()));
        });
      } // When it is closed cleanly

      // and a new instance of the same application starts, while the riders move on
      long started = System.nanoTime();
      try (LocationStreamApp next = LocationStreamApp.start(cfg.withStateDir(dir.resolve("next")))) {
        send(producer, rides, run, 41.0);
        // Then within 15 s it is ready and every ride's meeting point has moved
        await().atMost(TAKEOVER).untilAsserted(() -> {
          poll(points, latest);
          assertThat(next.state()).isEqualTo(org.apache.kafka.streams.KafkaStreams.State.RUNNING);
          assertThat(rides).allSatisfy(ride -> assertThat(latest.get(ride)).isEqualTo(41.0, within()));
        });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TAKEOVER);
      }
    }
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-6);
  }

  private static void send(KafkaProducer<String, LocationUpdate> producer, List<String> rides, String run, double lat)
      throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    for (String ride : rides) {
      producer.send(Topics.LOCATION_UPDATES.record(ride, new LocationUpdate(ride, "rider-" + run, "s-" + run, lat, 3.0, now)));
    }
    producer.flush();
  }

  private static void poll(KafkaConsumer<String, MeetingPoint> points, Map<String, Double> latest) {
    points.poll(Duration.ofMillis(200)).forEach(r -> {
      if (r.value() != null && r.value().lat() != null) {
        latest.put(r.key(), r.value().lat());
      }
    });
  }

  private static KafkaProducer<String, LocationUpdate> producer() {
    var topic = Topics.LOCATION_UPDATES;
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all"), topic.keySerde().serializer(), topic.valueSerde().serializer());
  }

  private static KafkaConsumer<String, MeetingPoint> consumer() {
    var topic = Topics.LOCATION_MEETING_POINTS;
    KafkaConsumer<String, MeetingPoint> c = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "takeover-it-reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    c.subscribe(List.of(topic.name()));
    // join and take a position before anything is sent
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      c.poll(Duration.ofMillis(100));
      return !c.assignment().isEmpty();
    });
    return c;
  }
}
