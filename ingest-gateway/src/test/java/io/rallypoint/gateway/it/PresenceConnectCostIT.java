package io.rallypoint.gateway.it;

import static io.rallypoint.gateway.it.Gateways.about;
import static io.rallypoint.gateway.it.Gateways.connectSeeingPresence;
import static io.rallypoint.gateway.it.Gateways.conversation;
import static io.rallypoint.gateway.it.Gateways.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a connection costs Redis does not grow with the number of gateway nodes: a member's connect
 * and close (online, then offline, pushed to the other members) runs the same Redis commands with
 * one node as with three, counted with {@code MONITOR} on the test Redis.
 */
class PresenceConnectCostIT {

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  static final List<GatewayServer> nodes = new ArrayList<>();

  @BeforeAll
  static void start() {
    nodes.add(Gateways.start(Gateways.env(db, redis)));
  }

  @AfterAll
  static void stop() {
    nodes.forEach(GatewayServer::close);
  }

  /**
   * The Redis commands naming the user or the conversation while a user connects to the first node
   * and closes, in a conversation of four whose three other members are connected to
   * {@code othersOn} (one node each; the first node is among them, so it is subscribed to the
   * conversation either way).
   */
  private static List<String> connectAndClose(List<GatewayServer> othersOn) {
    String user = user("ana");
    List<String> members = othersOn.stream().map(n -> user("member")).toList();
    List<String> all = new ArrayList<>(members);
    all.add(user);
    String conversation = conversation(db, all.toArray(String[]::new));
    List<FrameClient> clients = new ArrayList<>();
    try (RedisMonitor monitor = RedisMonitor.start(redis.url());
        RedisClient client = redis.client();
        StatefulRedisConnection<String, String> marks = client.connect()) {
      for (int i = 0; i < othersOn.size(); i++) {
        clients.add(connectSeeingPresence(othersOn.get(i), members.get(i)));
      }
      // Given every other member is online, and Redis has run everything their connects asked for
      String before = "mark-" + UUID.randomUUID();
      marks.sync().echo(before);
      await().atMost(Duration.ofSeconds(10)).until(() -> monitor.saw(before));
      List<String> earlier = monitor.commandsNaming(user, conversation);

      // When the user connects to the first node, is seen online on every node, and closes
      FrameClient ana = connectSeeingPresence(nodes.get(0), user);
      for (FrameClient member : clients) {
        member.await(about("presence", conversation, user).and(f -> f.path("state").asText().equals("online")));
      }
      ana.close();
      for (FrameClient member : clients) {
        member.await(about("presence", conversation, user).and(f -> f.path("state").asText().equals("offline")));
      }
      // the offline push goes out after the last presence update: a mark after it closes the count
      String after = "mark-" + UUID.randomUUID();
      marks.sync().echo(after);
      await().atMost(Duration.ofSeconds(10)).until(() -> monitor.saw(after));
      List<String> commands = new ArrayList<>(monitor.commandsNaming(user, conversation));
      commands.subList(0, earlier.size()).clear();
      return commands;
    } finally {
      clients.forEach(FrameClient::close);
    }
  }

  @Test
  void aConnectAndCloseCostsRedisTheSameCommandsWithThreeNodesAsWithOne() {
    // Given one gateway node, with the user's three fellow members on it
    GatewayServer first = nodes.get(0);
    List<String> oneNode = connectAndClose(List.of(first, first, first));

    // When two more nodes run, and the three fellow members are on the three nodes
    nodes.add(Gateways.start(Gateways.env(db, redis)));
    nodes.add(Gateways.start(Gateways.env(db, redis)));
    List<String> threeNodes = connectAndClose(List.copyOf(nodes));

    // Then the user's connect and close ran the same Redis commands, as many, as with one node
    assertThat(RedisMonitor.names(oneNode)).as("the presence scripts and pushes were seen: %s", oneNode)
        .contains("\"EVALSHA\"", "\"PUBLISH\"");
    assertThat(RedisMonitor.names(threeNodes))
        .as("commands with 3 nodes %s, with 1 node %s", threeNodes, oneNode)
        .isEqualTo(RedisMonitor.names(oneNode));
  }
}
