package io.rallypoint.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.rallypoint.gateway.store.ChatStore.Accepted;
import io.rallypoint.gateway.wire.ChatMessageWire;
import io.rallypoint.gateway.wire.NodeEnvelope;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.id.UuidV7;
import io.rallypoint.schemas.json.ContractSchemas;
import io.rallypoint.schemas.json.FrameCodec;
import io.rallypoint.schemas.json.Json;
import io.rallypoint.schemas.topic.Topics;
import io.rallypoint.testsupport.RedisDatabase;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The chat message's wire form, against a real Redis running the real accept script: for random
 * bodies and metadata (any unicode, quotes, backslashes, control characters, emoji, deep objects,
 * numbers of every shape), the bytes stored in Redis, broadcast to this node and the others, and
 * produced to {@code chat.messages} validate against their JSON Schemas and read back equal, the
 * topic's value through the topic's own serde.
 */
class ChatMessageWireIT {

  private static final RedisDatabase REDIS = new RedisDatabase();
  private static final String NODE = "north";
  private static RedisClient client;
  private static StatefulRedisConnection<String, String> connection;
  private static StatefulRedisPubSubConnection<String, String> subscriber;
  private static RedisChatStore store;
  private static Keys keys;
  private static final BlockingQueue<String> published = new LinkedBlockingQueue<>();

  @BeforeContainer
  static void start() {
    REDIS.beforeAll(null);
    client = REDIS.client();
    connection = client.connect();
    keys = new Keys("rallypoint-wire", REDIS.database());
    store = new RedisChatStore(connection.async(), keys, NODE, Duration.ofHours(1), 50);
    subscriber = client.connectPubSub();
    subscriber.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String pattern, String channel, String message) {
        published.add(message);
      }
    });
    subscriber.sync().psubscribe(keys.channel("*"));
  }

  @AfterContainer
  static void stop() {
    subscriber.close();
    connection.close();
    client.shutdown();
    REDIS.afterAll(null);
  }

  @Property(tries = 300)
  void everyFormOfTheMessageValidatesAndReadsBackEqual(@ForAll("bodies") String body,
      @ForAll("metadata") ObjectNode metadata, @ForAll("conversations") String conversation) throws Exception {
    // Given a message as a member sends it
    ChatMessage unsequenced = new ChatMessage(conversation, UuidV7.next().toString(), 0, "ana",
        UUID.randomUUID().toString(), body, metadata, Instant.parse("2026-12-02T10:00:00.123Z"));

    // When the accept script sequences it
    Accepted accepted = store.accept(unsequenced).get(5, TimeUnit.SECONDS)
        .orElseGet(() -> store.acceptSeeded(unsequenced, new ChatStore.Seed(0, 0, List.of())).join());

    // Then what Redis keeps, the recent list included, is the topic's value to the byte
    String json = accepted.json();
    assertThat(connection.sync().lindex(keys.recent(conversation), 0)).isEqualTo(json);
    ChatMessage expected = new ChatMessage(conversation, unsequenced.messageId(), accepted.message().seq(), "ana",
        unsequenced.clientMsgId(), body, metadata, accepted.message().sentAt());
    byte[] topicValue = ChatMessageWire.topicValue(json);
    assertThat(ContractSchemas.problems(ContractSchemas.topic("chat.messages"), Json.parse(topicValue))).isEmpty();
    assertThat(Topics.CHAT_MESSAGES.valueSerde().deserializer().deserialize("chat.messages", topicValue))
        .isEqualTo(expected);
    assertThat(accepted.message()).isEqualTo(expected);
    assertThat(ChatMessageWire.parse(json)).isEqualTo(expected);

    // And the frame local members get is a valid message frame of the same message
    assertThat(FrameCodec.decodeServer(accepted.messageFrame())).isEqualTo(expected);

    // And so is what the other nodes get, in this node's envelope
    String payload = published.poll(5, TimeUnit.SECONDS);
    assertThat(payload).isNotNull();
    NodeEnvelope envelope = NodeEnvelope.parse(payload);
    assertThat(envelope.from(NODE)).isTrue();
    assertThat(envelope.frame()).isEqualTo(accepted.messageFrame());
    assertThat(new String(envelope.frame().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .isEqualTo(envelope.frame());
  }

  @Provide
  Arbitrary<String> conversations() {
    return Arbitraries.strings().withCharRange('a', 'z').withChars('-', '_', ':', '"', '\\', 'é', ' ')
        .ofMinLength(1).ofMaxLength(40);
  }

  @Provide
  Arbitrary<String> bodies() {
    return text(0, 300);
  }

  /** Any text a UTF-8 WebSocket frame can carry but NUL (refused at decode): weighted to the tricky parts. */
  private static Arbitrary<String> text(int min, int max) {
    Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, Arbitraries.integers().between(0x20, 0x7E)),
        net.jqwik.api.Tuple.of(2, Arbitraries.of((int) '"', (int) '\\', (int) '/', (int) '\n', (int) '\t', 0x01,
            0x1F, 0x7F, 0x2028, 0x2029, 0xFEFF)),
        net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0x1F300, 0x1FAFF)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0x01, 0xD7FF)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0xE000, 0x10FFFF)));
    return codePoint.list().ofMinSize(min).ofMaxSize(max).map(points -> {
      StringBuilder text = new StringBuilder();
      points.forEach(text::appendCodePoint);
      return text.toString();
    });
  }

  @Provide
  Arbitrary<ObjectNode> metadata() {
    // normalised through the mapper, as a received frame's metadata is
    return object(4).map(node -> (ObjectNode) Json.parse(Json.toString(node)));
  }

  private static Arbitrary<ObjectNode> object(int depth) {
    return Combinators.combine(text(0, 12), value(depth)).as(List::of).list().ofMaxSize(5).map(entries -> {
      ObjectNode object = JsonNodeFactory.instance.objectNode();
      for (List<Object> entry : entries) {
        object.set((String) entry.get(0), (JsonNode) entry.get(1));
      }
      return object;
    });
  }

  private static Arbitrary<JsonNode> value(int depth) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    Arbitrary<JsonNode> leaf = Arbitraries.oneOf(
        text(0, 20).map(f::textNode),
        Arbitraries.longs().map(f::numberNode),
        Arbitraries.doubles().map(f::numberNode),
        Arbitraries.bigDecimals().between(new BigDecimal("-1e30"), new BigDecimal("1e30")).ofScale(15).map(f::numberNode),
        Arbitraries.of(f.booleanNode(true), f.booleanNode(false), f.nullNode()));
    if (depth == 0) {
      return leaf;
    }
    Arbitrary<JsonNode> array = Arbitraries.lazy(() -> value(depth - 1)).list().ofMaxSize(4).map(items -> {
      ArrayNode node = f.arrayNode();
      items.forEach(node::add);
      return node;
    });
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, leaf),
        net.jqwik.api.Tuple.of(2, array),
        net.jqwik.api.Tuple.of(2, Arbitraries.lazy(() -> object(depth - 1)).map(o -> (JsonNode) o)));
  }
}
