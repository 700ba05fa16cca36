package io.rallypoint.persister;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rallypoint.schemas.event.ReceiptEvent;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.json.Json;
import io.rallypoint.schemas.topic.RetryHeaders;
import io.rallypoint.schemas.topic.Topics;
import io.rallypoint.testsupport.IsolatedKafka;
import io.rallypoint.testsupport.PostgresSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One persister against a real broker and PostgreSQL: what lands in the tables, and where refused records go. */
class PersisterIT {

  @RegisterExtension
  static final IsolatedKafka kafka = new IsolatedKafka(4);

  @RegisterExtension
  static final PostgresSchema schema = PostgresSchema.migrated();

  static final List<Duration> RETRY_DELAYS = List.of(Duration.ofMillis(400), Duration.ofMillis(800), Duration.ofMillis(1600));

  static Persister persister;
  static ChatTraffic traffic;
  static Db db;

  @BeforeAll
  static void start() {
    db = new Db(schema);
    persister = Persister.start(new PersisterConfig(kafka.bootstrapServers(), schema.databaseUrl(), 0,
        PersisterConfig.DEFAULT_GROUP, 2_000, RETRY_DELAYS, Duration.ofMillis(100), Duration.ofSeconds(1), 3, 2, PersisterConfig.DEFAULT_BATCH_WAIT));
    traffic = new ChatTraffic(kafka.bootstrapServers());
  }

  @AfterAll
  static void stop() {
    traffic.close();
    persister.close();
  }

  @Test
  void a_stream_of_messages_lands_once_each_with_metadata_as_jsonb() {
    db.conversation("run-club");
    List<ChatMessage> messages = IntStream.rangeClosed(1, 500)
        .mapToObj(i -> ChatTraffic.message("run-club", i, i % 2 == 0 ? "alice" : "bob", "message " + i))
        .toList();

    traffic.send(messages);

    await().atMost(Duration.ofSeconds(30)).until(() -> db.count(
        "SELECT count(*) FROM messages WHERE conversation_id = 'run-club'") == 500);
    assertThat(db.count("SELECT count(*) FROM messages WHERE conversation_id = 'run-club' AND metadata->>'kind' = 'text'"))
        .isEqualTo(500);
    assertThat(db.strings("SELECT pg_typeof(metadata)::text FROM messages LIMIT 1")).containsExactly("jsonb");
    assertThat(db.count("SELECT count(*) FROM messages WHERE conversation_id = 'run-club' AND persisted_at >= sent_at"))
        .isEqualTo(500);
  }

  @Test
  void a_redelivered_message_is_stored_once() {
    db.conversation("redelivery");
    ChatMessage message = ChatTraffic.message("redelivery", 1, "alice", "only once");
    ChatMessage next = ChatTraffic.message("redelivery", 2, "alice", "after it");

    traffic.send(message, message, message, next);

    await().atMost(Duration.ofSeconds(30)).until(() -> db.count(
        "SELECT count(*) FROM messages WHERE conversation_id = 'redelivery' AND seq = 2") == 1);
    assertThat(db.count("SELECT count(*) FROM messages WHERE conversation_id = 'redelivery'")).isEqualTo(2);
    assertThat(gaps("redelivery")).isEmpty();
  }

