package io.rallypoint.gateway.membership;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.rallypoint.gateway.connection.Connection;
import io.rallypoint.gateway.deps.ErrorReplies;
import io.rallypoint.gateway.fanout.LocalConnections;
import io.rallypoint.gateway.frames.FrameStep;
import io.rallypoint.gateway.metrics.GatewayMetrics;
import io.rallypoint.gateway.protect.RateLimiter;
import io.rallypoint.schemas.frame.ReadFrame;
import io.rallypoint.schemas.frame.SyncFrame;
import io.rallypoint.schemas.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.ConnectionException;
import org.junit.jupiter.api.Test;

/** The one membership check in front of every conversation frame, with PostgreSQL faked. */
class MembersOnlyTest {

  private final Map<String, Set<String>> members = Map.of("run-club", Set.of("ana", "ben"));
  private boolean postgresDown;
  private final MemberDao dao = new MemberDao() {
    @Override
    public Set<String> membersOf(String conversation) {
      if (postgresDown) {
        throw new ConnectionException(new java.sql.SQLException("connection refused"));
      }
      return members.getOrDefault(conversation, Set.of());
    }

    @Override
    public List<String> conversationsOf(String user) {
      return List.of();
    }
  };
  private final List<String> subscribed = new ArrayList<>();
  private final LocalConnections local = new LocalConnections(new LocalConnections.Subscriptions() {
    @Override
    public CompletableFuture<Void> subscribe(String conversation) {
      subscribed.add(conversation);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void unsubscribe(String conversation) {}
  }, conversation -> null);
  private final MembersOnly membersOnly = new MembersOnly(
      new Membership(dao, Runnable::run, Duration.ZERO, System::nanoTime), local, new ErrorReplies(System::nanoTime));
  private final List<Object> handled = new ArrayList<>();
  private final FrameStep<ReadFrame> reads = membersOnly.wrap("the read receipt", (connection, frame) -> {
    handled.add(frame);
    return CompletableFuture.completedFuture(null);
  });
  private final EmbeddedChannel channel = new EmbeddedChannel();
  private final Connection carol = connection("carol");

  private Connection connection(String user) {
    GatewayMetrics metrics = new GatewayMetrics(new SimpleMeterRegistry(), () -> 0, () -> 0);
    Connection connection = new Connection(channel, user, new RateLimiter(100, 100, Duration.ofSeconds(10), 100, System::nanoTime).acquire(user),
        new RateLimiter(100, 100, Duration.ofSeconds(10), 100, System::nanoTime).acquire(user), metrics);
    connection.markOpen();
    return connection;
  }

  private JsonNode reply() {
    channel.runPendingTasks();
    TextWebSocketFrame frame = channel.readOutbound();
    assertThat(frame).as("a reply").isNotNull();
    try {
      return Json.parse(frame.text());
    } finally {
      frame.release();
    }
  }

  @Test
  void aMembersFrameReachesItsStepAndTheConnectionJoinsTheConversation() {
    Connection ana = connection("ana");

    reads.handle(ana, new ReadFrame("r1", "run-club", 3));

    assertThat(handled).containsExactly(new ReadFrame("r1", "run-club", 3));
    assertThat(ana.conversations()).containsExactly("run-club");
    assertThat(subscribed).containsExactly("run-club");
  }

  @Test
  void anOutsiderIsRefusedForbiddenAndTheStepNeverRuns() {
    reads.handle(carol, new ReadFrame("r1", "run-club", 3));

    JsonNode error = reply();
    assertThat(error.path("code").asText()).isEqualTo("forbidden");
    assertThat(error.path("id").asText()).isEqualTo("r1");
    assertThat(handled).isEmpty();
    assertThat(carol.conversations()).isEmpty();
  }

  @Test
  void whenPostgresCannotSayTheFrameIsUnavailableAndTheStepNeverRuns() {
    postgresDown = true;
    FrameStep<SyncFrame> syncs = membersOnly.wrap("the sync", (connection, frame) -> {
      handled.add(frame);
      return CompletableFuture.completedFuture(null);
    });

    syncs.handle(connection("ana"), new SyncFrame("s1", "run-club", 0L, null, null));

    JsonNode error = reply();
    assertThat(error.path("code").asText()).isEqualTo("unavailable");
    assertThat(error.path("message").asText()).contains("the sync").contains("PostgreSQL");
    assertThat(handled).isEmpty();
  }
}
