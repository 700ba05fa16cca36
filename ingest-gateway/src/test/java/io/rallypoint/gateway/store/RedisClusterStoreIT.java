package io.rallypoint.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.rallypoint.gateway.store.ChatStore.Accepted;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.id.UuidV7;
import io.rallypoint.schemas.json.Json;
import io.rallypoint.testsupport.RedisClusterFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The chat store on a Redis Cluster through {@link RedisBackend}: conversations spread over the
 * masters, acks of many conversations marked in one batch (one script call per slot), and sharded
 * publishes reaching a subscriber of each conversation's channel.
 */
class RedisClusterStoreIT {

  @RegisterExtension
  static final RedisClusterFixture cluster = new RedisClusterFixture();

  static RedisBackend backend;
  static Keys keys;
  static RedisChatStore store;
  static final BlockingQueue<Map.Entry<String, String>> published = new LinkedBlockingQueue<>();

  @BeforeAll
  static void connect() {
    backend = RedisBackend.connect(cluster.url(), Duration.ofSeconds(3));
    keys = new Keys("rallypoint-test", backend.database());
    store = new RedisChatStore(backend.commands(), keys, "north", Duration.ofHours(1), 50, backend.cluster());
    backend.pubSub().listen((channel, payload) -> published.add(Map.entry(channel, payload)));
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  private static ChatMessage unsequenced(String conversation) {
    return new ChatMessage(conversation, UuidV7.next().toString(), 0, "ana", UUID.randomUUID().toString(), "hi",
        Json.object(), Instant.parse("2026-11-24T10:00:00.000Z"));
  }

  private static <T> T join(CompletableFuture<T> future) throws Exception {
    return future.get(10, TimeUnit.SECONDS);
  }

  @Test
  void acksOfConversationsOnEveryMasterAreMarkedTogether() throws Exception {
    // Given one accepted message in each of 24 conversations, on all three masters
    List<ChatMessage> drafts = new ArrayList<>();
    List<Accepted> accepted = new ArrayList<>();
    Set<Integer> masters = new HashSet<>();
    for (int i = 0; i < 24; i++) {
      ChatMessage message = unsequenced("conv-" + UUID.randomUUID());
      drafts.add(message);
      accepted.add(join(store.acceptSeeded(message, new ChatStore.Seed(0, 0, List.of()))));
      masters.add(cluster.masterOf(keys.seq(message.conversation())));
    }
    assertThat(backend.cluster()).isTrue();
    assertThat(masters).hasSize(3);

    // When Kafka acks them all at once (the marks queue up behind the first and go out together)
    List<CompletableFuture<Void>> marks = accepted.stream().map(a -> store.markAcked(a.message())).toList();
    for (CompletableFuture<Void> mark : marks) {
      join(mark);
    }

    // Then each conversation's bitmap has its seq, and a resend is answered as acked
    for (int i = 0; i < accepted.size(); i++) {
      ChatMessage message = accepted.get(i).message();
      assertThat(join(store.ackedAmong(message.conversation(), List.of(message.seq())))).containsExactly(message.seq());
      Accepted resent = join(store.accept(drafts.get(i))).orElseThrow();
      assertThat(resent.fresh()).isFalse();
      assertThat(resent.acked()).isTrue();
    }
  }

  @Test
  void aSubscriberOfEachConversationsChannelGetsItsShardedPublishes() throws Exception {
    // Given channels subscribed for conversations until every master has one
    Set<Integer> masters = new HashSet<>();
    List<String> conversations = new ArrayList<>();
    while (masters.size() < 3) {
      String conversation = "conv-" + UUID.randomUUID();
      if (masters.add(cluster.masterOf(keys.seq(conversation)))) {
        conversations.add(conversation);
        join(backend.pubSub().subscribe(keys.channel(conversation)));
      }
    }
    published.clear();

    // When a message is accepted in each
    for (String conversation : conversations) {
      join(store.acceptSeeded(unsequenced(conversation), new ChatStore.Seed(0, 0, List.of())));
    }

    // Then the subscriber got each once, on its conversation's channel
    List<String> heardFrom = new ArrayList<>();
    for (int i = 0; i < conversations.size(); i++) {
      Map.Entry<String, String> message = published.poll(10, TimeUnit.SECONDS);
      assertThat(message).as("a publish").isNotNull();
      heardFrom.add(keys.conversationOf(message.getKey()));
    }
    assertThat(heardFrom).containsExactlyInAnyOrderElementsOf(conversations);
    assertThat(published.poll(300, TimeUnit.MILLISECONDS)).isNull();

    // And after unsubscribing, nothing more arrives
    for (String conversation : conversations) {
      join(backend.pubSub().unsubscribe(keys.channel(conversation)));
      join(store.acceptSeeded(unsequenced(conversation), new ChatStore.Seed(0, 0, List.of())));
    }
    assertThat(published.poll(500, TimeUnit.MILLISECONDS)).isNull();
  }
}
