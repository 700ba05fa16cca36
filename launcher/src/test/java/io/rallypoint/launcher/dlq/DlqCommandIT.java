package io.rallypoint.launcher.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.launcher.Rallypoint;
import io.rallypoint.persister.retry.RetryRouter;
import io.rallypoint.schemas.config.Env;
import io.rallypoint.schemas.json.Json;
import io.rallypoint.schemas.topic.Topics;
import io.rallypoint.testsupport.IsolatedKafka;
import io.rallypoint.testsupport.TopicReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * {@code rallypoint dlq list|show|replay} against a real broker holding dead letters written the
 * way the persister writes them: headers from its {@link RetryRouter}, in Kafka transactions.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DlqCommandIT {

  @RegisterExtension
  static final IsolatedKafka kafka = new IsolatedKafka(2);

  static final Instant MONDAY = Instant.parse("2026-11-30T09:00:00Z");
  static final Instant TUESDAY = Instant.parse("2026-12-01T09:00:00Z");
  static final String FOREIGN_KEY =
      "insert or update on table \"messages\" violates foreign key constraint \"messages_conversation_id_fkey\"";

  @BeforeAll
  static void deadLetters() {
    // Given five dead letters: three of ride-1 refused on Monday, one of hike-2 on Tuesday, and unreadable bytes
    List<ProducerRecord<byte[], byte[]>> letters = new ArrayList<>();
    for (int seq = 1; seq <= 3; seq++) {
      letters.add(refused(message("ride-1", seq), MONDAY, FOREIGN_KEY, "sqlstate-23503"));
    }
    letters.add(refused(message("hike-2", 1), TUESDAY, "value too long for type character varying(4000)", "sqlstate-22001"));
    letters.add(new RetryRouter(delays(), Clock.fixed(TUESDAY, ZoneOffset.UTC)).deadLetter(
        source("broken-3", "{not json".getBytes(StandardCharsets.UTF_8)), "Unexpected character ('n')"));
    produceInOneTransaction(letters);
  }

  @Test
  @Order(1)
  void listShowsEveryDeadLetterAndCountsThemByKind() {
    Run run = dlq("list");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("RECORD", "FIRST-FAILED-AT", "ERROR-KIND", "CONVERSATION",
        "2026-11-30T09:00:00.000Z 3        sqlstate-23503   ride-1",
        "sqlstate-22001   hike-2", "unreadable       broken-3",
        "5 dead letters in chat.messages.dlq.",
        "By error kind: sqlstate-22001 1, sqlstate-23503 3, unreadable 1");
    assertThat(run.out().lines().filter(l -> l.contains("ride-1"))).hasSize(3)
        .allSatisfy(l -> assertThat(l).contains("violates foreign key constraint").endsWith("..."));
    assertThat(run.err()).as("no bar for a few records off a terminal").isEmpty();
  }

  @Test
  @Order(2)
  void filtersNarrowTheListAndJsonIsOneDocument() {
    JsonNode json = Json.parse(dlq("list", "--error-kind", "sqlstate-23503", "--json").out());
    assertThat(json.path("read").asInt()).isEqualTo(5);
    assertThat(json.path("matched").asInt()).isEqualTo(3);
    assertThat(json.path("byErrorKind").path("sqlstate-23503").asInt()).isEqualTo(3);
    assertThat(json.path("records")).hasSize(3).allSatisfy(r -> {
      assertThat(r.path("conversation").asText()).isEqualTo("ride-1");
      assertThat(r.path("error").asText()).isEqualTo(FOREIGN_KEY);
      assertThat(r.path("attempts").asInt()).isEqualTo(3);
      assertThat(r.path("firstFailedAt").asText()).isEqualTo("2026-11-30T09:00:00.000Z");
    });

    Run since = dlq("list", "--since", "2026-12-01");
    assertThat(since.out()).contains("2 of 5 dead letters in chat.messages.dlq match since 2026-12-01T00:00:00Z.")
        .doesNotContain("ride-1");
    Run both = dlq("list", "--conversation", "ride-1", "--until", "2026-11-30T10:00+01:00");
    assertThat(both.out()).contains("0 of 5 dead letters").doesNotContain("RECORD");
    Run limited = dlq("list", "--limit", "1");
    assertThat(limited.out()).contains("5 dead letters", "Showing the first 1; --limit 0 shows all.");
  }

  @Test
  @Order(3)
  void showPrintsOneRecordInFullAndRefusesPositionsThatHoldNone() {
    JsonNode hike = Json.parse(dlq("list", "--conversation", "hike-2", "--json").out()).path("records").get(0);
    String where = hike.path("partition").asInt() + ":" + hike.path("offset").asLong();

    Run show = dlq("show", where);
    assertThat(show.exit()).as(show.err()).isZero();
    assertThat(show.out()).contains("record     chat.messages.dlq-" + hike.path("partition").asInt() + "@",
        "rallypoint.error.kind: sqlstate-22001",
        "rallypoint.first-failed-at: 2026-12-01T09:00:00.000Z",
        "rallypoint.attempt: 3",
        "rallypoint.original.topic: chat.messages",
        "\"conversation\" : \"hike-2\"");
    assertThat(dlq("show", "--partition", String.valueOf(hike.path("partition").asInt()),
        "--offset", String.valueOf(hike.path("offset").asLong())).out()).isEqualTo(show.out());

    JsonNode broken = Json.parse(dlq("list", "--error-kind", "unreadable", "--json").out()).path("records").get(0);
    Run unreadable = dlq("show", broken.path("partition").asInt() + ":" + broken.path("offset").asLong());
    assertThat(unreadable.out()).contains("value (9 bytes, not JSON)", "{not json", "rallypoint.attempt: 0");

    Run outOfRange = dlq("show", "0:99999");
    assertThat(outOfRange.exit()).isEqualTo(1);
    assertThat(outOfRange.err()).contains("rallypoint dlq show: offset 99999 is out of range: chat.messages.dlq"
        + " partition 0 holds");
    assertThat(dlq("show", "7:0").err()).contains("chat.messages.dlq has no partition 7 (it has 0..1)");

    // The transaction's commit marker takes the last offset of a partition that has records: no record is there
    int partition = hike.path("partition").asInt();
    long marker = Json.parse(dlq("list", "--json").out()).path("records").findValues("partition").stream()
        .filter(p -> p.asInt() == partition).count();
    Run atMarker = dlq("show", partition + ":" + marker);
    assertThat(atMarker.exit()).isEqualTo(1);
    assertThat(atMarker.err()).contains("no record at " + partition + ":" + marker);
  }

  @Test
  @Order(4)
  void aDryRunNamesWhatWouldBeReplayedAndProducesNothing() {
    Run dry = dlq("replay", "--dry-run", "--conversation", "ride-1");

    assertThat(dry.exit()).as(dry.err()).isZero();
    assertThat(dry.out().lines().filter(l -> l.contains("ride-1"))).hasSize(3);
    assertThat(dry.out()).doesNotContain("hike-2")
        .contains("Would replay 3 of 5 dead-letter records to chat.messages (dry run: nothing produced, nothing committed).");
    assertThat(TopicReader.snapshot(kafka.bootstrapServers(), Topics.CHAT_MESSAGES.name())).isEmpty();
  }

  @Test
  @Order(5)
  void aFilteredReplayMovesOnlyTheMatchingRecordsBackUnchanged() {
    Run replay = dlq("replay", "--error-kind", "sqlstate-23503");

    assertThat(replay.exit()).as(replay.err()).isZero();
    assertThat(replay.out()).isEqualTo("Replayed 3 of 5 dead-letter records to chat.messages." + System.lineSeparator());
    List<ConsumerRecord<byte[], byte[]>> replayed = TopicReader.snapshot(kafka.bootstrapServers(), Topics.CHAT_MESSAGES.name());
    assertThat(replayed).hasSize(3).allSatisfy(r -> {
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("ride-1");
      assertThat(Json.parse(r.value()).path("conversation").asText()).isEqualTo("ride-1");
      assertThat(headerNames(r)).containsExactly("rallypoint.replayed-from");
      assertThat(new String(r.headers().lastHeader("rallypoint.replayed-from").value(), StandardCharsets.UTF_8))
          .matches("chat\\.messages\\.dlq-[01]@\\d+");
    });
    assertThat(replayed.stream().map(r -> Json.parse(r.value()).path("seq").asInt()).collect(Collectors.toSet()))
        .isEqualTo(Set.of(1, 2, 3));
    assertThat(dlq("list").out()).as("the dead letters stay where they are").contains("5 dead letters");
  }

  @Test
  @Order(6)
  void theJarPrintsItsVersionAndKeepsTheOldReplayName() throws Exception {
    Run version = jar(Map.of(), "--version");
    assertThat(version.exit()).isZero();
    assertThat(version.out()).matches("rallypoint \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?( \\(commit [0-9a-f]+\\))?\\R");

    Run old = jar(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()), "replay-dlq", "--dry-run",
        "--conversation", "hike-2");
    assertThat(old.exit()).as(old.err()).isZero();
    assertThat(old.out()).contains("Would replay 1 of 5 dead-letter records");
    assertThat(jar(Map.of(), "--help").out()).contains("dlq").doesNotContain("replay-dlq");

    Run missing = jar(Map.of(), "dlq", "list");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("rallypoint dlq list: KAFKA_BOOTSTRAP_SERVERS is not set");
  }

  @Test
  @Order(7)
  void aLongReadShowsABarOnStderrAndLeavesTheJsonClean() {
    // Given 1,200 more dead letters (more than a bar stays quiet for off a terminal)
    List<ProducerRecord<byte[], byte[]>> bulk = new ArrayList<>();
    for (int seq = 1; seq <= 1_200; seq++) {
      bulk.add(refused(message("bulk", seq), TUESDAY, FOREIGN_KEY, "sqlstate-23503"));
    }
    produceInOneTransaction(bulk);

    Run run = dlq("list", "--conversation", "bulk", "--json", "--limit", "0");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(Json.parse(run.out()).path("records")).hasSize(1_200);
    assertThat(run.out().lines().count()).as("one JSON document on stdout").isEqualTo(1);
    assertThat(run.err()).contains("Reading chat.messages.dlq", "100%");
  }

  record Run(int exit, String out, String err) {}

  private static Run dlq(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine line = Rallypoint.configure(new CommandLine(new DlqCommand(
        Env.of(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers())), false)));
    line.setOut(new PrintWriter(out, true));
    line.setErr(new PrintWriter(err, true));
    return new Run(line.execute(args), out.toString(), err.toString());
  }

  /** The built jar, as ./rallypoint runs it (failsafe runs after package, in the module's folder). */
  private static Run jar(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", Path.of("target", "rallypoint.jar").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
    builder.environment().putAll(env);
    Process process = builder.start();
    var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
    String out = read(process.getInputStream());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the jar exits").isTrue();
    return new Run(process.exitValue(), out, err.get(60, TimeUnit.SECONDS));
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<String> headerNames(ConsumerRecord<byte[], byte[]> record) {
    return StreamSupport.stream(record.headers().spliterator(), false).map(Header::key).toList();
  }

  private static List<Duration> delays() {
    return List.of(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(16));
  }

  private static byte[] message(String conversation, int seq) {
    return ("{\"conversation\":\"" + conversation + "\",\"messageId\":\"" + java.util.UUID.randomUUID() + "\",\"seq\":"
        + seq + ",\"sender\":\"alice\",\"clientMsgId\":\"" + java.util.UUID.randomUUID() + "\",\"body\":\"hi " + seq
        + "\",\"metadata\":{},\"sentAt\":\"2026-11-30T08:59:59.000Z\"}").getBytes(StandardCharsets.UTF_8);
  }

  private static ConsumerRecord<byte[], byte[]> source(String conversation, byte[] value) {
    return new ConsumerRecord<>(Topics.CHAT_MESSAGES.name(), 0, 42, conversation.getBytes(StandardCharsets.UTF_8), value);
  }

  /** The dead letter of a message PostgreSQL refused at {@code firstFailed} and on every retry tier after. */
  private static ProducerRecord<byte[], byte[]> refused(byte[] value, Instant firstFailed, String error, String kind) {
    String conversation = Json.parse(value).path("conversation").asText();
    ConsumerRecord<byte[], byte[]> record = source(conversation, value);
    for (int attempt = 0; ; attempt++) {
      Clock clock = Clock.fixed(firstFailed.plus(Duration.ofSeconds(30L * attempt)), ZoneOffset.UTC);
      ProducerRecord<byte[], byte[]> next = new RetryRouter(delays(), clock).next(record, error, kind);
      if (next.topic().equals(Topics.CHAT_MESSAGES_DLQ.name())) {
        return next;
      }
      ConsumerRecord<byte[], byte[]> hop = new ConsumerRecord<>(next.topic(), 0, attempt, next.key(), next.value());
      for (Header header : next.headers()) {
        hop.headers().add(header);
      }
      record = hop;
    }
  }

  private static void produceInOneTransaction(List<ProducerRecord<byte[], byte[]>> records) {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, "dlq-command-it",
        ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      records.forEach(producer::send);
      producer.commitTransaction();
    }
  }
}
