package io.rallypoint.persister.bench;

import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rallypoint.embedded.EmbeddedKafka;
import io.rallypoint.persister.Persister;
import io.rallypoint.persister.PersisterConfig;
import io.rallypoint.persister.ops.PersisterMetrics;
import io.rallypoint.persister.write.MessageStore;
import io.rallypoint.schemas.db.DatabaseUrl;
import io.rallypoint.schemas.db.Migrations;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.id.UuidV7;
import io.rallypoint.schemas.json.Json;
import io.rallypoint.schemas.topic.TopicCreator;
import io.rallypoint.schemas.topic.Topics;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.postgresql.PGConnection;

/**
 * Persister throughput, not a test. Prints rows/s for:
 * <ol>
 *   <li>raw {@code COPY} of the rows into {@code messages} through pgjdbc's CopyManager (the baseline),</li>
 *   <li>the write strategies a persister could use, each in batches, straight against PostgreSQL,</li>
 *   <li>the real persister draining N messages pre-produced to {@code chat.messages} on a real broker,</li>
 * </ol>
 * and the ratios to the baseline, all measured in the same run on the same table.
 *
 * <p>Run: {@code ./mvnw -B -q -pl persister -am test-compile -DskipTests && ./mvnw -B -q -pl persister
 * exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.rallypoint.persister.bench.PersisterBenchmark
 * -Dexec.args="200000"} (uses {@code DATABASE_URL}, default the local PostgreSQL; starts its own broker).
 */
public final class PersisterBenchmark {

