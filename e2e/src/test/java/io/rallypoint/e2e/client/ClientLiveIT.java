package io.rallypoint.e2e.client;

import static io.rallypoint.e2e.client.ClientGateway.client;
import static io.rallypoint.e2e.client.ClientGateway.conversation;
import static io.rallypoint.e2e.client.ClientGateway.options;
import static io.rallypoint.e2e.client.ClientGateway.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rallypoint.client.RallypointClient;
import io.rallypoint.client.conversation.Position;
import io.rallypoint.e2e.client.ClientEvents.Typing;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two Java clients on a real gateway see each other come and go, type, and share positions while recording. */
class ClientLiveIT {

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  static GatewayServer gateway;

  @BeforeAll
  static void start() {
    gateway = ClientGateway.start(db, redis, Map.of());
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void eachSeesTheOtherOnlineThenOfflineWhenTheyLeave() {
    String ana = user("ana");
    String ben = user("ben");
    String ride = conversation(db, ana, ben);
    ClientEvents anaSaw = new ClientEvents();
    try (RallypointClient anaPhone = client(options(gateway.port(), ride).build(), ana, anaSaw)) {
      await().until(() -> anaPhone.online(ride).contains(ana));
      assertThat(anaPhone.online(ride)).doesNotContain(ben);

      // When ben connects, ana sees him online, and he sees both
      RallypointClient benPhone = client(options(gateway.port(), ride).build(), ben, new ClientEvents());
      await().until(() -> anaPhone.online(ride).contains(ben));
      await().until(() -> benPhone.online(ride).containsAll(List.of(ana, ben)));

      // When he leaves, she sees him offline
      benPhone.close();
      await().until(() -> !anaPhone.online(ride).contains(ben));
      assertThat(anaSaw.presence).contains(ride);
    }
  }

  @Test
  void typingShowsWhileTheUserTypesAndStopsWhenTheySend() {
    String ana = user("ana");
    String ben = user("ben");
    String ride = conversation(db, ana, ben);
    ClientEvents benSaw = new ClientEvents();
    try (RallypointClient anaPhone = client(options(gateway.port(), ride).build(), ana, new ClientEvents());
        RallypointClient benPhone = client(options(gateway.port(), ride).build(), ben, benSaw)) {
      await().until(() -> anaPhone.online(ride).contains(ben) && benPhone.online(ride).contains(ana));

      // When ana types, ben sees her typing
      anaPhone.typing(ride);
      await().until(() -> benPhone.typists(ride).contains(ana));
      assertThat(benSaw.typing).containsExactly(new Typing(ride, ana, true));

      // When she sends what she typed, it stops
      anaPhone.send(ride, "almost there");
      await().until(() -> benPhone.typists(ride).isEmpty());
      assertThat(benSaw.typing).containsExactly(new Typing(ride, ana, true), new Typing(ride, ana, false));
      assertThat(benSaw.bodies()).contains("almost there");
    }
  }

  @Test
  void aRecordingMembersPositionsReachTheOtherMemberWhoSeesThemRecording() {
    String ana = user("ana");
    String ben = user("ben");
    String ride = conversation(db, ana, ben);
    ClientGateway.consent(db, ana);
    ClientEvents benSaw = new ClientEvents();
    String session = UUID.randomUUID().toString();
    try (RallypointClient anaPhone = client(options(gateway.port(), ride).build(), ana, new ClientEvents());
        RallypointClient benPhone = client(options(gateway.port(), ride).build(), ben, benSaw)) {
      await().until(() -> anaPhone.online(ride).contains(ben));

      // When ana starts recording and shares two positions (the second first, as phones deliver out of order)
      anaPhone.startRecording(session).join();
      Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      anaPhone.shareLocation(ride, session, 48.8566, 2.3522, now).join();
      await().until(() -> benSaw.locations.size() == 1);
      anaPhone.shareLocation(ride, session, 48.8500, 2.3400, now.minusSeconds(5)).join();

      anaPhone.shareLocation(ride, session, 48.8570, 2.3530, now.plusSeconds(5)).join();

      // Then ben sees where she is and that she is recording; the older position never replaced a newer one
      Position latest = new Position(ride, ana, 48.8570, 2.3530, now.plusSeconds(5));
      await().until(() -> benPhone.locations(ride).equals(List.of(latest)));
      assertThat(benSaw.locations).containsExactly(new Position(ride, ana, 48.8566, 2.3522, now), latest);
      assertThat(benPhone.recording(ride)).containsExactly(ana);

      // And when she ends the session, a position from it is refused
      anaPhone.endRecording(session).join();
      assertThat(anaPhone.shareLocation(ride, session, 48.86, 2.36, Instant.now()))
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableThat().havingRootCause().withMessageContaining("session_inactive");
    }
  }
}
