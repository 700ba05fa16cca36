package io.rallypoint.gateway.store;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.rallypoint.gateway.store.ChatStore.Accepted;
import io.rallypoint.gateway.wire.ChatMessageWire;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.id.UuidV7;
import io.rallypoint.schemas.json.Json;
import io.rallypoint.testsupport.RedisDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The accept script against a real Redis when a conversation has no seq counter (new, or Redis lost
 * it): it mints nothing until given a seed, and concurrent seeders on two nodes agree.
 */
class RedisChatStoreIT {

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  static RedisClient client;
  static StatefulRedisConnection<String, String> northConnection;
  static StatefulRedisConnection<String, String> southConnection;
  static RedisCommands<String, String> commands;
  static Keys keys;
  /** Two gateway nodes' stores, each on its own connection. */
  static RedisChatStore north;
  static RedisChatStore south;

  @BeforeAll
  static void connect() {
    client = redis.client();
    northConnection = client.connect();
    southConnection = client.connect();
    commands = northConnection.sync();
    keys = new Keys("rallypoint-test", redis.database());
    north = new RedisChatStore(northConnection.async(), keys, "north", Duration.ofHours(1), 50);
    south = new RedisChatStore(southConnection.async(), keys, "south", Duration.ofHours(1), 50);
  }

  @AfterAll
  static void close() {
    southConnection.close();
    northConnection.close();
    client.shutdown();
  }

  private static final AtomicLong STAMPS = new AtomicLong();

  /** A seed with nothing known but the seq. */
  private static ChatStore.Seed seed(long seq) {
    return new ChatStore.Seed(seq, 0, List.of());
  }

  private static ChatMessage unsequenced(String conversation, String sender, String clientMsgId) {
    // each a millisecond after the one before, as a gateway's clock stamps them
    return new ChatMessage(conversation, UuidV7.next().toString(), 0, sender, clientMsgId, "hi", Json.object(),
        Instant.parse("2026-11-24T10:00:00.000Z").plusMillis(STAMPS.incrementAndGet()));
  }

  private static ChatMessage unsequenced(String conversation, String sender) {
    return unsequenced(conversation, sender, UUID.randomUUID().toString());
  }

  private static <T> T join(CompletableFuture<T> future) throws Exception {
    return future.get(10, TimeUnit.SECONDS);
  }

  @Test
  void withoutACounterNothingIsMintedUntilASeedIsGiven() throws Exception {
    String conversation = "conv-" + UUID.randomUUID();
    ChatMessage message = unsequenced(conversation, "ana");

    Optional<Accepted> first = join(north.accept(message));

    assertThat(first).isEmpty();
    assertThat(commands.exists(keys.seq(conversation), keys.recent(conversation),
        keys.idempotency(conversation, "ana", message.clientMsgId()))).isZero();

    // When it is given the highest persisted seq, Then the message takes the next one
    Accepted seeded = join(north.acceptSeeded(message, seed(41)));
    assertThat(seeded.fresh()).isTrue();
    assertThat(seeded.seededCounter()).isTrue();
    assertThat(seeded.message().seq()).isEqualTo(42);

    // And the next send is back on the one-round-trip path
    Accepted next = join(south.accept(unsequenced(conversation, "ben"))).orElseThrow();
    assertThat(next.message().seq()).isEqualTo(43);
    assertThat(next.seededCounter()).isFalse();
    // a fresh message is known without decoding, and is exactly what its stored JSON says
    assertThat(next.decoded()).isNotNull().isEqualTo(ChatMessageWire.parse(next.json()));
    assertThat(seeded.decoded()).isNotNull().isEqualTo(ChatMessageWire.parse(seeded.json()));
  }

  @Test
  void twoNodesSeedingAtOnceGiveDistinctConsecutiveSeqs() throws Exception {
    String conversation = "conv-" + UUID.randomUUID();
    ChatMessage fromAna = unsequenced(conversation, "ana");
    ChatMessage fromBen = unsequenced(conversation, "ben");
    // Given both nodes found no counter
    assertThat(join(north.accept(fromAna))).isEmpty();
    assertThat(join(south.accept(fromBen))).isEmpty();

    // When both seed it with what PostgreSQL said (seqs up to 7) at once
    CompletableFuture<Accepted> ana = north.acceptSeeded(fromAna, seed(7));
    CompletableFuture<Accepted> ben = south.acceptSeeded(fromBen, seed(7));

    // Then they get 8 and 9, one each, and only one of them created the counter
    List<Accepted> both = List.of(join(ana), join(ben));
    assertThat(both).extracting(a -> a.message().seq()).containsExactlyInAnyOrder(8L, 9L);
    assertThat(both).filteredOn(Accepted::seededCounter).hasSize(1);
    assertThat(commands.get(keys.seq(conversation))).isEqualTo("9");
  }

