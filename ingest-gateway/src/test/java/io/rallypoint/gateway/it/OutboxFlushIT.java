package io.rallypoint.gateway.it;

import static io.rallypoint.gateway.it.Gateways.connect;
import static io.rallypoint.gateway.it.Gateways.conversation;
import static io.rallypoint.gateway.it.Gateways.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A phone comes back online with 500 messages in its outbox and writes them all at once, on a
 * gateway with the default rate limit (20 frames a second, bursts of 40), and resends each refused
 * message after its {@code retryAfterMs}, as PROTOCOL tells a client to: every message is acked
 * once, and the connection stays open although its refusals go on for longer than the abuse window.
 * (A message answered {@code unavailable} is sent again after its {@code retryAfterMs} too, as a
 * client does; with Kafka warmed up first, none is.)
 */
class OutboxFlushIT {

  private static final int OUTBOX = 500;
  private static final Duration PING_EVERY = Duration.ofSeconds(2);
  /** The index of a resend that is a ping. */
  private static final int PING = -1;

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  /** A resend the client has scheduled: message {@code index} once {@code dueAt} (System.nanoTime) has passed. */
  private record Resend(long dueAt, int index) {}

  @Test
  void anOutboxOf500SentAtOnceIsAckedOnceEachAtTheDefaultRateWithoutAClose() {
    Map<String, String> env = Gateways.env(db, redis);
    env.remove("GATEWAY_RATE_LIMIT_PER_SECOND"); // the defaults, 20/s and bursts of 40: not raised for this test
    env.remove("GATEWAY_RATE_LIMIT_BURST");
    env.remove("GATEWAY_ABUSE_WINDOW");
    env.remove("GATEWAY_ABUSE_CLOSE_AFTER");
    String conversation = conversation(db, "ana", "ben");
    try (GatewayServer node = Gateways.start(env);
        FrameClient ana = connect(node, "ana");
        FrameClient ben = connect(node, "ben");
        ExecutorService writer = Executors.newSingleThreadExecutor()) {
      // Given a gateway whose Kafka producer is warm (one message acked elsewhere)
      ana.send(send("warm", conversation(db, "ana"), UUID.randomUUID().toString(), "warm"));
      assertThat(ana.awaitType("ack").path("id").asText()).isEqualTo("warm");
      List<String> clientMsgIds = new ArrayList<>();
      for (int i = 0; i < OUTBOX; i++) {
        clientMsgIds.add(UUID.randomUUID().toString());
      }

      // When ana's phone writes all 500 sends at once, without waiting for any answer (its writer is
      // a thread of its own, so answers are read while the outbox is still being written)
      long start = System.nanoTime();
      for (int i = 0; i < OUTBOX; i++) {
        String frame = send("s" + i, conversation, clientMsgIds.get(i), "m" + i);
        writer.execute(() -> ana.send(frame));
      }

      // and, like a client, sends each refused one again once its retryAfterMs has passed, and pings
      // every 2 s meanwhile to keep its connection alive (refused too while the outbox drains; sent
      // again the same way)
      Map<String, Long> seqOfAcked = new HashMap<>();
      Map<Integer, Integer> refusalsOf = new HashMap<>();
      int unavailable = 0;
      int firstAnswers = 0;
      long firstAnsweredAfterMs = 0; // when the last of the 500 first attempts was answered
      List<Long> retryAfters = new ArrayList<>();
      PriorityQueue<Resend> resends = new PriorityQueue<>((a, b) -> Long.compare(a.dueAt(), b.dueAt()));
      long deadline = start + Duration.ofSeconds(120).toNanos();
      long nextPingAt = start + PING_EVERY.toNanos();
      int pings = 0;
      int pongs = 0;
      int pingsRefused = 0;
      int attempt = 0;
      while (seqOfAcked.size() < OUTBOX || pongs < pings) {
        assertThat(System.nanoTime()).as("all acked within 120 s; acked so far: %d", seqOfAcked.size())
            .isLessThan(deadline);
        assertThat(ana.closeCode()).as("ana's connection").isNotDone();
        if (seqOfAcked.size() < OUTBOX && System.nanoTime() - nextPingAt >= 0) {
          String ping = "{\"type\":\"ping\",\"id\":\"ping" + ++pings + "\"}";
          writer.execute(() -> ana.send(ping));
          nextPingAt += PING_EVERY.toNanos();
        }
        while (!resends.isEmpty() && resends.peek().dueAt() - System.nanoTime() <= 0) {
          int i = resends.poll().index();
          String frame = i == PING ? "{\"type\":\"ping\",\"id\":\"ping-again" + ++attempt + "\"}"
              : send("again" + i + "-" + ++attempt, conversation, clientMsgIds.get(i), "m" + i);
          writer.execute(() -> ana.send(frame));
        }
        long waitNanos = Math.min(nextPingAt - System.nanoTime(),
            resends.isEmpty() ? Duration.ofSeconds(5).toNanos() : resends.peek().dueAt() - System.nanoTime());
        JsonNode frame = ana.poll(Duration.ofNanos(waitNanos)).orElse(null);
        if (frame == null) {
          continue;
        }
        String id = frame.path("id").asText();
        if (id.matches("s\\d+") && ++firstAnswers == OUTBOX) {
          firstAnsweredAfterMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
        }
        String type = frame.path("type").asText();
        if (type.equals("ack")) {
          Long before = seqOfAcked.put(frame.path("clientMsgId").asText(), frame.path("seq").asLong());
          assertThat(before).as("message %s acked twice", frame.path("clientMsgId").asText()).isNull();
        } else if (type.equals("pong")) {
          pongs++;
        } else {
          assertThat(type).as(frame.toString()).isEqualTo("error");
          assertThat(frame.path("code").asText()).as(frame.toString()).isIn("rate_limited", "unavailable");
          assertThat(frame.path("retryAfterMs").isIntegralNumber()).as(frame.toString()).isTrue();
          long retryAfterMs = frame.path("retryAfterMs").asLong();
          int i = id.startsWith("ping") ? PING : indexOfRequest(id);
          if (i == PING) {
            pingsRefused++;
          } else if (frame.path("code").asText().equals("rate_limited")) {
            retryAfters.add(retryAfterMs);
            refusalsOf.merge(i, 1, Integer::sum);
          } else {
            unavailable++;
          }
          resends.add(new Resend(System.nanoTime() + Duration.ofMillis(retryAfterMs).toNanos(), i));
        }
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      // Then every message was acked exactly once, under 500 distinct seqs, and every ping answered
      // (those sent while the outbox drained were refused first: every token was promised to it)
      assertThat(pings).isGreaterThanOrEqualTo(5);
      assertThat(pingsRefused).isGreaterThanOrEqualTo(5);
      assertThat(seqOfAcked.keySet()).containsExactlyInAnyOrderElementsOf(clientMsgIds);
      assertThat(new HashSet<>(seqOfAcked.values())).hasSize(OUTBOX);
      // what the burst and the refill until they were all answered did not cover was refused, each
      // message at most once (its resend came at its turn), each told its own turn (the first after
      // one refill interval, the last some 20 s out), and the whole drained at the sustained rate
      long admittedAtOnce = 40 + firstAnsweredAfterMs / 50 + 1;
      assertThat(refusalsOf.size()).isGreaterThanOrEqualTo((int) (OUTBOX - admittedAtOnce));
      assertThat(refusalsOf.values()).allMatch(n -> n == 1);
      assertThat(retryAfters.getFirst()).isBetween(1L, 100L);
      assertThat(retryAfters.getLast()).isGreaterThan(refusalsOf.size() * 50L - firstAnsweredAfterMs - 1_000);
      assertThat(took).isGreaterThan(Duration.ofMillis(refusalsOf.size() * 50L - 1_000));
      // and nothing more comes: no late ack, no close
      assertThat(ana.quietFor(Duration.ofMillis(500))).isTrue();
      assertThat(ana.closeCode()).isNotDone();
      ana.send("{\"type\":\"ping\",\"id\":\"still-there\"}");
      assertThat(ana.awaitType("pong").path("id").asText()).isEqualTo("still-there");

      // And ben received each of the 500 once
      Set<Long> delivered = new HashSet<>();
      while (delivered.size() < OUTBOX) {
        JsonNode message = ben.awaitType("message");
        assertThat(delivered.add(message.path("seq").asLong())).as("seq delivered twice").isTrue();
      }
      assertThat(delivered).containsExactlyInAnyOrderElementsOf(seqOfAcked.values());

      // And chat.messages holds exactly 500 records of the conversation, one per message under its
      // acked seq (a resend after unavailable may write its message again, PROTOCOL 2: none was needed)
      long lastSeq = seqOfAcked.values().stream().mapToLong(Long::longValue).max().orElseThrow();
      TopicRecords.until("chat.messages", conversation, v -> v.path("seq").asLong() == lastSeq);
      List<JsonNode> records = TopicRecords.now("chat.messages", conversation);
      assertThat(records).hasSizeBetween(OUTBOX, OUTBOX + unavailable);
      assertThat(records).allSatisfy(r ->
          assertThat(r.path("seq").asLong()).isEqualTo(seqOfAcked.get(r.path("clientMsgId").asText())));
      assertThat(records.stream().map(r -> r.path("clientMsgId").asText()).distinct().toList())
          .containsExactlyInAnyOrderElementsOf(clientMsgIds);
    }
  }

  /** The outbox index of a send frame's request id ("s12" or "again12-345"). */
  private static int indexOfRequest(String id) {
    String digits = id.startsWith("again") ? id.substring("again".length(), id.indexOf('-')) : id.substring(1);
    return Integer.parseInt(digits);
  }
}
