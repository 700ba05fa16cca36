package io.rallypoint.location.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.rallypoint.location.LocationConfig;
import io.rallypoint.schemas.event.LocationUpdate;
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
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group's positions are not public: {@code GET /meeting-points/{conversation}} answers only a
 * member of the conversation with a valid client token (401 without one, 403 for anyone else),
 * while health and metrics stay open.
 */
class MeetingPointAuthIT {

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @TempDir
  static Path dir;

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String RIDE = "auth-ride-" + RUN;
  private static final String ALICE = "alice-" + RUN;
  private static final String MALLORY = "mallory-" + RUN;
  private static LocationStreamApp app;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    KafkaBroker.ensureTopics();
    ClientTokens.member(db, RIDE, ALICE);
    ClientTokens.member(db, "other-ride-" + RUN, MALLORY);
    app = LocationStreamApp.start(LocationConfig.defaults(KafkaBroker.bootstrapServers())
        .withApplicationId("location-auth-it-" + RUN).withHttpPort(0).withStateDir(dir)
        .withDatabase(db.databaseUrl()).withJwtSecret(ClientTokens.SECRET));
    assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
    try (KafkaProducer<String, LocationUpdate> producer = new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers()),
        Topics.LOCATION_UPDATES.keySerde().serializer(), Topics.LOCATION_UPDATES.valueSerde().serializer())) {
      producer.send(Topics.LOCATION_UPDATES.record(RIDE, new LocationUpdate(RIDE, ALICE, "s-" + RUN, 48.85, 2.35,
          Instant.now().truncatedTo(ChronoUnit.MILLIS)))).get();
    }
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void a_member_with_a_valid_token_gets_the_meeting_point() {
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      HttpResponse<String> r = get("/meeting-points/" + RIDE, "Bearer " + ClientTokens.of(ALICE));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).contains("\"conversation\":\"" + RIDE + "\"").contains(ALICE);
    });
  }

  @Test
  void a_caller_without_a_valid_token_gets_401() throws Exception {
    Instant hourAgo = Instant.now().minus(Duration.ofHours(1));
    String noExpiry = JWT.create().withSubject(ALICE).sign(Algorithm.HMAC256(ClientTokens.SECRET));
    for (String authorization : new String[] {
        null,
        "Bearer not-a-jwt",
        "Basic " + ClientTokens.of(ALICE),
        "Bearer " + ClientTokens.signed(ALICE, Instant.now().plusSeconds(3600), "another-secret"),
        "Bearer " + ClientTokens.signed(ALICE, hourAgo, ClientTokens.SECRET),
        "Bearer " + noExpiry}) {
      HttpResponse<String> r = get("/meeting-points/" + RIDE, authorization);
      assertThat(r.statusCode()).as(authorization + ": " + r.body()).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
      assertThat(r.body()).doesNotContain("48.85");
    }
    // marking the request as forwarded by another instance does not skip the check
    assertThat(get("/meeting-points/" + RIDE + "?forwarded=true", null).statusCode()).isEqualTo(401);
  }

  @Test
  void a_valid_token_of_someone_outside_the_group_gets_403() throws Exception {
    HttpResponse<String> r = get("/meeting-points/" + RIDE, "Bearer " + ClientTokens.of(MALLORY));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    assertThat(r.body()).doesNotContain("48.85");
  }

  @Test
  void health_and_metrics_need_no_token() throws Exception {
    assertThat(get("/health/ready", null).statusCode()).isEqualTo(200);
    assertThat(get("/health/live", null).statusCode()).isEqualTo(200);
    assertThat(get("/metrics", null).statusCode()).isEqualTo(200);
  }

  private HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path))
        .timeout(Duration.ofSeconds(10)).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