  private static final int BATCH = 2_000;
  private static final int CONVERSATIONS = 200;
  private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    DatabaseUrl server = DatabaseUrl.fromEnvironmentOrLocal();
    String schema = "bench_" + UUID.randomUUID().toString().substring(0, 8);
    exec(server.simpleDataSource(), "CREATE SCHEMA " + schema);
    DatabaseUrl url = server.withParameter("currentSchema", schema);
    DataSource ds = url.simpleDataSource();
    Path kafkaDir = Files.createTempDirectory("rallypoint-bench-kafka-");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(kafkaDir, 0)) {
      Migrations.migrate(ds);
      for (int c = 0; c < CONVERSATIONS; c++) {
        exec(ds, "INSERT INTO conversations (id) VALUES ('group-" + c + "')");
      }
      List<ChatMessage> messages = messages(n);
      System.out.printf(Locale.ROOT, "Persister benchmark: %,d messages, %d conversations, batches of %,d%n%n",
          n, CONVERSATIONS, BATCH);

      double copy = best("raw COPY (baseline)", ds, () -> copy(ds, messages));
      double store = best("MessageStore: COPY, falling back to staging on a conflict", ds, () -> store(ds, messages));
      double staged = best("COPY to staging + INSERT ... SELECT ON CONFLICT", ds, () -> staged(ds, messages));
      double unnest = best("INSERT ... SELECT unnest(arrays) ON CONFLICT DO NOTHING", ds, () -> unnest(ds, messages));
      double rewritten = best("batched INSERT ON CONFLICT, reWriteBatchedInserts", ds, () -> rewritten(url, messages));

      truncate(ds);
      produce(kafka.bootstrapServers(), messages);
      double persister = drain(kafka.bootstrapServers(), url, ds, n);

      System.out.printf(Locale.ROOT, "%n%-58s %12s %8s%n", "strategy", "rows/s", "x COPY");
      row("raw COPY (baseline)", copy, copy);
      row("MessageStore write (the persister's; new rows)", store, copy);
      row("COPY to staging + INSERT SELECT (its redelivery path)", staged, copy);
      row("unnest INSERT", unnest, copy);
      row("rewritten batched INSERT", rewritten, copy);
      row("persister end to end (Kafka -> PostgreSQL)", persister, copy);
    } finally {
      exec(server.simpleDataSource(), "DROP SCHEMA " + schema + " CASCADE");
    }
  }

  private interface Run {
    void run() throws Exception;
  }

  /** The best of three runs on an empty table, in rows/s. */
  private static double best(String name, DataSource ds, Run run) throws Exception {
    double best = 0;
    for (int i = 0; i < 3; i++) {
      truncate(ds);
      long start = System.nanoTime();
      run.run();
      double seconds = (System.nanoTime() - start) / 1e9;
      long rows = count(ds);
      best = Math.max(best, rows / seconds);
    }
    System.out.printf(Locale.ROOT, "  %-58s %,12.0f rows/s%n", name, best);
    return best;
  }

  private static double drain(String bootstrap, DatabaseUrl url, DataSource ds, int n) throws Exception {
    int consumers = Integer.parseInt(System.getProperty("consumers", "2"));
    int maxBatch = Integer.parseInt(System.getProperty("batch", String.valueOf(PersisterConfig.DEFAULT_MAX_BATCH)));
    PersisterConfig config = new PersisterConfig(bootstrap, url, 0, "bench-" + UUID.randomUUID(), maxBatch,
        List.of(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(16)),
        Duration.ofMillis(100), Duration.ofSeconds(5), consumers + 1, consumers,
        PersisterConfig.DEFAULT_BATCH_WAIT);
    long start = System.nanoTime();
    long firstCount;
    long firstRow;
    long end;
    try (Persister persister = Persister.start(config)) {
      // the group has joined and the first batch is in: the clock starts
      // Progress is read from the persister's own counter: a count(*) every few milliseconds would
      // scan the growing table and take PostgreSQL's CPU from the writes being measured.
      firstCount = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(5))
          .until(() -> rowsWritten(persister.httpPort()), stored -> stored > 0);
      firstRow = System.nanoTime();
      await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(20))
          .until(() -> rowsWritten(persister.httpPort()) >= n);
      end = System.nanoTime();
      printWriteStats(persister.httpPort());
    }
    if (count(ds) != n) {
      throw new IllegalStateException("the table holds " + count(ds) + " rows, not " + n);
    }
    double rate = (n - firstCount) / ((end - firstRow) / 1e9);
    System.out.printf(Locale.ROOT, "  %-58s %,12.0f rows/s (%.1f s for %,d from the first stored batch; %.1f s with group join)%n",
        "persister draining chat.messages (" + config.consumers() + " consumer loops)", rate, (end - firstRow) / 1e9,
        n - firstCount, (end - start) / 1e9);
    return rate;
  }

  private static void copy(DataSource ds, List<ChatMessage> messages) throws Exception {
    try (Connection c = ds.getConnection()) {
      c.unwrap(PGConnection.class).getCopyAPI().copyIn(
          "COPY messages (message_id, conversation_id, seq, sender_id, client_msg_id, body, metadata, sent_at) "
              + "FROM STDIN (FORMAT csv)", new StringReader(csv(messages)));
    }
  }

  /** The persister's own write path, batch by batch on one connection. */
  private static void store(DataSource ds, List<ChatMessage> messages) throws Exception {
    try (Connection c = ds.getConnection()) {
      Jdbi jdbi = Jdbi.create(new SingleConnection(c)).installPlugin(new SqlObjectPlugin()).installPlugin(new PostgresPlugin());
      MessageStore store = new MessageStore(jdbi, new PersisterMetrics(new SimpleMeterRegistry()));
      for (List<ChatMessage> batch : batches(messages)) {
        store.write(batch, List.of(), List.of());
      }
    }
  }

  /** Every batch through the staging table, as MessageStore does for a redelivered batch. */
  private static void staged(DataSource ds, List<ChatMessage> messages) throws Exception {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TEMP TABLE staging (LIKE messages INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
      }
      c.commit();
      for (List<ChatMessage> batch : batches(messages)) {
        c.unwrap(PGConnection.class).getCopyAPI().copyIn(
            "COPY staging (message_id, conversation_id, seq, sender_id, client_msg_id, body, metadata, sent_at) "
                + "FROM STDIN (FORMAT csv)", new StringReader(csv(batch)));
        try (Statement s = c.createStatement()) {
          s.execute("INSERT INTO messages SELECT * FROM staging ON CONFLICT DO NOTHING");
        }
        c.commit();
      }
    }
  }

  /** One INSERT ... SELECT FROM unnest(column arrays) per batch. */
  private static void unnest(DataSource ds, List<ChatMessage> messages) throws Exception {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO messages (message_id, conversation_id, seq, sender_id, client_msg_id, body, metadata, sent_at) "
            + "SELECT m.a::uuid, m.b, m.c, m.d, m.e::uuid, m.f, m.g::jsonb, m.h::timestamptz "
            + "FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) "
            + "AS m (a, b, c, d, e, f, g, h) ON CONFLICT DO NOTHING")) {
      c.setAutoCommit(false);
      for (List<ChatMessage> batch : batches(messages)) {
        ps.setArray(1, c.createArrayOf("text", batch.stream().map(ChatMessage::messageId).toArray()));
        ps.setArray(2, c.createArrayOf("text", batch.stream().map(ChatMessage::conversation).toArray()));
        ps.setArray(3, c.createArrayOf("bigint", batch.stream().map(ChatMessage::seq).toArray()));
        ps.setArray(4, c.createArrayOf("text", batch.stream().map(ChatMessage::sender).toArray()));
        ps.setArray(5, c.createArrayOf("text", batch.stream().map(ChatMessage::clientMsgId).toArray()));
        ps.setArray(6, c.createArrayOf("text", batch.stream().map(ChatMessage::body).toArray()));
        ps.setArray(7, c.createArrayOf("text", batch.stream().map(m -> Json.toString(m.metadata())).toArray()));
        ps.setArray(8, c.createArrayOf("text", batch.stream().map(m -> Json.format(m.sentAt())).toArray()));
        ps.executeUpdate();
        c.commit();
      }
    }
  }

  private static void rewritten(DatabaseUrl url, List<ChatMessage> messages) throws Exception {
    DataSource ds = url.withParameter("reWriteBatchedInserts", "true").simpleDataSource();
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO messages (message_id, conversation_id, seq, sender_id, client_msg_id, body, metadata, sent_at) "
            + "VALUES (?::uuid, ?, ?, ?, ?::uuid, ?, ?::jsonb, ?::timestamptz) ON CONFLICT DO NOTHING")) {
      c.setAutoCommit(false);
      for (List<ChatMessage> batch : batches(messages)) {
        for (ChatMessage m : batch) {
          ps.setString(1, m.messageId());
          ps.setString(2, m.conversation());
          ps.setLong(3, m.seq());
          ps.setString(4, m.sender());
          ps.setString(5, m.clientMsgId());
          ps.setString(6, m.body());
          ps.setString(7, Json.toString(m.metadata()));
          ps.setString(8, Json.format(m.sentAt()));
          ps.addBatch();
        }
        ps.executeBatch();
        c.commit();
      }
    }
  }

  /** Messages the persister has written to PostgreSQL, from its {@code /metrics}. */
  private static long rowsWritten(int httpPort) throws Exception {
    return (long) metric(scrape(httpPort), "persister_rows_written_total{table=\"messages\"");
  }

  private static String scrape(int httpPort) throws Exception {
    return HTTP.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Where the drain's time went, from the persister's own metrics: batch sizes and database time. */
  private static void printWriteStats(int httpPort) throws Exception {
    String metrics = scrape(httpPort);
    double batches = metric(metrics, "persister_batch_size_count");
    double records = metric(metrics, "persister_batch_size_sum");
    double writeSeconds = metric(metrics, "persister_write_latency_seconds_sum");
    System.out.printf(Locale.ROOT, "  %-58s %,.0f batches, %,.0f records/batch, %.1f ms/batch in PostgreSQL (%.1f s in all)%n",
        "persister batches", batches, records / batches, 1000 * writeSeconds / batches, writeSeconds);
  }

  private static double metric(String text, String name) {
    return text.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name.contains("{") ? name : name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  private static void produce(String bootstrap, List<ChatMessage> messages) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      TopicCreator.ensure(admin, Topics.ALL);
    }
    long start = System.nanoTime();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 20,
        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024), new StringSerializer(), new ByteArraySerializer())) {
      List<java.util.concurrent.Future<?>> sent = new ArrayList<>(messages.size());
      for (ChatMessage m : messages) {
        sent.add(producer.send(new ProducerRecord<>(Topics.CHAT_MESSAGES.name(), m.conversation(),
            Topics.CHAT_MESSAGES.valueSerde().serializer().serialize(Topics.CHAT_MESSAGES.name(), m))));
      }
      producer.flush();
      for (var future : sent) {
        future.get(); // every message must be on the topic, or the drain below would wait for ever
      }
    }
    System.out.printf(Locale.ROOT, "  %-58s %.1f s%n", "pre-producing to chat.messages", (System.nanoTime() - start) / 1e9);
  }

  private static List<ChatMessage> messages(int n) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    List<ChatMessage> messages = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int c = i % CONVERSATIONS;
      messages.add(new ChatMessage("group-" + c, UuidV7.next().toString(), i / CONVERSATIONS + 1L, "user-" + (i % 7),
          UUID.randomUUID().toString(), "On my way, meet at the north gate in 10 minutes (" + i + ")",
          Json.object().put("kind", i % 10 == 0 ? "location" : "text").put("lat", 51.5).put("lng", -0.12), now));
    }
    return messages;
  }

  private static List<List<ChatMessage>> batches(List<ChatMessage> messages) {
    List<List<ChatMessage>> batches = new ArrayList<>();
    for (int i = 0; i < messages.size(); i += BATCH) {
      batches.add(messages.subList(i, Math.min(messages.size(), i + BATCH)));
    }
    return batches;
  }

  private static String csv(List<ChatMessage> messages) {
    StringBuilder out = new StringBuilder(messages.size() * 200);
    for (ChatMessage m : messages) {
      out.append(m.messageId()).append(',').append(quote(m.conversation())).append(',').append(m.seq()).append(',')
          .append(quote(m.sender())).append(',').append(m.clientMsgId()).append(',').append(quote(m.body())).append(',')
          .append(quote(Json.toString(m.metadata()))).append(',').append(Json.format(m.sentAt())).append('\n');
    }
    return out.toString();
  }

  private static String quote(String s) {
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  private static void row(String name, double rate, double baseline) {
    System.out.printf(Locale.ROOT, "%-58s %,12.0f %8.2f%n", name, rate, rate / baseline);
  }

  private static void truncate(DataSource ds) throws Exception {
    exec(ds, "TRUNCATE messages");
  }

  private static long count(DataSource ds) throws Exception {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM messages")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void exec(DataSource ds, String sql) throws Exception {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
