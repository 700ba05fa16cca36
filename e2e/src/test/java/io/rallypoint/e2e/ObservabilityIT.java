package io.rallypoint.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rallypoint.gateway.GatewayConfig;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.location.LocationConfig;
import io.rallypoint.location.app.LocationStreamApp;
import io.rallypoint.persister.Persister;
import io.rallypoint.persister.PersisterConfig;
import io.rallypoint.schemas.config.Env;
import io.rallypoint.schemas.topic.Topics;
import io.rallypoint.testsupport.KafkaBroker;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The observability pack against the real services (a gateway, a persister and a location-stream on
 * real Kafka, Redis and PostgreSQL): every metric docker/observability's alert rules and dashboard
 * name is exported by one of them, and the consumer lag on the gateway's /metrics grows while the
 * persister is stopped. The persister is stopped last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObservabilityIT {

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  @TempDir
  static Path stateDir;

  static final String run = UUID.randomUUID().toString().substring(0, 8);
  static final String persisterGroup = "e2e-obs-persister-" + run;
  static final String locationApp = "e2e-obs-location-" + run;
  static final HttpClient http = HttpClient.newHttpClient();

  static Persister persister;
  static LocationStreamApp locations;
  static GatewayServer gateway;

  @BeforeAll
  static void start() {
    KafkaBroker.ensureTopics();
    String kafka = KafkaBroker.bootstrapServers();
    persister = Persister.start(new PersisterConfig(kafka, db.databaseUrl(), 0, persisterGroup, 500,
        List.of(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800)), Duration.ofMillis(100),
        Duration.ofSeconds(1), 2, 1, PersisterConfig.DEFAULT_BATCH_WAIT));
    locations = LocationStreamApp.start(LocationConfig.defaults(kafka)
        .withApplicationId(locationApp).withHttpPort(0).withStateDir(stateDir));
    Map<String, String> env = new HashMap<>();
    env.put("CHAT_JWT_SECRET", "e2e-secret-for-observability");
    env.put("GATEWAY_PORT", "0");
    env.put("KAFKA_BOOTSTRAP_SERVERS", kafka);
    env.put("DATABASE_URL", db.jdbcUrlWithCredentials());
    env.put("REDIS_URL", redis.url());
    env.put("PERSISTER_GROUP_ID", persisterGroup);
    env.put("LOCATION_APPLICATION_ID", locationApp);
    env.put("GATEWAY_LAG_INTERVAL", "PT1S");
    gateway = GatewayServer.start(GatewayConfig.from(Env.of(env)));
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable service : new AutoCloseable[] {gateway, locations, persister}) {
      try {
        if (service != null) {
          service.close();
        }
      } catch (Exception e) {
        // the next one is closed all the same
      }
    }
  }

  @Test
  @Order(1)
  void everyMetricTheAlertsAndTheDashboardNameIsExportedByARunningService() throws Exception {
    // Given the names the rules and the dashboard read
    Map<String, List<String>> readBy = new HashMap<>();
    for (String expr : PromQlNames.ruleExpressions(PromQlNames.ALERTS)) {
      PromQlNames.of(expr).forEach(name -> readBy.computeIfAbsent(name, n -> new ArrayList<>()).add("alerts.yml: " + expr));
    }
    for (String expr : PromQlNames.dashboardExpressions(PromQlNames.DASHBOARD)) {
      PromQlNames.of(expr).forEach(name -> readBy.computeIfAbsent(name, n -> new ArrayList<>()).add("dashboard: " + expr));
    }
    assertThat(readBy).as("the files name metrics").hasSizeGreaterThan(10);
    PromQlNames.PROMETHEUS_OWN.forEach(readBy::remove);

    // Then each is a sample name on one of the services' /metrics (histograms by their _bucket
    // series; the lag gauges once the gateway has read the broker, within a few seconds)
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      Set<String> exported = new TreeSet<>();
      for (int port : List.of(gateway.port(), persister.httpPort(), locations.httpPort())) {
        exported.addAll(sampleNames(scrape(port)));
      }
      Map<String, List<String>> missing = new HashMap<>(readBy);
      missing.keySet().removeAll(exported);
      assertThat(missing).as("metrics named by docker/observability that no service exports").isEmpty();
    });
  }

  @Test
  @Order(2)
  void everyServiceSaysWhichBuildItRuns() throws Exception {
    for (var service : Map.of("gateway", gateway.port(), "persister", persister.httpPort(),
        "location-stream", locations.httpPort()).entrySet()) {
      assertThat(scrape(service.getValue()))
          .containsPattern("rallypoint_build_info\\{[^}]*service=\"" + service.getKey() + "\"[^}]*version=\"\\d[^\"]*\"[^}]*} 1");
    }
  }

  @Test
  @Order(3)
  void withThePersisterStoppedItsLagGrowsOnTheGatewayAsMessagesAreProduced() throws Exception {
    // Given the persister caught up with chat.messages, as the gateway reads it from the broker
    await().atMost(Duration.ofSeconds(60)).until(() -> lag(persisterGroup, Topics.CHAT_MESSAGES.name()) == 0);

    // When the persister stops, and 25 messages are produced
    int metricsPort = persister.httpPort();
    persister.close();
    persister = null;
    assertThat(refused(metricsPort)).as("the stopped persister exports nothing itself").isTrue();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers()),
        new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < 25; i++) {
        producer.send(new ProducerRecord<>(Topics.CHAT_MESSAGES.name(), "obs-" + run + "-" + i, "{}"));
      }
      producer.flush();
    }

    // Then the gateway's /metrics shows the group 25 records behind on chat.messages
    await().atMost(Duration.ofSeconds(30)).until(() -> lag(persisterGroup, Topics.CHAT_MESSAGES.name()) >= 25);
    assertThat(lag(persisterGroup, Topics.CHAT_MESSAGES.name())).isEqualTo(25);
  }

  /** The group's lag on the topic, summed over partitions, as the gateway exports it; -1 before the first reading. */
  private static long lag(String group, String topic) throws IOException, InterruptedException {
    Pattern series = Pattern.compile("^rallypoint_consumer_lag\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);
    Matcher m = series.matcher(scrape(gateway.port()));
    long sum = -1;
    while (m.find()) {
      if (m.group(1).contains("group=\"" + group + "\"") && m.group(1).contains("topic=\"" + topic + "\"")) {
        sum = Math.max(sum, 0) + (long) Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }

  private static String scrape(int port) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET :%d/metrics", port).isEqualTo(200);
    return response.body();
  }

  /** The sample names of a Prometheus text exposition: each non-comment line's name, before its labels. */
  private static Set<String> sampleNames(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = 0;
      while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
        end++;
      }
      names.add(line.substring(0, end));
    }
    return names;
  }

  private static boolean refused(int port) throws InterruptedException {
    try {
      scrape(port);
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return e.getCause() instanceof ConnectException;
    }
  }
}