  @Test
  void aCounterCreatedMeanwhileWinsOverALowerSeed() throws Exception {
    String conversation = "conv-" + UUID.randomUUID();
    ChatMessage late = unsequenced(conversation, "ana");
    assertThat(join(north.accept(late))).isEmpty();
    // Given, while north read PostgreSQL (seqs up to 3), south seeded from a later read (up to 7)
    assertThat(join(south.acceptSeeded(unsequenced(conversation, "ben"), seed(7))).message().seq()).isEqualTo(8);

    // When north applies its older seed
    Accepted accepted = join(north.acceptSeeded(late, seed(3)));

    // Then the existing counter wins: no seq is handed out twice
    assertThat(accepted.message().seq()).isEqualTo(9);
    assertThat(accepted.seededCounter()).isFalse();
  }

  @Test
  void aResendAcceptedElsewhereWhileSeedingIsTheSameMessage() throws Exception {
    String conversation = "conv-" + UUID.randomUUID();
    String clientMsgId = UUID.randomUUID().toString();
    ChatMessage onNorth = unsequenced(conversation, "ana", clientMsgId);
    assertThat(join(north.accept(onNorth))).isEmpty();
    // Given the client resent it to south, which accepted it meanwhile
    Accepted first = join(south.acceptSeeded(unsequenced(conversation, "ana", clientMsgId), seed(0)));
    assertThat(first.message().seq()).isEqualTo(1);

    // When north goes on with its seed
    Accepted again = join(north.acceptSeeded(onNorth, seed(0)));

    // Then it finds that message instead of minting a second one
    assertThat(again.fresh()).isFalse();
    assertThat(again.json()).isEqualTo(first.json());
    assertThat(commands.get(keys.seq(conversation))).isEqualTo("1");
  }

  private static ChatMessage stampedAt(String conversation, String sender, Instant sentAt) {
    return new ChatMessage(conversation, UuidV7.next().toString(), 0, sender, UUID.randomUUID().toString(), "hi",
        Json.object(), sentAt);
  }

  @Test
  void sentAtRisesStrictlyWithSeqSoATimeCursorNeverSkipsAMessage() throws Exception {
    // Given a conversation whose first message was stamped at T
    String conversation = "conv-" + UUID.randomUUID();
    Instant t = Instant.parse("2026-11-27T15:22:00.683Z");
    Accepted first = join(north.acceptSeeded(stampedAt(conversation, "ana", t), seed(0)));
    assertThat(first.message().sentAt()).isEqualTo(t);

    // When the next one is stamped in the same millisecond, and one after it by a node whose clock is behind
    Accepted sameMilli = join(south.accept(stampedAt(conversation, "ben", t))).orElseThrow();
    Accepted clockBehind = join(north.accept(stampedAt(conversation, "cy", t.minusSeconds(5)))).orElseThrow();
    Accepted later = join(south.accept(stampedAt(conversation, "ben", t.plusSeconds(10)))).orElseThrow();

    // Then each is sent strictly after the one before it, in seq order, as the members and the acks see it
    assertThat(sameMilli.message().sentAt()).isEqualTo(t.plusMillis(1));
    assertThat(clockBehind.message().sentAt()).isEqualTo(t.plusMillis(2));
    assertThat(later.message().sentAt()).isEqualTo(t.plusSeconds(10)); // a later stamp is kept as it is
    for (Accepted accepted : List.of(first, sameMilli, clockBehind, later)) {
      assertThat(accepted.message()).isEqualTo(ChatMessageWire.parse(accepted.json()));
      assertThat(accepted.json()).endsWith("\"sentAt\":" + Json.toString(accepted.message().sentAt()) + "}");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"2024-02-28T23:59:59.999Z", "2024-02-29T23:59:59.999Z", "2026-12-31T23:59:59.999Z",
      "2000-02-29T12:00:00.000Z", "2100-02-28T23:59:59.999Z", "1999-12-31T23:59:59.999Z", "2026-11-27T09:05:07.041Z"})
  void aSentAtMovedForwardIsWrittenExactlyAsJavaWritesIt(String previous) throws Exception {
    // Given a conversation whose previous message was sent at an instant near a day, month or year boundary
    String conversation = "conv-" + UUID.randomUUID();
    Instant before = Instant.parse(previous);
    join(north.acceptSeeded(stampedAt(conversation, "ana", before), seed(0)));

    // When the next message is stamped earlier
    Accepted next = join(north.accept(stampedAt(conversation, "ben", before.minusSeconds(3_600)))).orElseThrow();

    // Then the script stamps it one millisecond later, in the same ISO-8601 form as every other time
    Instant expected = before.plusMillis(1);
    assertThat(next.message().sentAt()).isEqualTo(expected);
    assertThat(next.json()).endsWith("\"sentAt\":" + Json.toString(expected) + "}");
  }

