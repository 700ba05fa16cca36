package io.rallypoint.gateway.it;

import static io.rallypoint.gateway.it.Gateways.about;
import static io.rallypoint.gateway.it.Gateways.ask;
import static io.rallypoint.gateway.it.Gateways.connectSeeingPresence;
import static io.rallypoint.gateway.it.Gateways.conversation;
import static io.rallypoint.gateway.it.Gateways.token;
import static io.rallypoint.gateway.it.Gateways.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.rallypoint.client.frame.Endpoint;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A gateway node killed as a crash would (SIGKILL, in a JVM of its own): the users it served go
 * offline for the members on the surviving node, found by the node's expired heartbeat, and a
 * presence request no longer counts them; users with another connection elsewhere stay online.
 */
class PresenceNodeDeathIT {

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  @Test
  void theUsersOfAKilledNodeGoOfflineWithinThirtySecondsAndOnlyThey() {
    // a short node TTL (PROTOCOL's default, 20 s, is the same path, four times slower)
    Map<String, String> env = Gateways.env(db, redis);
    env.put("GATEWAY_PRESENCE_NODE_TTL", "PT2S");
    String ana = user("ana");
    String ben = user("ben");
    String cy = user("cy");
    String conversation = conversation(db, ana, ben, cy);
    try (GatewayServer survivor = Gateways.start(env); GatewayProcess doomed = GatewayProcess.start(env);
        FrameClient benWs = connectSeeingPresence(survivor, ben)) {
      // Given ana is connected only to the doomed node, cy to it and to the survivor
      FrameClient anaWs = FrameClient.connect(Endpoint.bearer(doomed.ws(), token(ana)));
      FrameClient cyDoomed = FrameClient.connect(Endpoint.bearer(doomed.ws(), token(cy)));
      benWs.await(about("presence", conversation, ana).and(f -> f.path("state").asText().equals("online")));
      benWs.await(about("presence", conversation, cy).and(f -> f.path("state").asText().equals("online")));
      try (FrameClient cySurvivor = connectSeeingPresence(survivor, cy)) {
        // (cy's connection to the survivor is counted in Redis: her presence names both nodes)
        RedisClient client = redis.client();
        try (StatefulRedisConnection<String, String> r = client.connect()) {
          await().atMost(Duration.ofSeconds(10)).until(() -> r.sync().hlen("rp:presence:user:{" + cy + "}") == 2);
        } finally {
          client.shutdown();
        }

        // When the doomed node is killed: no close frames, no offline, its heartbeat simply stops
        long killedAt = System.nanoTime();
        doomed.kill();
        assertThat(anaWs.closeCode().handle((code, error) -> code == null ? 1006 : code).join()).isEqualTo(1006);

        // Then ben sees ana go offline within 30 s
        JsonNode offline = benWs.await(about("presence", conversation, ana), Duration.ofSeconds(30));
        assertThat(offline.path("state").asText()).isEqualTo("offline");
        assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(30));

        // And ana is not online any more, while cy, still connected to the survivor, is
        JsonNode asked = ask(benWs, "{\"type\":\"presence\",\"id\":\"p1\",\"conversation\":\"" + conversation + "\"}");
        assertThat(asked.path("online")).extracting(JsonNode::asText).contains(ben, cy).doesNotContain(ana);
        assertThat(benWs.quietFor(Duration.ofSeconds(3))).as("cy never went offline").isTrue();
        anaWs.close();
        cyDoomed.close();
      }
    }
  }
}
