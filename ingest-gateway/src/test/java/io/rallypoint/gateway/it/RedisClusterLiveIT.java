package io.rallypoint.gateway.it;

import static io.rallypoint.gateway.it.Gateways.about;
import static io.rallypoint.gateway.it.Gateways.ask;
import static io.rallypoint.gateway.it.Gateways.connectSeeingPresence;
import static io.rallypoint.gateway.it.Gateways.conversation;
import static io.rallypoint.gateway.it.Gateways.now;
import static io.rallypoint.gateway.it.Gateways.typing;
import static io.rallypoint.gateway.it.Gateways.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.gateway.store.Keys;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisClusterFixture;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Presence, typing and the group's live map with two gateway nodes on a Redis Cluster (3 masters,
 * 3 replicas): each crosses nodes through the conversation's sharded channel, whichever master its
 * slot is on.
 */
class RedisClusterLiveIT {

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  static final RedisClusterFixture cluster = new RedisClusterFixture();

  static GatewayServer north;
  static GatewayServer south;

  @BeforeAll
  static void start() {
    north = Gateways.start(Gateways.env(db, cluster.url()));
    south = Gateways.start(Gateways.env(db, cluster.url()));
  }

  @AfterAll
  static void stop() {
    south.close();
    north.close();
  }

  private static void consent(String user) {
    db.sql("INSERT INTO user_preferences (user_id, location_sharing_enabled) VALUES ('" + user + "', true)"
        + " ON CONFLICT (user_id) DO UPDATE SET location_sharing_enabled = true");
  }

  private static String state(JsonNode frame) {
    return frame.path("state").asText();
  }

  private static java.util.function.Predicate<JsonNode> went(String conversation, String user, String state) {
    return about("presence", conversation, user).and(f -> state.equals(state(f)));
  }

  @Test
  void onEveryMasterPresenceTypingAndPositionsCrossNodes() {
    Keys keys = new Keys("rallypoint", 0);
    Map<Integer, String> byMaster = new HashMap<>();
    String ana = user("ana");
    String ben = user("ben");
    consent(ben);
    while (byMaster.size() < 3) {
      String conversation = conversation(db, ana, ben);
      byMaster.putIfAbsent(cluster.masterOf(keys.seq(conversation)), conversation);
    }
    for (String conversation : byMaster.values()) {
      try (FrameClient anaNorth = connectSeeingPresence(north, ana)) {
        // When ben connects through south, Then ana on north sees him online
        FrameClient benSouth = connectSeeingPresence(south, ben);
        anaNorth.await(went(conversation, ben, "online"));

        // When ana types on north, Then ben on south sees it, and its end
        anaNorth.send(typing(conversation, "started"));
        assertThat(state(benSouth.await(about("typing", conversation, ana)))).isEqualTo("started");
        anaNorth.send(typing(conversation, "stopped"));
        assertThat(state(benSouth.await(about("typing", conversation, ana)))).isEqualTo("stopped");

        // When ben records and shares a position through south, Then ana on north gets it
        String rec = "rec-" + UUID.randomUUID();
        assertThat(ask(benSouth, "{\"type\":\"session\",\"id\":\"s\",\"session\":\"" + rec
            + "\",\"state\":\"started\",\"at\":\"" + now() + "\"}").path("type").asText()).isEqualTo("ok");
        assertThat(ask(benSouth, "{\"type\":\"location\",\"id\":\"l\",\"conversation\":\"" + conversation
            + "\",\"session\":\"" + rec + "\",\"lat\":45.76,\"lng\":4.83,\"at\":\"" + now() + "\"}")
            .path("type").asText()).isEqualTo("ok");
        JsonNode position = anaNorth.await(about("location", conversation, ben));
        assertThat(position.path("lat").asDouble()).isEqualTo(45.76);
        assertThat(position.path("lng").asDouble()).isEqualTo(4.83);

        // When ben closes, Then ana on north sees him offline
        benSouth.close();
        anaNorth.await(went(conversation, ben, "offline"));
      }
    }
  }
}