  @Test
  void a_resend_under_a_new_message_id_and_seq_is_stored_once_and_its_seq_recorded_as_a_gap() {
    db.conversation("resend");
    ChatMessage first = ChatTraffic.message("resend", 1, "alice", "hello");
    ChatMessage resentWithNewId = new ChatMessage("resend", io.rallypoint.schemas.id.UuidV7.next().toString(), 2, "alice",
        first.clientMsgId(), "hello", first.metadata(), first.sentAt());
    ChatMessage marker = ChatTraffic.message("resend", 3, "bob", "marker");

    traffic.send(first, resentWithNewId, marker);

    await().atMost(Duration.ofSeconds(30)).until(() -> db.count(
        "SELECT count(*) FROM messages WHERE conversation_id = 'resend' AND seq = 3") == 1);
    assertThat(db.strings("SELECT seq FROM messages WHERE conversation_id = 'resend' ORDER BY seq"))
        .containsExactly("1", "3");
    // Then seq 2, which the gateway acked, is final: sync will skip it instead of waiting for it
    assertThat(gaps("resend")).containsExactly("2 " + resentWithNewId.messageId() + " duplicate-client-msg-id");

    // And a redelivery of the resend changes nothing
    traffic.send(resentWithNewId, ChatTraffic.message("resend", 4, "bob", "second marker"));
    await().atMost(Duration.ofSeconds(30)).until(() -> db.count(
        "SELECT count(*) FROM messages WHERE conversation_id = 'resend' AND seq = 4") == 1);
    assertThat(db.count("SELECT count(*) FROM messages WHERE conversation_id = 'resend'")).isEqualTo(3);
    assertThat(gaps("resend")).hasSize(1);
  }

  @Test
  void a_different_message_with_a_seq_already_taken_is_dead_lettered_not_dropped() {
    db.conversation("seq-taken");
    ChatMessage first = ChatTraffic.message("seq-taken", 1, "alice", "the real seq 1");
    traffic.send(first);
    await().atMost(Duration.ofSeconds(30)).until(() -> db.count(
        "SELECT count(*) FROM messages WHERE conversation_id = 'seq-taken'") == 1);

    // e.g. the gateway's Redis lost its counter and minted seq 1 again for another message
    ChatMessage clash = ChatTraffic.message("seq-taken", 1, "bob", "a second seq 1");
    traffic.send(clash);

    await().atMost(Duration.ofSeconds(30)).until(() -> dlqFor("seq-taken").size() == 1);
    assertThat(header(dlqFor("seq-taken").get(0), RetryHeaders.ERROR)).contains(clash.messageId()).contains("seq");
    assertThat(db.strings("SELECT body FROM messages WHERE conversation_id = 'seq-taken'")).containsExactly("the real seq 1");
    assertThat(gaps("seq-taken")).as("seq 1 is filled by the first message: no gap").isEmpty();
  }

  @Test
  void read_receipts_only_ever_go_up() {
    db.conversation("receipts");
    Instant now = Instant.now();

    traffic.sendReceipt(new ReceiptEvent("receipts", "bob", 5, now));
    traffic.sendReceipt(new ReceiptEvent("receipts", "bob", 3, now));
    traffic.sendReceipt(new ReceiptEvent("receipts", "carol", 2, now));

    await().atMost(Duration.ofSeconds(30)).until(() -> db.count(
        "SELECT count(*) FROM read_receipts WHERE conversation_id = 'receipts'") == 2);
    assertThat(db.strings("SELECT seq FROM read_receipts WHERE conversation_id = 'receipts' AND user_id = 'bob'"))
        .containsExactly("5");

    traffic.sendReceipt(new ReceiptEvent("receipts", "bob", 7, now));
    await().atMost(Duration.ofSeconds(30)).until(() -> db.strings(
        "SELECT seq FROM read_receipts WHERE conversation_id = 'receipts' AND user_id = 'bob'").equals(List.of("7")));
  }

  @Test
  void a_read_receipt_postgresql_refuses_is_dropped_and_counted_while_the_others_are_stored() throws Exception {
    db.conversation("receipts-kept");
    Instant now = Instant.now();
    double rejectedBefore = metric("persister_receipts_rejected_total");

    // no such conversation: PostgreSQL refuses the receipt for its content
    traffic.sendReceipt(new ReceiptEvent("receipts-nowhere", "bob", 4, now));
    traffic.sendReceipt(new ReceiptEvent("receipts-kept", "bob", 4, now));

    await().atMost(Duration.ofSeconds(30)).until(() -> db.count(
        "SELECT count(*) FROM read_receipts WHERE conversation_id = 'receipts-kept'") == 1);
    await().atMost(Duration.ofSeconds(30)).until(() -> metric("persister_receipts_rejected_total") == rejectedBefore + 1);
    assertThat(db.count("SELECT count(*) FROM read_receipts WHERE conversation_id = 'receipts-nowhere'")).isZero();
    assertThat(retriesFor("receipts-nowhere")).as("a receipt is not retried").isEmpty();
  }

