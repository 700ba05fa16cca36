package io.rallypoint.location.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.rallypoint.location.LocationConfig;
import io.rallypoint.location.geo.FairPoint;
import io.rallypoint.location.geo.GreatCircle;
import io.rallypoint.location.geo.Midpoint;
import io.rallypoint.schemas.event.LocationUpdate;
import io.rallypoint.schemas.event.RecordingSessionEvent;
import io.rallypoint.schemas.frame.Exclusion;
import io.rallypoint.schemas.frame.Exclusion.Reason;
import io.rallypoint.schemas.frame.GeoPoint;
import io.rallypoint.schemas.frame.MeetingPoint;
import io.rallypoint.schemas.frame.SessionState;
import io.rallypoint.schemas.json.ContractSchemas;
import io.rallypoint.schemas.json.Json;
import io.rallypoint.schemas.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every rule of the topology, driven through its topics with event time and a mocked wall clock. */
class LocationTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
  private static final Duration STATIONARY_AFTER = Duration.ofMinutes(30);
  private static final String RIDE = "ride-1";

  // A loop around Hyde Park: points a few hundred metres apart.
  private static final GeoPoint MARBLE_ARCH = new GeoPoint(51.5131, -0.1589);
  private static final GeoPoint HYDE_PARK_CORNER = new GeoPoint(51.5027, -0.1527);
  private static final GeoPoint SERPENTINE = new GeoPoint(51.5053, -0.1657);
  private static final GeoPoint LANCASTER_GATE = new GeoPoint(51.5119, -0.1756);

  @TempDir
  Path stateDir;

  private TopologyTestDriver driver;
  private TestInputTopic<String, LocationUpdate> updates;
  private TestInputTopic<String, RecordingSessionEvent> sessions;
  private TestOutputTopic<String, MeetingPoint> points;

  @BeforeEach
  void start() {
    LocationConfig cfg = new LocationConfig("unused:9092", "location-test", 0, "127.0.0.1", STATIONARY_AFTER, 50,
        Duration.ofSeconds(1), Duration.ofMillis(50), stateDir, 1, 0, Duration.ofSeconds(10), java.util.Optional.empty(),
        io.rallypoint.schemas.db.DatabaseUrl.parse(io.rallypoint.schemas.db.DatabaseUrl.LOCAL_DEFAULT), java.util.Optional.empty(),
        io.rallypoint.schemas.topic.TopicReplication.SINGLE);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, cfg.applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers());
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(LocationTopology.build(cfg), props, T0);
    var u = Topics.LOCATION_UPDATES;
    var s = Topics.RECORDING_SESSIONS;
    var o = Topics.LOCATION_MEETING_POINTS;
    updates = driver.createInputTopic(u.name(), u.keySerde().serializer(), u.valueSerde().serializer());
    sessions = driver.createInputTopic(s.name(), s.keySerde().serializer(), s.valueSerde().serializer());
    points = driver.createOutputTopic(o.name(), o.keySerde().deserializer(), o.valueSerde().deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void aGroupOfOneMeetsWhereItsOnlyMemberIs() {
    share("alice", "s-a", MARBLE_ARCH, T0);

    MeetingPoint p = single();
    assertThat(p.conversation()).isEqualTo(RIDE);
    assertThat(p.lat()).isCloseTo(MARBLE_ARCH.lat(), within(1e-9));
    assertThat(p.lng()).isCloseTo(MARBLE_ARCH.lng(), within(1e-9));
    assertThat(GreatCircle.meters(p.fairPoint(), MARBLE_ARCH)).isLessThan(1e-3);
    assertThat(p.members()).containsExactly("alice");
    assertThat(p.excluded()).isEmpty();
    assertThat(p.computedAt()).isEqualTo(T0);
    assertThat(p.reason()).isNull();
  }

  @Test
  void theMeetingPointIsTheMidpointAndFairPointOfTheMembers() {
    share("alice", "s-a", MARBLE_ARCH, T0);
    share("bob", "s-b", HYDE_PARK_CORNER, T0.plusSeconds(1));
    share("carol", "s-c", SERPENTINE, T0.plusSeconds(2));

    List<MeetingPoint> all = points.readValuesToList();
    assertThat(all).hasSize(3);
    MeetingPoint p = all.get(2);
    List<GeoPoint> group = List.of(MARBLE_ARCH, HYDE_PARK_CORNER, SERPENTINE);
    GeoPoint mid = Midpoint.of(group).point();
    assertThat(p.lat()).isCloseTo(mid.lat(), within(1e-9));
    assertThat(p.lng()).isCloseTo(mid.lng(), within(1e-9));
    assertThat(GreatCircle.meters(p.fairPoint(), FairPoint.of(group).orElseThrow())).isLessThan(1e-3);
    assertThat(p.members()).containsExactly("alice", "bob", "carol");
  }

  @Test
  void aPointIsPublishedOnlyWhenItChanges() {
    share("alice", "s-a", MARBLE_ARCH, T0);
    share("bob", "s-b", HYDE_PARK_CORNER, T0);
    assertThat(points.readValuesToList()).hasSize(2);

    // Same positions again, later: nothing a member would see has changed.
    share("alice", "s-a", MARBLE_ARCH, T0.plusSeconds(10));
    share("bob", "s-b", HYDE_PARK_CORNER, T0.plusSeconds(10));
    driver.advanceWallClockTime(Duration.ofSeconds(5));
    assertThat(points.isEmpty()).isTrue();

    // Bob walks on: a new point.
    share("bob", "s-b", SERPENTINE, T0.plusSeconds(20));
    MeetingPoint p = single();
    GeoPoint mid = Midpoint.of(List.of(MARBLE_ARCH, SERPENTINE)).point();
    assertThat(p.lat()).isCloseTo(mid.lat(), within(1e-9));
  }

  @Test
  void anUpdateOlderThanTheMembersLatestIsIgnored() {
    share("alice", "s-a", MARBLE_ARCH, T0.plusSeconds(60));
    points.readValuesToList();

    // A position taken earlier, delivered late by the phone.
    share("alice", "s-a", LANCASTER_GATE, T0.plusSeconds(30));
    share("alice", "s-a", LANCASTER_GATE, T0.plusSeconds(60));

    assertThat(points.isEmpty()).isTrue();
    MemberState alice = group().members().get("alice");
    assertThat(alice.position()).isEqualTo(MARBLE_ARCH);
    assertThat(alice.at()).isEqualTo(T0.plusSeconds(60));
  }

  @Test
  void aQuietMemberTurnsStationaryOnTheWallClockAndCountsAgainWhenItMoves() {
    share("alice", "s-a", MARBLE_ARCH, T0);
    share("bob", "s-b", HYDE_PARK_CORNER, T0);
    points.readValuesToList();

    // Alice keeps riding; Bob's phone goes quiet. Exactly 30 minutes is not yet "longer than".
    for (int minute = 10; minute <= 30; minute += 10) {
      driver.advanceWallClockTime(Duration.ofMinutes(10));
      share("alice", "s-a", minute % 20 == 0 ? MARBLE_ARCH : LANCASTER_GATE, T0.plus(Duration.ofMinutes(minute)));
    }
    List<MeetingPoint> riding = points.readValuesToList();
    assertThat(riding).hasSize(3).allSatisfy(p -> assertThat(p.members()).containsExactly("alice", "bob"));

    // Just past 30 minutes, with no event at all: the punctuation leaves Bob out.
    driver.advanceWallClockTime(Duration.ofSeconds(2));
    MeetingPoint withoutBob = single();
    assertThat(withoutBob.members()).containsExactly("alice");
    assertThat(withoutBob.excluded()).containsExactly(new Exclusion("bob", Reason.STATIONARY));
    assertThat(withoutBob.lat()).isCloseTo(LANCASTER_GATE.lat(), within(1e-9));
    assertThat(withoutBob.computedAt()).isEqualTo(T0.plus(Duration.ofMinutes(30)).plusSeconds(2));

    // Bob jitters within 50 m: still stationary, nothing new.
    share("bob", "s-b", offsetNorth(HYDE_PARK_CORNER, 20), T0.plus(Duration.ofMinutes(31)));
    assertThat(points.isEmpty()).isTrue();

    // Bob rides off: counted again, at once.
    share("bob", "s-b", SERPENTINE, T0.plus(Duration.ofMinutes(32)));
    MeetingPoint withBob = single();
    assertThat(withBob.members()).containsExactly("alice", "bob");
    assertThat(withBob.excluded()).isEmpty();
  }

  @Test
  void aMoveStartsTheStationaryClockAgainForThatMemberOnly() {
    share("alice", "s-a", MARBLE_ARCH, T0);
    share("bob", "s-b", HYDE_PARK_CORNER, T0);
    points.readValuesToList();

    // Bob rides on after 20 minutes; Alice never moves again.
    driver.advanceWallClockTime(Duration.ofMinutes(20));
    share("bob", "s-b", SERPENTINE, T0.plus(Duration.ofMinutes(20)));
    assertThat(single().members()).containsExactly("alice", "bob");

    // Past Alice's 30 minutes: only she is left out.
    driver.advanceWallClockTime(Duration.ofMinutes(11));
    MeetingPoint withoutAlice = single();
    assertThat(withoutAlice.members()).containsExactly("bob");
    assertThat(withoutAlice.excluded()).containsExactly(new Exclusion("alice", Reason.STATIONARY));

    // Nothing changes until Bob's own 30 minutes have passed too.
    driver.advanceWallClockTime(Duration.ofMinutes(10));
    assertThat(points.isEmpty()).isTrue();
    driver.advanceWallClockTime(Duration.ofMinutes(10));
    MeetingPoint nobody = single();
    assertThat(nobody.members()).isEmpty();
    assertThat(nobody.excluded()).containsExactly(
        new Exclusion("alice", Reason.STATIONARY), new Exclusion("bob", Reason.STATIONARY));

    // Everyone is stationary: the wall clock alone changes nothing any more.
    driver.advanceWallClockTime(Duration.ofHours(2));
    assertThat(points.isEmpty()).isTrue();
  }

  @Test
  void aMemberWhoseOwnPositionsShowNoMovementTurnsStationaryOnEventTime() {
    share("alice", "s-a", MARBLE_ARCH, T0);
    share("bob", "s-b", HYDE_PARK_CORNER, T0);
    points.readValuesToList();

    // Bob keeps reporting from within 30 m for 31 minutes of his own clock (the wall clock is still).
    share("bob", "s-b", offsetNorth(HYDE_PARK_CORNER, 30), T0.plus(Duration.ofMinutes(15)));
    assertThat(points.readValuesToList()).hasSize(1); // the point moves with him; he still counts
    share("bob", "s-b", offsetNorth(HYDE_PARK_CORNER, -10), T0.plus(Duration.ofMinutes(31)));

    MeetingPoint p = single();
    assertThat(p.members()).containsExactly("alice");
    assertThat(p.excluded()).containsExactly(new Exclusion("bob", Reason.STATIONARY));
  }

  @Test
  void anEndedSessionExcludesTheMemberAtOnceAndRemovesItsLocation() {
    share("alice", "s-a", MARBLE_ARCH, T0);
    share("bob", "s-b", HYDE_PARK_CORNER, T0);
    points.readValuesToList();

    sessions.pipeInput("bob", new RecordingSessionEvent("s-b", "bob", SessionState.ENDED, T0.plusSeconds(5)), T0.plusSeconds(5));

    MeetingPoint p = single();
    assertThat(p.members()).containsExactly("alice");
    assertThat(p.excluded()).containsExactly(new Exclusion("bob", Reason.EXPIRED));
    assertThat(p.lat()).isCloseTo(MARBLE_ARCH.lat(), within(1e-9));
    assertThat(group().members()).doesNotContainKey("bob");

    // A position from the ended session, delivered late, changes nothing.
    share("bob", "s-b", SERPENTINE, T0.plusSeconds(6));
    assertThat(points.isEmpty()).isTrue();
    assertThat(group().members()).doesNotContainKey("bob");

    // A new session: Bob counts again.
    share("bob", "s-b2", SERPENTINE, T0.plusSeconds(60));
    MeetingPoint back = single();
    assertThat(back.members()).containsExactly("alice", "bob");
    assertThat(back.excluded()).isEmpty();
  }

  @Test
  void anEndedSessionReachesEveryConversationTheUserSharesIn() {
    share("ride-1", "bob", "s-b", HYDE_PARK_CORNER, T0);
    share("ride-2", "bob", "s-b", HYDE_PARK_CORNER, T0);
    share("ride-2", "carol", "s-c", SERPENTINE, T0);
    share("ride-3", "dave", "s-d", SERPENTINE, T0);
    points.readValuesToList();

    sessions.pipeInput("bob", new RecordingSessionEvent("s-b", "bob", SessionState.ENDED, T0.plusSeconds(5)));

    Map<String, MeetingPoint> byConversation = points.readKeyValuesToMap();
    assertThat(byConversation).containsOnlyKeys("ride-1", "ride-2");
    assertThat(byConversation.get("ride-1").excluded()).containsExactly(new Exclusion("bob", Reason.EXPIRED));
    assertThat(byConversation.get("ride-2").members()).containsExactly("carol");
    assertThat(byConversation.get("ride-2").excluded()).containsExactly(new Exclusion("bob", Reason.EXPIRED));
  }

  @Test
  void theEndOfAnotherSessionOfTheMemberChangesNothing() {
    share("alice", "s-a2", MARBLE_ARCH, T0);
    points.readValuesToList();

    sessions.pipeInput("alice", new RecordingSessionEvent("s-a1", "alice", SessionState.ENDED, T0.plusSeconds(5)));
    sessions.pipeInput("alice", new RecordingSessionEvent("s-a3", "alice", SessionState.STARTED, T0.plusSeconds(6)));

    assertThat(points.isEmpty()).isTrue();
    assertThat(group().members()).containsKey("alice");
  }

  @Test
  void aLatePositionFromTheOldSessionDoesNotHideTheEndOfTheNewOne() {
    share("alice", "s-a", MARBLE_ARCH, T0);
    share("bob", "s-b1", HYDE_PARK_CORNER, T0);
    // Bob starts a new session; then a position his old session took earlier is delivered late.
    share("bob", "s-b2", SERPENTINE, T0.plusSeconds(20));
    share("bob", "s-b1", LANCASTER_GATE, T0.plusSeconds(10));
    points.readValuesToList();

    sessions.pipeInput("bob", new RecordingSessionEvent("s-b2", "bob", SessionState.ENDED, T0.plusSeconds(30)));

    MeetingPoint p = single();
    assertThat(p.members()).containsExactly("alice");
    assertThat(p.excluded()).containsExactly(new Exclusion("bob", Reason.EXPIRED));
    assertThat(p.lat()).isCloseTo(MARBLE_ARCH.lat(), within(1e-9));
    assertThat(group().members()).doesNotContainKey("bob");
  }

  @Test
  void theEndOfTheOldSessionLeavesTheMemberCountedFromTheNewOneUntilThatEndsToo() {
    share("alice", "s-a", MARBLE_ARCH, T0);
    share("bob", "s-b1", HYDE_PARK_CORNER, T0);
    share("bob", "s-b2", SERPENTINE, T0.plusSeconds(20)); // started before s-b1 ended
    MeetingPoint fromNewSession = points.readValuesToList().getLast();

    // The old session ends, then a position it took before its end is delivered late.
    sessions.pipeInput("bob", new RecordingSessionEvent("s-b1", "bob", SessionState.ENDED, T0.plusSeconds(30)));
    share("bob", "s-b1", LANCASTER_GATE, T0.plusSeconds(25));

    assertThat(points.isEmpty()).isTrue();
    assertThat(fromNewSession.members()).containsExactly("alice", "bob");
    assertThat(group().members().get("bob").position()).isEqualTo(SERPENTINE);

    // The new session ends: Bob is left out at once.
    sessions.pipeInput("bob", new RecordingSessionEvent("s-b2", "bob", SessionState.ENDED, T0.plusSeconds(40)));

    MeetingPoint p = single();
    assertThat(p.members()).containsExactly("alice");
    assertThat(p.excluded()).containsExactly(new Exclusion("bob", Reason.EXPIRED));
    assertThat(group().members()).doesNotContainKey("bob");
  }

  @Test
  void noLatePositionFromAnyEndedSessionBringsTheMemberBack() {
    share("alice", "s-a", MARBLE_ARCH, T0);
    share("bob", "s-b1", HYDE_PARK_CORNER, T0);
    share("bob", "s-b2", SERPENTINE, T0.plusSeconds(20));
    sessions.pipeInput("bob", new RecordingSessionEvent("s-b2", "bob", SessionState.ENDED, T0.plusSeconds(30)));
    sessions.pipeInput("bob", new RecordingSessionEvent("s-b1", "bob", SessionState.ENDED, T0.plusSeconds(31)));
    assertThat(points.readValuesToList().getLast().excluded()).containsExactly(new Exclusion("bob", Reason.EXPIRED));

    // Positions both sessions took before they ended, delivered late.
    share("bob", "s-b1", LANCASTER_GATE, T0.plusSeconds(15));
    share("bob", "s-b2", LANCASTER_GATE, T0.plusSeconds(25));

    assertThat(points.isEmpty()).isTrue();
    assertThat(group().members()).doesNotContainKey("bob");
  }

  @Test
  void aPositionFromASessionThatEndedEarlierInAnotherConversationIsExpiredToo() {
    share("ride-1", "bob", "s-b", HYDE_PARK_CORNER, T0);
    sessions.pipeInput("bob", new RecordingSessionEvent("s-b", "bob", SessionState.ENDED, T0.plusSeconds(5)));
    points.readValuesToList();

    // A position from that session reaches another conversation after the end.
    share("ride-2", "bob", "s-b", HYDE_PARK_CORNER, T0.plusSeconds(4));

    List<KeyValue<String, MeetingPoint>> out = points.readKeyValuesToList();
    MeetingPoint last = out.get(out.size() - 1).value;
    assertThat(last.conversation()).isEqualTo("ride-2");
    assertThat(last.members()).isEmpty();
    assertThat(last.excluded()).containsExactly(new Exclusion("bob", Reason.EXPIRED));
  }

  @Test
  void theSessionRouterHearsOfEachMembershipOnceNotOfEveryPosition() {
    TestOutputTopic<String, Membership> memberships = driver.createOutputTopic(
        "location-test-memberships-repartition", Serdes.String().deserializer(), LocationTopology.MEMBERSHIP.deserializer());

    // Alice shares many positions in two rides, then from a new session in one of them.
    for (int i = 0; i < 5; i++) {
      share("ride-1", "alice", "s-a", i % 2 == 0 ? MARBLE_ARCH : SERPENTINE, T0.plusSeconds(i));
      share("ride-2", "alice", "s-a", MARBLE_ARCH, T0.plusSeconds(i));
    }
    share("ride-1", "alice", "s-a2", HYDE_PARK_CORNER, T0.plusSeconds(10));
    share("ride-1", "alice", "s-a2", MARBLE_ARCH, T0.plusSeconds(11));

    assertThat(memberships.readKeyValuesToList()).containsExactly(
        KeyValue.pair("alice", new Membership("ride-1", "alice", "s-a")),
        KeyValue.pair("alice", new Membership("ride-2", "alice", "s-a")),
        KeyValue.pair("alice", new Membership("ride-1", "alice", "s-a2")));

    // and the end of the new session still reaches ride-1 only
    points.readValuesToList();
    sessions.pipeInput("alice", new RecordingSessionEvent("s-a2", "alice", SessionState.ENDED, T0.plusSeconds(12)));
    assertThat(points.readKeyValuesToMap()).containsOnlyKeys("ride-1");
  }

  @Test
  void whenEveryMemberIsExcludedThereIsNoPointAndAReason() {
    share("alice", "s-a", MARBLE_ARCH, T0);
    share("bob", "s-b", HYDE_PARK_CORNER, T0);
    sessions.pipeInput("alice", new RecordingSessionEvent("s-a", "alice", SessionState.ENDED, T0.plusSeconds(1)));
    points.readValuesToList();

    driver.advanceWallClockTime(STATIONARY_AFTER.plusSeconds(1));

    MeetingPoint p = single();
    assertThat(p.lat()).isNull();
    assertThat(p.lng()).isNull();
    assertThat(p.fairPoint()).isNull();
    assertThat(p.reason()).isEqualTo(Midpoint.NO_MEMBERS);
    assertThat(p.members()).isEmpty();
    assertThat(p.excluded()).containsExactly(
        new Exclusion("alice", Reason.EXPIRED), new Exclusion("bob", Reason.STATIONARY));
  }

  @Test
  void antipodalMembersHaveNoPointAndAReasonNeverNaN() {
    share("alice", "s-a", new GeoPoint(10, 20), T0);
    share("bob", "s-b", new GeoPoint(-10, -160), T0);

    List<MeetingPoint> out = points.readValuesToList();
    MeetingPoint p = out.get(1);
    assertThat(p.lat()).isNull();
    assertThat(p.fairPoint()).isNull();
    assertThat(p.reason()).isEqualTo(Midpoint.CANCELLED_OUT);
    assertThat(p.members()).containsExactly("alice", "bob");
  }

  @Test
  void everyPublishedValueValidatesAgainstTheTopicSchema() {
    share("alice", "s-a", MARBLE_ARCH, T0);
    share("bob", "s-b", HYDE_PARK_CORNER, T0);
    sessions.pipeInput("alice", new RecordingSessionEvent("s-a", "alice", SessionState.ENDED, T0.plusSeconds(1)));
    driver.advanceWallClockTime(STATIONARY_AFTER.plusSeconds(1));

    List<MeetingPoint> out = points.readValuesToList();
    assertThat(out).hasSize(4).anySatisfy(p -> assertThat(p.reason()).isNotNull())
        .anySatisfy(p -> assertThat(p.fairPoint()).isNotNull());
    for (MeetingPoint p : out) {
      var json = Json.parse(Topics.LOCATION_MEETING_POINTS.valueSerde().serializer().serialize("t", p));
      assertThat(ContractSchemas.problems(Topics.LOCATION_MEETING_POINTS.valueSchema(), json)).as(json.toString()).isEmpty();
    }
  }

  @Test
  void invalidPositionsAreIgnored() {
    share("alice", "s-a", MARBLE_ARCH, T0);
    points.readValuesToList();

    updates.pipeInput(RIDE, new LocationUpdate(RIDE, "alice", "s-a", Double.NaN, 0, T0.plusSeconds(1)));
    updates.pipeInput(RIDE, new LocationUpdate(RIDE, "alice", "s-a", 91, 0, T0.plusSeconds(2)));

    assertThat(points.isEmpty()).isTrue();
    assertThat(group().members().get("alice").position()).isEqualTo(MARBLE_ARCH);
  }

  private void share(String user, String session, GeoPoint where, Instant at) {
    share(RIDE, user, session, where, at);
  }

  private void share(String conversation, String user, String session, GeoPoint where, Instant at) {
    updates.pipeInput(conversation, new LocationUpdate(conversation, user, session, where.lat(), where.lng(), at), at);
  }

  private MeetingPoint single() {
    List<MeetingPoint> out = points.readValuesToList();
    assertThat(out).hasSize(1);
    return out.get(0);
  }

  private GroupState group() {
    KeyValueStore<String, GroupState> store = driver.getKeyValueStore(LocationTopology.GROUPS_STORE);
    return store.get(RIDE);
  }

  private static GeoPoint offsetNorth(GeoPoint p, double meters) {
    return new GeoPoint(p.lat() + Math.toDegrees(meters / GreatCircle.EARTH_RADIUS_M), p.lng());
  }
}
