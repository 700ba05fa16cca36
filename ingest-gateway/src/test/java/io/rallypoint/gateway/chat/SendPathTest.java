package io.rallypoint.gateway.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.rallypoint.gateway.connection.Connection;
import io.rallypoint.gateway.deps.DependencyDown;
import io.rallypoint.gateway.deps.ErrorReplies;
import io.rallypoint.gateway.fanout.Broadcast;
import io.rallypoint.gateway.fanout.ConversationLanes;
import io.rallypoint.gateway.kafka.TopicWriter;
import io.rallypoint.gateway.location.PinConsent;
import io.rallypoint.gateway.metrics.GatewayMetrics;
import io.rallypoint.gateway.protect.RateLimiter;
import io.rallypoint.gateway.store.ChatStore;
import io.rallypoint.gateway.wire.ChatMessageWire;
import io.rallypoint.schemas.event.ReceiptEvent;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.frame.ErrorCode;
import io.rallypoint.schemas.frame.ErrorFrame;
import io.rallypoint.schemas.frame.SendFrame;
import io.rallypoint.schemas.json.Json;
import io.rallypoint.schemas.topic.Topic;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The send path with fakes of its ports (no Redis, Kafka or PostgreSQL): what the sender and the
 * members notice, and in which order the effects happen.
 */
class SendPathTest {

  private static final String CONVERSATION = "run-club";
  private final List<String> effects = new ArrayList<>();
  private final FakeStore store = new FakeStore();
  private final FakeTopics topics = new FakeTopics();
  private final List<String> broadcast = new ArrayList<>();
  private final Map<String, Long> persistedTops = new HashMap<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final GatewayMetrics metrics = new GatewayMetrics(registry, () -> 0, () -> 0);
  private boolean pinsAllowed = true;
  private EmbeddedChannel channel;
  private Connection ana;

  @BeforeEach
  void connect() {
    channel = new EmbeddedChannel();
    ana = new Connection(channel, "ana", new RateLimiter(100, 100, Duration.ofSeconds(10), 100, System::nanoTime).acquire("ana"),
        new RateLimiter(100, 100, Duration.ofSeconds(10), 100, System::nanoTime).acquire("ana"), metrics);
    ana.markOpen();
  }

  private SendPath sendPath(int maxPendingAccepts) {
    Broadcast local = (conversation, frame, origin) -> {
      effects.add("broadcast");
      broadcast.add(frame);
      return 9;
    };
    PinConsent pins = (connection, send) -> CompletableFuture.completedFuture(pinsAllowed
        ? Optional.empty()
        : Optional.of(new ErrorFrame(send.id(), ErrorCode.CONSENT_REQUIRED, "no consent")));
    SeqSeed seed = conversation -> {
      effects.add("seed");
      return CompletableFuture.completedFuture(
          new ChatStore.Seed(persistedTops.getOrDefault(conversation, 0L), 0, List.of()));
    };
    return new SendPath(store, seed, local, new ConversationLanes(List.of(Runnable::run)), topics, pins,
        new ErrorReplies(System::nanoTime), metrics, 100, maxPendingAccepts,
        Clock.fixed(Instant.parse("2026-12-02T10:00:00.123Z"), ZoneOffset.UTC));
  }

  private static SendFrame send(String id, String clientMsgId, String body) {
    return new SendFrame(id, CONVERSATION, clientMsgId, body, null);
  }

