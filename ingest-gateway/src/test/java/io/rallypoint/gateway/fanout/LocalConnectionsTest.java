package io.rallypoint.gateway.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.rallypoint.gateway.connection.Connection;
import io.rallypoint.gateway.metrics.GatewayMetrics;
import io.rallypoint.gateway.protect.Pacer;
import io.rallypoint.gateway.protect.TokenBucket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** This node's connections by conversation and by user. */
class LocalConnectionsTest {

  private final List<String> subscribed = new ArrayList<>();
  private final CompletableFuture<Void> subscription = new CompletableFuture<>();
  private final LocalConnections local = new LocalConnections(new Subscriptions(), conversation -> null);

  private final class Subscriptions implements LocalConnections.Subscriptions {
    @Override
    public CompletableFuture<Void> subscribe(String conversation) {
      subscribed.add(conversation);
      return subscription;
    }

    @Override
    public void unsubscribe(String conversation) {
      subscribed.remove(conversation);
    }
  }

  private static Connection connection(String user) {
    return connection(user, new SimpleMeterRegistry());
  }

  private static Connection connection(String user, MeterRegistry registry) {
    Connection connection = new Connection(new EmbeddedChannel(), user, new Pacer(new TokenBucket(10, 10, System::nanoTime), System::nanoTime, java.time.Duration.ofSeconds(10), 100),
        new Pacer(new TokenBucket(10, 10, System::nanoTime), System::nanoTime, java.time.Duration.ofSeconds(10), 100),
        new GatewayMetrics(registry, () -> 0, () -> 0));
    connection.markOpen();
    return connection;
  }

  private static int framesWritten(Connection connection) {
    EmbeddedChannel channel = (EmbeddedChannel) connection.channel();
    channel.runPendingTasks();
    int count = 0;
    for (Object out; (out = channel.readOutbound()) != null; count++) {
      ((ByteBuf) out).release();
    }
    return count;
  }

  @Test
  void aConnectionThatLeavesGetsNoFrameAlreadyOnItsWay() {
    Connection ben = connection("ben");
    subscription.complete(null);
    local.join(ben, List.of("run-club"));

    // a frame addressed to ben, still queued on his event loop when he leaves the conversation
    assertThat(local.deliver("run-club", "{\"type\":\"receipt\"}", null)).isEqualTo(1);
    assertThat(local.leave(ben, "run-club")).isTrue();

    assertThat(framesWritten(ben)).isZero();
    assertThat(subscribed).as("nobody is left for it here").isEmpty();
    assertThat(local.leave(ben, "run-club")).as("leaving twice").isFalse();
  }

  @Test
  void aMessageWrittenToARecipientIsTimedFromItsAcceptAndOtherFramesAreNot() {
    // Given ben in the conversation, and a message accepted 30 ms ago
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Connection ben = connection("ben", registry);
    subscription.complete(null);
    local.join(ben, List.of("run-club"));
    long sentAt = System.currentTimeMillis() - 30;

    // When the message and a receipt are delivered to him
    assertThat(local.deliverMessage("run-club", "{\"type\":\"message\"}", sentAt, null)).isEqualTo(1);
    assertThat(local.deliver("run-club", "{\"type\":\"receipt\"}", null)).isEqualTo(1);
    assertThat(framesWritten(ben)).isEqualTo(2);

    // Then one delivery was timed, at least the 30 ms since the accept
    Timer delivery = registry.get("rallypoint.gateway.delivery.latency").timer();
    assertThat(delivery.count()).isEqualTo(1);
    assertThat(delivery.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(30);
  }

  @Test
  void connectionsAreFoundByUserWhileOpen() {
    Connection ben = connection("ben");
    Connection benAgain = connection("ben");
    local.opened(ben);
    local.opened(benAgain);

    assertThat(local.connectionsOf("ben")).containsExactlyInAnyOrder(ben, benAgain);
    local.leave(ben);
    local.closed(ben);
    assertThat(local.connectionsOf("ben")).containsExactly(benAgain);
    assertThat(local.connectionsOf("ana")).isEmpty();
    assertThat(local.connectionCount()).isEqualTo(1);
  }

  @Test
  void anAdmittedConnectionIsAnnouncedAndRegisteredOnlyOnceTheConversationIsSubscribed() {
    Connection carol = connection("carol");
    List<String> announced = new ArrayList<>();

    CompletableFuture<Void> admitted = local.admit(carol, "run-club", () -> announced.add("joined"));
    ((EmbeddedChannel) carol.channel()).runPendingTasks();
    assertThat(subscribed).containsExactly("run-club");
    assertThat(announced).as("not before the subscription is confirmed").isEmpty();
    assertThat(carol.conversations()).isEmpty();

    subscription.complete(null);
    ((EmbeddedChannel) carol.channel()).runPendingTasks();
    assertThat(admitted).isCompleted();
    assertThat(announced).containsExactly("joined");
    assertThat(carol.conversations()).containsExactly("run-club");
    assertThat(local.deliver("run-club", "{\"type\":\"receipt\"}", null)).isEqualTo(1);

    local.admit(carol, "run-club", () -> announced.add("joined again"));
    ((EmbeddedChannel) carol.channel()).runPendingTasks();
    assertThat(announced).as("already registered: not announced again").containsExactly("joined");
  }
}