  @Test
  void onceKafkaHasItAResendGetsTheSameAckButRedisNoLongerKeepsTheContent() throws Exception {
    // Given a message with a long body and metadata, accepted and then acked by Kafka
    String conversation = "conv-" + UUID.randomUUID();
    var metadata = Json.object().put("photo", "x".repeat(10_000));
    ChatMessage draft = new ChatMessage(conversation, UuidV7.next().toString(), 0, "ana",
        UUID.randomUUID().toString(), "b".repeat(4_000), metadata, Instant.parse("2026-11-27T16:00:00.000Z"));
    Accepted first = join(north.acceptSeeded(draft, seed(0)));
    join(north.markAcked(first.message()));

    // When the client resends it
    Accepted resent = join(south.accept(draft)).orElseThrow();

    // Then it is the same message for its ack, and the idempotency entry holds none of the content
    assertThat(resent.fresh()).isFalse();
    assertThat(resent.acked()).isTrue();
    ChatMessage original = first.message();
    assertThat(resent.message()).extracting(ChatMessage::messageId, ChatMessage::seq, ChatMessage::sentAt,
            ChatMessage::clientMsgId, ChatMessage::sender, ChatMessage::conversation)
        .containsExactly(original.messageId(), original.seq(), original.sentAt(), original.clientMsgId(),
            original.sender(), original.conversation());
    String entry = commands.hget(keys.idempotency(draft.conversation(), "ana", draft.clientMsgId()), "m");
    assertThat(entry.length()).isLessThan(400);
    // while the recent list, which sync reads, still has the whole message
    assertThat(commands.lrange(keys.recent(conversation), 0, -1)).containsExactly(first.json());
  }

  @Test
  void marksThatArriveTogetherAreAllRecordedForEveryConversation() throws Exception {
    // Given 300 messages accepted in three conversations
    List<String> conversations = List.of("conv-" + UUID.randomUUID(), "conv-" + UUID.randomUUID(),
        "conv-" + UUID.randomUUID());
    List<Accepted> accepted = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String conversation = conversations.get(i % 3);
      accepted.add(i < 3 ? join(north.acceptSeeded(unsequenced(conversation, "ana"), seed(0)))
          : join(north.accept(unsequenced(conversation, "ana"))).orElseThrow());
    }

    // When Kafka confirms them all at once (the marks share script calls)
    join(CompletableFuture.allOf(accepted.stream().map(a -> north.markAcked(a.message()))
        .toArray(CompletableFuture[]::new)));

    // Then each seq is acked in its own conversation, and each resend is answered as acked
    for (String conversation : conversations) {
      List<Long> seqs = java.util.stream.LongStream.rangeClosed(1, 101).boxed().toList();
      assertThat(join(north.ackedAmong(conversation, seqs))).containsExactlyInAnyOrderElementsOf(seqs.subList(0, 100));
    }
    for (Accepted a : List.of(accepted.get(0), accepted.get(151), accepted.get(299))) {
      ChatMessage m = a.message();
      Accepted resent = join(south.accept(new ChatMessage(m.conversation(), UuidV7.next().toString(), 0, m.sender(),
          m.clientMsgId(), m.body(), m.metadata(), m.sentAt()))).orElseThrow();
      assertThat(resent.acked()).isTrue();
      assertThat(resent.message().seq()).isEqualTo(m.seq());
    }
  }
}