  /** Runs the tasks queued on ana's event loop and returns the frames written to her, in order. */
  private List<JsonNode> repliesToAna() {
    channel.runPendingTasks();
    List<JsonNode> replies = new ArrayList<>();
    for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
      TextWebSocketFrame frame = (TextWebSocketFrame) out;
      replies.add(Json.parse(frame.text()));
      frame.release();
    }
    return replies;
  }

  @Test
  void aFreshMessageIsAcceptedBroadcastProducedMarkedAndOnlyThenAcked() {
    // Given a conversation whose seq counter is at 4
    store.counters.put(CONVERSATION, 4L);
    store.holdMarks = true;
    SendPath path = sendPath(10);

    // When ana sends a message
    path.handle(ana, send("r1", UUID.randomUUID().toString(), "on my way"));

    // Then the members got it before Kafka was asked, and ana gets no ack before the ack bit is set
    assertThat(effects).containsExactly("accept", "broadcast", "append");
    assertThat(repliesToAna()).isEmpty();
    topics.completeAll();
    assertThat(effects).containsExactly("accept", "broadcast", "append", "markAcked");
    assertThat(repliesToAna()).as("no ack before Redis has the ack bit").isEmpty();
    store.releaseMarks();
    List<JsonNode> replies = repliesToAna();
    assertThat(replies).hasSize(1);
    JsonNode ack = replies.get(0);
    assertThat(ack.path("type").asText()).isEqualTo("ack");
    assertThat(ack.path("id").asText()).isEqualTo("r1");
    assertThat(ack.path("seq").asLong()).isEqualTo(5);
    // the broadcast frame is the message frame of exactly what Kafka got
    ChatMessage produced = ChatMessageWire.parse(topics.appended.get(0));
    assertThat(broadcast).containsExactly(ChatMessageWire.messageFrame(topics.appended.get(0)));
    assertThat(produced.messageId()).isEqualTo(ack.path("messageId").asText());
    assertThat(produced.body()).isEqualTo("on my way");
    assertThat(produced.seq()).isEqualTo(5);
  }

  @Test
  void aResendOfAnAckedMessageGetsTheSameAckAndIsNeitherBroadcastNorProducedAgain() {
    // Given a message ana sent and had acked
    store.counters.put(CONVERSATION, 0L);
    SendPath path = sendPath(10);
    String clientMsgId = UUID.randomUUID().toString();
    path.handle(ana, send("r1", clientMsgId, "hello"));
    topics.completeAll();
    JsonNode first = repliesToAna().get(0);
    effects.clear();

    // When her phone sends it again (it never saw the ack)
    path.handle(ana, send("r2", clientMsgId, "hello"));

    // Then she gets the same messageId and seq, and nobody gets the message twice
    JsonNode second = repliesToAna().get(0);
    assertThat(second.path("type").asText()).isEqualTo("ack");
    assertThat(second.path("id").asText()).isEqualTo("r2");
    assertThat(second.path("messageId").asText()).isEqualTo(first.path("messageId").asText());
    assertThat(second.path("seq").asLong()).isEqualTo(first.path("seq").asLong());
    assertThat(effects).containsExactly("accept");
    assertThat(broadcast).hasSize(1);
    assertThat(topics.appended).hasSize(1);
  }

  @Test
  void kafkaRefusingGivesUnavailableAndTheResendIsProducedAgainWithTheSameIdAndSeq() {
    // Given Kafka refuses the first write of ana's message
    store.counters.put(CONVERSATION, 41L);
    SendPath path = sendPath(10);
    String clientMsgId = UUID.randomUUID().toString();
    path.handle(ana, send("r1", clientMsgId, "ping"));
    topics.failAll();

    // Then she is told unavailable: the message was not accepted, keep it and retry in a second
    JsonNode refusal = repliesToAna().get(0);
    assertThat(refusal.path("type").asText()).isEqualTo("error");
    assertThat(refusal.path("code").asText()).isEqualTo("unavailable");
    assertThat(refusal.path("retryAfterMs").asLong()).isEqualTo(1_000);
    assertThat(refusal.path("id").asText()).isEqualTo("r1");
    assertThat(store.marked).isEmpty();

    // When she resends it and Kafka takes it
    path.handle(ana, send("r2", clientMsgId, "ping"));
    topics.completeAll();

    // Then it is produced again with the same messageId and seq, broadcast only the first time
    JsonNode ack = repliesToAna().get(0);
    assertThat(ack.path("type").asText()).isEqualTo("ack");
    assertThat(ack.path("seq").asLong()).isEqualTo(42);
    assertThat(topics.appended).hasSize(2);
    assertThat(topics.appended.get(1)).isEqualTo(topics.appended.get(0));
    assertThat(ack.path("messageId").asText()).isEqualTo(ChatMessageWire.parse(topics.appended.get(0)).messageId());
    assertThat(broadcast).hasSize(1);
    assertThat(store.marked).extracting(ChatMessage::seq).containsExactly(42L);
  }

  @Test
  void aConversationWithoutACounterRestartsItFromItsSeed() {
    // Given Redis lost the conversation's counter, and its seed (from PostgreSQL and Kafka) is 17
    persistedTops.put(CONVERSATION, 17L);
    SendPath path = sendPath(10);

    // When ana sends
    path.handle(ana, send("r1", UUID.randomUUID().toString(), "still there?"));
    topics.completeAll();

    // Then the message gets seq 18, not 1, and the restart is counted
    assertThat(effects).startsWith("accept", "seed", "acceptSeeded", "broadcast");
    assertThat(repliesToAna().get(0).path("seq").asLong()).isEqualTo(18);
    assertThat(registry.get("rallypoint.gateway.seq.counters.restored").counter().count()).isEqualTo(1.0);
  }

  @Test
  void pastTheAdmissionLimitASendIsRefusedAtOnceWithoutReachingRedis() {
    // Given Redis is slow: the one send it may have waiting is still unanswered
    store.counters.put(CONVERSATION, 0L);
    store.hold = true;
    SendPath path = sendPath(1);
    path.handle(ana, send("r1", UUID.randomUUID().toString(), "one"));

    // When a second send arrives
    path.handle(ana, send("r2", UUID.randomUUID().toString(), "two"));

    // Then it is answered unavailable now, and Redis never saw it
    List<JsonNode> replies = repliesToAna();
    assertThat(replies).hasSize(1);
    assertThat(replies.get(0).path("id").asText()).isEqualTo("r2");
    assertThat(replies.get(0).path("code").asText()).isEqualTo("unavailable");
    assertThat(effects).containsExactly("accept");

    // And once Redis answers the first, a new send is admitted again
    store.release();
    topics.completeAll();
    path.handle(ana, send("r3", UUID.randomUUID().toString(), "three"));
    topics.completeAll();
    assertThat(repliesToAna()).extracting(r -> r.path("id").asText() + ":" + r.path("type").asText())
        .containsExactly("r1:ack", "r3:ack");
  }

  @Test
  void aBodyOverTheLimitAndAPinWithoutConsentAreRefusedBeforeAnythingIsStored() {
    SendPath path = sendPath(10);
    pinsAllowed = false;

    path.handle(ana, send("long", UUID.randomUUID().toString(), "x".repeat(101)));
    ObjectNode pin = Json.object().put("kind", "location");
    path.handle(ana, new SendFrame("pin", CONVERSATION, UUID.randomUUID().toString(), "", pin));

    assertThat(repliesToAna()).extracting(r -> r.path("id").asText() + ":" + r.path("code").asText())
        .containsExactly("long:too_large", "pin:consent_required");
    assertThat(effects).isEmpty();
  }

  @Test
  void metadataNestedPastTheLimitIsRefusedBadRequestBeforeAnythingIsStored() {
    SendPath path = sendPath(10);
    String deepest = "[".repeat(SendPath.MAX_METADATA_DEPTH - 1) + "{}" + "]".repeat(SendPath.MAX_METADATA_DEPTH - 1);

    path.handle(ana, new SendFrame("deep", CONVERSATION, UUID.randomUUID().toString(), "",
        (ObjectNode) Json.parse("{\"a\":" + deepest + "}")));
    path.handle(ana, new SendFrame("ok", CONVERSATION, UUID.randomUUID().toString(), "",
        (ObjectNode) Json.parse("{\"a\":[1,{\"b\":2}],\"c\":" + deepest.substring(1, deepest.length() - 1) + "}")));
    topics.completeAll();

    assertThat(repliesToAna()).extracting(r -> r.path("id").asText() + ":" + r.path("type").asText()
            + r.path("code").asText(""))
        .containsExactly("deep:errorbad_request", "ok:ack");
    assertThat(effects).as("only the second was stored").containsExactly("accept", "seed", "acceptSeeded",
        "broadcast", "append", "markAcked");
  }

  /** Redis' accept script in memory: idempotency entries, seq counters, the ack state. */
  private final class FakeStore implements ChatStore {
    final Map<String, Long> counters = new HashMap<>();
    final Map<String, String[]> entries = new HashMap<>(); // sender + clientMsgId -> {json, state}
    final List<ChatMessage> marked = new ArrayList<>();
    final ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();
    final List<CompletableFuture<Void>> heldMarks = new ArrayList<>();
    boolean hold;
    boolean holdMarks;

    @Override
    public CompletableFuture<Optional<Accepted>> accept(ChatMessage unsequenced) {
      effects.add("accept");
      return answer(() -> Optional.ofNullable(run(unsequenced, null)));
    }

    @Override
    public CompletableFuture<Accepted> acceptSeeded(ChatMessage unsequenced, Seed seed) {
      effects.add("acceptSeeded");
      return answer(() -> run(unsequenced, seed.seq()));
    }

    private <T> CompletableFuture<T> answer(Supplier<T> reply) {
      if (!hold) {
        return CompletableFuture.completedFuture(reply.get());
      }
      CompletableFuture<T> later = new CompletableFuture<>();
      held.add(() -> later.complete(reply.get()));
      return later;
    }

    void release() {
      hold = false;
      for (Runnable r = held.poll(); r != null; r = held.poll()) {
        r.run();
      }
    }

    private Accepted run(ChatMessage unsequenced, Long seed) {
      String key = unsequenced.sender() + "\u0000" + unsequenced.clientMsgId();
      String[] existing = entries.get(key);
      if (existing != null) {
        return new Accepted(false, "acked".equals(existing[1]), existing[0], false, null);
      }
      boolean seeded = false;
      if (!counters.containsKey(unsequenced.conversation())) {
        if (seed == null) {
          return null;
        }
        counters.put(unsequenced.conversation(), seed);
        seeded = true;
      }
      long seq = counters.merge(unsequenced.conversation(), 1L, Long::sum);
      ChatMessageWire.Template template = ChatMessageWire.template(unsequenced);
      String json = template.withSeq(seq);
      entries.put(key, new String[] {json, "pending"});
      return new Accepted(true, false, json, seeded, ChatMessageWire.sequenced(unsequenced, template, json));
    }

    @Override
    public CompletableFuture<Void> markAcked(ChatMessage message) {
      effects.add("markAcked");
      marked.add(message);
      entries.get(message.sender() + "\u0000" + message.clientMsgId())[1] = "acked";
      if (!holdMarks) {
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> marked = new CompletableFuture<>();
      heldMarks.add(marked);
      return marked;
    }

    void releaseMarks() {
      heldMarks.forEach(f -> f.complete(null));
      heldMarks.clear();
    }

    @Override
    public CompletableFuture<Set<Long>> ackedAmong(String conversation, List<Long> seqs) {
      throw new UnsupportedOperationException("not on the send path");
    }

    @Override
    public CompletableFuture<ReceiptOutcome> recordReceipt(String conversation, String user, long seq, String frame) {
      throw new UnsupportedOperationException("not on the send path");
    }

    @Override
    public CompletableFuture<Recent> recent(String conversation) {
      throw new UnsupportedOperationException("not on the send path");
    }
  }

  /** Kafka as the test decides: every write waits until the test completes or fails it. */
  private final class FakeTopics implements TopicWriter {
    final List<String> appended = new ArrayList<>();
    final List<CompletableFuture<Void>> pending = new ArrayList<>();

    @Override
    public CompletableFuture<Void> appendMessage(String conversation, String messageJson) {
      effects.add("append");
      appended.add(messageJson);
      CompletableFuture<Void> written = new CompletableFuture<>();
      pending.add(written);
      return written;
    }

    void completeAll() {
      List.copyOf(pending).forEach(f -> f.complete(null));
      pending.clear();
    }

    void failAll() {
      List.copyOf(pending).forEach(f -> f.completeExceptionally(
          new DependencyDown("Kafka", new IllegalStateException("not enough replicas"))));
      pending.clear();
    }

    @Override
    public CompletableFuture<Void> append(ReceiptEvent receipt) {
      throw new UnsupportedOperationException("not on the send path");
    }

    @Override
    public <V> CompletableFuture<Void> produce(Topic<String, V> topic, String key, V value) {
      throw new UnsupportedOperationException("not on the send path");
    }
  }
}