  @Test
  void unreadable_bytes_go_straight_to_the_dead_letter_topic_and_do_not_stop_the_partition() {
    db.conversation("garbage");
    traffic.sendRaw("garbage", "{not json at all".getBytes(StandardCharsets.UTF_8));
    traffic.send(ChatTraffic.message("garbage", 1, "alice", "after the garbage"));

    await().atMost(Duration.ofSeconds(30)).until(() -> db.count(
        "SELECT count(*) FROM messages WHERE conversation_id = 'garbage'") == 1);
    // the forward commits with the batch's offsets, which may be a poll after the rows are visible
    await().atMost(Duration.ofSeconds(30)).until(() -> dlqFor("garbage").size() == 1);
    List<ConsumerRecord<byte[], byte[]>> dlq = dlqFor("garbage");
    assertThat(new String(dlq.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{not json at all");
    assertThat(header(dlq.get(0), RetryHeaders.ERROR_KIND)).isEqualTo("unreadable");
    assertThat(header(dlq.get(0), RetryHeaders.ORIGINAL_TOPIC)).isEqualTo("chat.messages");
    assertThat(retriesFor("garbage")).isEmpty();
    assertThat(gaps("garbage")).as("no conversation or seq to be read from these bytes").isEmpty();
  }

  @Test
  void an_unreadable_record_that_still_names_its_conversation_and_seq_leaves_a_gap() {
    db.conversation("garbled");
    String messageId = io.rallypoint.schemas.id.UuidV7.next().toString();
    traffic.sendRaw("garbled", ("{\"conversation\":\"garbled\",\"messageId\":\"" + messageId + "\",\"seq\":1,"
        + "\"sender\":\"alice\",\"clientMsgId\":\"" + java.util.UUID.randomUUID() + "\",\"body\":\"x\","
        + "\"metadata\":{},\"sentAt\":\"yesterday\"}").getBytes(StandardCharsets.UTF_8));

    await().atMost(Duration.ofSeconds(30)).until(() -> dlqFor("garbled").size() == 1);

    // the gap is written before the forward to the dead-letter topic commits
    assertThat(gaps("garbled")).containsExactly("1 " + messageId + " dead-lettered");
  }

  @Test
  void a_poison_record_walks_three_retry_tiers_with_growing_delays_to_the_dlq_while_its_neighbours_are_stored() {
    db.conversation("poison-neighbours");
    // Same key as its neighbours, so they share a partition; the conversation does not exist: PostgreSQL refuses it.
    ChatMessage before = ChatTraffic.message("poison-neighbours", 1, "alice", "before");
    ChatMessage poison = new ChatMessage("poison-neighbours", io.rallypoint.schemas.id.UuidV7.next().toString(), 2,
        "mallory", java.util.UUID.randomUUID().toString(), "nul byte \u0000 inside", Json.object(), Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    ChatMessage after = ChatTraffic.message("poison-neighbours", 3, "alice", "after");

    traffic.send(before, poison, after);

    await().atMost(Duration.ofSeconds(30)).until(() -> db.count(
        "SELECT count(*) FROM messages WHERE conversation_id = 'poison-neighbours'") == 2);
    await().atMost(Duration.ofSeconds(30)).until(() -> dlqFor("poison-neighbours").size() == 1);
    // Its acked seq is final once it is dead-lettered (the gap is written before that forward commits)
    assertThat(gaps("poison-neighbours")).containsExactly("2 " + poison.messageId() + " dead-lettered");

    List<ConsumerRecord<byte[], byte[]>> hops = new ArrayList<>();
    for (int tier = 1; tier <= 3; tier++) {
      List<ConsumerRecord<byte[], byte[]>> onTier = traffic.readAll(Topics.chatMessagesRetry(tier).name()).stream()
          .filter(r -> "poison-neighbours".equals(new String(r.key(), StandardCharsets.UTF_8))).toList();
      assertThat(onTier).as("exactly one record on retry.%d", tier).hasSize(1);
      assertThat(header(onTier.get(0), RetryHeaders.ATTEMPT)).isEqualTo(String.valueOf(tier));
      hops.add(onTier.get(0));
    }
    ConsumerRecord<byte[], byte[]> dead = dlqFor("poison-neighbours").get(0);
    hops.add(dead);
    assertThat(header(dead, RetryHeaders.ATTEMPT)).isEqualTo("3");
    assertThat(header(dead, RetryHeaders.ERROR)).contains("0x00");
    assertThat(header(dead, RetryHeaders.ORIGINAL_TOPIC)).isEqualTo("chat.messages");
    assertThat(Topics.CHAT_MESSAGES.valueSerde().deserializer().deserialize("chat.messages", dead.value()))
        .isEqualTo(poison);

    // Each hop happened at least its tier's delay after the previous one, and the delays grow.
    for (int tier = 1; tier <= 3; tier++) {
      long gap = hops.get(tier).timestamp() - hops.get(tier - 1).timestamp();
      assertThat(gap).as("time on retry.%d before the next hop", tier).isGreaterThanOrEqualTo(RETRY_DELAYS.get(tier - 1).toMillis());
      Instant due = Instant.parse(header(hops.get(tier - 1), RetryHeaders.DUE_AT));
      assertThat(due.toEpochMilli() - hops.get(tier - 1).timestamp())
          .as("due-at of retry.%d", tier).isBetween(RETRY_DELAYS.get(tier - 1).toMillis() - 50, RETRY_DELAYS.get(tier - 1).toMillis() + 1_000);
    }
  }

  @Test
  void health_and_metrics_answer_on_the_http_port() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI base = URI.create("http://127.0.0.1:" + persister.httpPort());

    HttpResponse<String> ready = http.send(HttpRequest.newBuilder(base.resolve("/health/ready")).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("persister_rows_written_total", "persister_write_latency_seconds_bucket",
        "persister_batch_size", "kafka_consumer_fetch_manager_records_lag");
  }

  /** A meter's value as {@code /metrics} shows it (0 before it was first counted). */
  private static double metric(String name) throws Exception {
    String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + persister.httpPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return body.lines().filter(line -> line.startsWith(name + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(name.length() + 1).trim()))
        .findFirst().orElse(0);
  }

  /** The conversation's recorded gaps as "seq messageId reason". */
  private static List<String> gaps(String conversation) {
    return db.strings("SELECT seq || ' ' || coalesce(message_id::text, '-') || ' ' || reason FROM message_gaps"
        + " WHERE conversation_id = ? ORDER BY seq", conversation);
  }

  private static List<ConsumerRecord<byte[], byte[]>> dlqFor(String conversation) {
    return traffic.readAll(Topics.CHAT_MESSAGES_DLQ.name()).stream()
        .filter(r -> conversation.equals(new String(r.key(), StandardCharsets.UTF_8))).toList();
  }

  private static List<ConsumerRecord<byte[], byte[]>> retriesFor(String conversation) {
    List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
    for (int tier = 1; tier <= 3; tier++) {
      traffic.readAll(Topics.chatMessagesRetry(tier).name()).stream()
          .filter(r -> conversation.equals(new String(r.key(), StandardCharsets.UTF_8))).forEach(all::add);
    }
    return all;
  }

  static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    var h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
