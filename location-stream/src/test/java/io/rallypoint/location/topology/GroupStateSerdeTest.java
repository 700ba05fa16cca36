package io.rallypoint.location.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rallypoint.schemas.event.LocationUpdate;
import io.rallypoint.schemas.json.JsonSerde;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The store format of a group: exact round trips, the JSON of earlier versions, and broken bytes. */
class GroupStateSerdeTest {

  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00.123456789Z");
  private static final Duration AFTER = Duration.ofMinutes(30);

  private final GroupStateSerde serde = new GroupStateSerde();

  @Test
  void aGroupWithMembersExpiredMembersAndAPublishedPointRoundTripsExactly() {
    GroupState state = GroupState.empty("ride-ü")
        .withUpdate(new LocationUpdate("ride-ü", "alice", "s-a", 51.5131, -0.1589, T0), 50)
        .withUpdate(new LocationUpdate("ride-ü", "bob", null, -33.8688197, 151.2092955, T0.plusNanos(1)), 50)
        .withUpdate(new LocationUpdate("ride-ü", "carol", "s-c", 0.1 + 0.2, 1e-300, T0), 50)
        .withUpdate(new LocationUpdate("ride-ü", "alice", "s-a", 51.5132, -0.1588, T0.plusSeconds(5)), 50)
        .withSessionEnded("carol", "s-c", T0.plusSeconds(7))
        .withSessionEnded("alice", "s-a-old", T0.plusSeconds(8));
    state = state.withPublished(state.meetingPoint(T0.plus(AFTER).plusSeconds(1), AFTER));

    GroupState back = roundTrip(state);

    assertThat(back).isEqualTo(state);
    assertThat(back.published()).isEqualTo(state.published());
    assertThat(back.published().excluded()).isNotEmpty();
    assertThat(back.members().get("alice").movedAt()).isEqualTo(T0);
    assertThat(back.ended()).containsOnlyKeys("alice", "carol").containsEntry("alice", List.of("s-a-old"));
  }

  @Test
  void stateWrittenInVersionOneIsStillReadAndItsExpiredMembersStayOut() {
    // What version 1 could hold: members and expired members, no ended sessions.
    GroupState alice = GroupState.empty("ride-1")
        .withUpdate(new LocationUpdate("ride-1", "alice", "s-a", 51.5, -0.15, T0), 50);
    GroupState state = new GroupState("ride-1", alice.members(),
        new TreeMap<>(Map.of("bob", new GroupState.ExpiredMember("s-b", T0.plusSeconds(1)))), null, null);
    byte[] v2 = serde.serialize("t", state);
    // Version 1 is version 2 without the ended count (an int 0 just before the absent point's flag).
    byte[] v1 = Arrays.copyOf(v2, v2.length - 4);
    v1[0] = 1;
    v1[v1.length - 1] = 0;

    GroupState read = serde.deserialize("t", v1);

    assertThat(read).isEqualTo(state);
    LocationUpdate late = new LocationUpdate("ride-1", "bob", "s-b", 51.6, -0.15, T0.plusSeconds(2));
    assertThat(read.withUpdate(late, 50)).isSameAs(read);
  }

  @Test
  void aPointWithoutCoordinatesAndAReasonRoundTrips() {
    GroupState state = GroupState.empty("ride-1").withSessionEnded("alice", "s-a", T0);
    state = state.withPublished(state.meetingPoint(T0, AFTER));
    assertThat(state.published().lat()).isNull();
    assertThat(state.published().reason()).isNotNull();

    assertThat(roundTrip(state)).isEqualTo(state);
    assertThat(roundTrip(GroupState.empty("ride-2"))).isEqualTo(GroupState.empty("ride-2"));
  }

  @Test
  void stateWrittenAsJsonByAnEarlierVersionIsStillRead() {
    GroupState state = GroupState.empty("ride-1")
        .withUpdate(new LocationUpdate("ride-1", "alice", "s-a", 51.5, -0.15, T0.plusSeconds(1)), 50);
    state = state.withPublished(state.meetingPoint(T0.plusSeconds(1), AFTER));
    byte[] json = JsonSerde.of(GroupState.class).serialize("t", state);

    GroupState read = serde.deserialize("t", json);

    assertThat(read.members()).isEqualTo(JsonSerde.of(GroupState.class).deserialize("t", json).members());
    assertThat(read.published().members()).containsExactly("alice");
  }

  @Test
  void brokenBytesAreASerializationErrorNotAnotherException() {
    byte[] good = serde.serialize("t", GroupState.empty("ride-1")
        .withUpdate(new LocationUpdate("ride-1", "alice", "s-a", 51.5, -0.15, T0), 50));

    assertThatThrownBy(() -> serde.deserialize("t", Arrays.copyOf(good, good.length - 3)))
        .isInstanceOf(SerializationException.class);
    assertThatThrownBy(() -> serde.deserialize("t", new byte[] {42, 0, 0}))
        .isInstanceOf(SerializationException.class).hasMessageContaining("version");
    assertThatThrownBy(() -> serde.deserialize("t", Arrays.copyOf(good, good.length + 1)))
        .isInstanceOf(SerializationException.class);
    assertThat(serde.deserialize("t", null)).isNull();
    assertThat(serde.serialize("t", null)).isNull();
  }

  private GroupState roundTrip(GroupState state) {
    return serde.deserialize("t", serde.serialize("t", state));
  }
}
