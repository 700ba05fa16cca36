package io.rallypoint.gateway.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.rallypoint.gateway.connection.Connection;
import io.rallypoint.gateway.deps.ErrorReplies;
import io.rallypoint.gateway.fanout.LocalConnections;
import io.rallypoint.gateway.frames.FrameStep;
import io.rallypoint.gateway.metrics.GatewayMetrics;
import io.rallypoint.gateway.protect.Pacer;
import io.rallypoint.gateway.protect.TokenBucket;
import io.rallypoint.schemas.frame.ReadFrame;
import io.rallypoint.schemas.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.ConnectionException;
import org.junit.jupiter.api.Test;

/**
 * A change of members, followed on one node at once: the member list is read again, and the
 * user's connections are registered or dropped and told with a {@code membership} frame.
 * PostgreSQL is faked; the member list's TTL is an hour, so only the change explains what moves.
 */
class MembershipChangesTest {

  private static final String RUN_CLUB = "run-club";

  private final Map<String, Set<String>> table = new HashMap<>(Map.of(RUN_CLUB, new HashSet<>(Set.of("ana", "ben"))));
  private boolean postgresDown;
  private int reads;
  private final MemberDao dao = new MemberDao() {
    @Override
    public Set<String> membersOf(String conversation) {
      reads++;
      if (postgresDown) {
        throw new ConnectionException(new java.sql.SQLException("connection refused"));
      }
      return Set.copyOf(table.getOrDefault(conversation, Set.of()));
    }

    @Override
    public List<String> conversationsOf(String user) {
      return List.of();
    }
  };
  private final List<String> subscribed = new ArrayList<>();
  private final Membership membership = new Membership(dao, Runnable::run, Duration.ofHours(1), System::nanoTime);
  private final LocalConnections local = new LocalConnections(new LocalConnections.Subscriptions() {
    @Override
    public CompletableFuture<Void> subscribe(String conversation) {
      subscribed.add(conversation);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void unsubscribe(String conversation) {
      subscribed.remove(conversation);
    }
  }, membership::knownMembers);
  private final MembershipChanges changes = new MembershipChanges(membership, local);
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  /** An open connection of the user on this node, registered for its conversations (as at the upgrade). */
  private Connection connect(String user, String... conversations) {
    EmbeddedChannel channel = new EmbeddedChannel();
    channels.add(channel);
    GatewayMetrics metrics = new GatewayMetrics(new SimpleMeterRegistry(), () -> 0, () -> 0);
    Connection connection = new Connection(channel, user, new Pacer(new TokenBucket(10, 10, System::nanoTime), System::nanoTime, java.time.Duration.ofSeconds(10), 100), new Pacer(new TokenBucket(10, 10, System::nanoTime), System::nanoTime, java.time.Duration.ofSeconds(10), 100), metrics);
    local.opened(connection);
    local.join(connection, List.of(conversations)).join();
    connection.markOpen();
    return connection;
  }

  private void runLoops() {
    channels.forEach(EmbeddedChannel::runPendingTasks);
  }

  /** Every frame written to the connection since the last call, as text, in order. */
  private static List<String> received(Connection connection) {
    EmbeddedChannel channel = (EmbeddedChannel) connection.channel();
    channel.runPendingTasks();
    List<String> texts = new ArrayList<>();
    for (Object out; (out = channel.readOutbound()) != null; ) {
      if (out instanceof TextWebSocketFrame text) {
        texts.add(text.text());
        text.release();
      } else {
        ByteBuf encoded = (ByteBuf) out; // a broadcast, encoded once (EncodedTextFrame)
        int length = encoded.getUnsignedByte(1);
        int header = length < 126 ? 2 : length == 126 ? 4 : 10;
        texts.add(encoded.toString(header, encoded.readableBytes() - header, StandardCharsets.UTF_8));
        encoded.release();
      }
    }
    return texts;
  }

  private static String membership(String state) {
    return MembershipChanges.frameText(RUN_CLUB, state);
  }

  @Test
  void aRemovedMembersConnectionsAreToldLeftAndGetNothingMoreOfTheConversation() {
    // Given ben connected twice and ana once, and this node's member list read
    Connection ana = connect("ana", RUN_CLUB);
    Connection ben = connect("ben", RUN_CLUB);
    Connection benAgain = connect("ben", RUN_CLUB);
    assertThat(membership.isMember(RUN_CLUB, "ben").join()).isTrue();

    // When ben is removed in PostgreSQL and the change is announced
    table.get(RUN_CLUB).remove("ben");
    CompletableFuture<Void> applied = changes.changed(RUN_CLUB, "ben", false);
    runLoops();

    // Then both his connections are told, and are no longer registered for the conversation
    assertThat(applied).isCompleted();
    assertThat(received(ben)).containsExactly(membership("left"));
    assertThat(received(benAgain)).containsExactly(membership("left"));
    assertThat(ben.conversations()).isEmpty();
    assertThat(membership.isMember(RUN_CLUB, "ben").join()).as("well within the TTL").isFalse();

    // And the conversation's next frame reaches ana only
    local.deliver(RUN_CLUB, "{\"type\":\"receipt\",\"conversation\":\"run-club\",\"user\":\"ana\",\"seq\":1}", null);
    assertThat(received(ana)).hasSize(1);
    assertThat(received(ben)).isEmpty();
    assertThat(received(benAgain)).isEmpty();
    assertThat(received(ana)).as("ana was told nothing about ben's change").isEmpty();
  }

  @Test
  void aRemovedMembersFramesAreForbiddenAtOnce() {
    Connection ben = connect("ben", RUN_CLUB);
    List<Object> handled = new ArrayList<>();
    FrameStep<ReadFrame> reads = new MembersOnly(membership, local, new ErrorReplies(System::nanoTime))
        .wrap("the read receipt", (connection, frame) -> {
          handled.add(frame);
          return CompletableFuture.completedFuture(null);
        });
    reads.handle(ben, new ReadFrame("r1", RUN_CLUB, 0));
    assertThat(handled).hasSize(1);

    table.get(RUN_CLUB).remove("ben");
    changes.changed(RUN_CLUB, "ben", false);
    runLoops();
    received(ben);
    reads.handle(ben, new ReadFrame("r2", RUN_CLUB, 0));

    assertThat(handled).hasSize(1);
    assertThat(Json.parse(received(ben).getFirst()).path("code").asText()).isEqualTo("forbidden");
    assertThat(ben.conversations()).as("the refused frame did not register him again").isEmpty();
  }

  @Test
  void anAddedUsersOpenConnectionIsToldJoinedAndThenReceivesTheConversation() {
    // Given carol connected, in no conversation, and ana in run-club
    Connection ana = connect("ana", RUN_CLUB);
    Connection carol = connect("carol");
    membership.members(RUN_CLUB).join();

    // When carol is added and the change is announced
    table.get(RUN_CLUB).add("carol");
    changes.changed(RUN_CLUB, "carol", true);
    runLoops();
    local.deliver(RUN_CLUB, "{\"type\":\"receipt\",\"conversation\":\"run-club\",\"user\":\"ana\",\"seq\":2}", ana);

    // Then she is told first, then receives the conversation's frames without reconnecting
    List<String> frames = received(carol);
    assertThat(frames).hasSize(2);
    assertThat(frames.getFirst()).isEqualTo(membership("joined"));
    assertThat(Json.parse(frames.get(1)).path("type").asText()).isEqualTo("receipt");
    assertThat(carol.conversations()).containsExactly(RUN_CLUB);
    assertThat(subscribed).containsExactly(RUN_CLUB);
  }

  @Test
  void aChangeThatChangesNothingTellsNobody() {
    Connection ben = connect("ben", RUN_CLUB);
    Connection carol = connect("carol");

    changes.changed(RUN_CLUB, "ben", true); // a retried add: he is a member, and registered
    changes.changed(RUN_CLUB, "carol", false); // a retried remove: she never was
    runLoops();

    assertThat(received(ben)).isEmpty();
    assertThat(received(carol)).isEmpty();
    assertThat(ben.conversations()).containsExactly(RUN_CLUB);
  }

  @Test
  void theMembersReadAfterTheChangeDecideNotTheAnnouncement() {
    // Given ben removed and added back through two nodes, the removal heard last
    Connection ben = connect("ben", RUN_CLUB);

    changes.changed(RUN_CLUB, "ben", false);
    runLoops();

    // Then PostgreSQL, which has him, wins
    assertThat(received(ben)).isEmpty();
    assertThat(ben.conversations()).containsExactly(RUN_CLUB);
  }

  @Test
  void whenPostgresCannotSayTheAnnouncedChangeIsApplied() {
    Connection ben = connect("ben", RUN_CLUB);
    membership.members(RUN_CLUB).join();
    postgresDown = true;

    changes.changed(RUN_CLUB, "ben", false);
    runLoops();

    assertThat(received(ben)).containsExactly(membership("left"));
    assertThat(ben.conversations()).isEmpty();
  }

  @Test
  void aNodeWithoutTheUserOrTheConversationDoesNotAskPostgres() {
    connect("ana");

    changes.changed(RUN_CLUB, "ben", false);

    assertThat(reads).isZero();
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"joined", "left"})
  void theMembershipFrameValidatesAgainstItsSchema(String state) {
    String schema = io.rallypoint.schemas.json.ContractSchemas.serverFrame("membership");
    assertThat(io.rallypoint.schemas.json.ContractSchemas.problems(schema,
        io.rallypoint.schemas.json.Json.parse(MembershipChanges.frameText(RUN_CLUB, state)))).isEmpty();
    assertThat(io.rallypoint.schemas.json.ContractSchemas.problems(schema,
        io.rallypoint.schemas.json.Json.parse(MembershipChanges.frameText(RUN_CLUB, "maybe")))).isNotEmpty();
  }
}
