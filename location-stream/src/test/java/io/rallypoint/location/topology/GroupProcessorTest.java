package io.rallypoint.location.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.rallypoint.schemas.event.LocationUpdate;
import io.rallypoint.schemas.frame.Exclusion;
import io.rallypoint.schemas.frame.Exclusion.Reason;
import io.rallypoint.schemas.frame.MeetingPoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The processor on its own: what it finds in a store that already holds groups (a restart). */
class GroupProcessorTest {

  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
  private static final Duration STATIONARY_AFTER = Duration.ofMinutes(30);

  private final MockProcessorContext<String, MeetingPoint> context = new MockProcessorContext<>();
  private final List<Long> latencies = new ArrayList<>();
  private KeyValueStore<String, GroupState> store;

  @BeforeEach
  void openStore() {
    store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(LocationTopology.GROUPS_STORE),
        Serdes.String(), LocationTopology.GROUP_STATE).withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
  }

  @Test
  void afterARestartQuietGroupsStillTurnStationaryOnTheWallClock() {
    // Given groups stored by an earlier instance: Alice quiet since T0, Bob since T0 + 10 min
    store.put("ride-1", published(GroupState.empty("ride-1").withUpdate(at("ride-1", "alice", T0), 50), T0));
    store.put("ride-2", published(GroupState.empty("ride-2").withUpdate(at("ride-2", "bob", T0.plusSeconds(600)), 50),
        T0.plusSeconds(600)));

    // When a new processor starts on that store at T0 + 5 min, and the wall clock moves on
    GroupProcessor processor = start(T0.plusSeconds(300));
    punctuate(T0.plus(STATIONARY_AFTER));
    assertThat(context.forwarded()).isEmpty();
    punctuate(T0.plus(STATIONARY_AFTER).plusSeconds(1));

    // Then each group turns stationary when its own member's time is up, once
    assertThat(context.forwarded()).singleElement().satisfies(f -> {
      assertThat(f.record().key()).isEqualTo("ride-1");
      assertThat(f.record().value().excluded()).containsExactly(new Exclusion("alice", Reason.STATIONARY));
    });
    context.resetForwards();
    punctuate(T0.plus(STATIONARY_AFTER).plusSeconds(599));
    assertThat(context.forwarded()).isEmpty();
    punctuate(T0.plus(STATIONARY_AFTER).plusSeconds(601));
    assertThat(context.forwarded()).singleElement()
        .satisfies(f -> assertThat(f.record().key()).isEqualTo("ride-2"));
    assertThat(store.get("ride-2").published().members()).isEmpty();
    processor.close();
  }

  @Test
  void theWallClockPassSkipsGroupsWithNobodyDue() {
    // Given a group whose only member is already stationary, and the point says so
    GroupState quiet = GroupState.empty("ride-1").withUpdate(at("ride-1", "alice", T0), 50);
    Instant later = T0.plus(STATIONARY_AFTER).plusSeconds(60);
    store.put("ride-1", published(quiet, later));

    // When the processor starts and the wall clock runs on for hours
    start(later);
    for (int hour = 1; hour <= 3; hour++) {
      punctuate(later.plus(Duration.ofHours(hour)));
    }

    // Then nothing is re-published (only an event can change that group now)
    assertThat(context.forwarded()).isEmpty();
  }

  @Test
  void anUpdateThatMovesThePointIsTimedFromItsIngestAndOneThatChangesNothingIsNot() {
    // Given a processor whose wall clock is 40 ms past the update record's timestamp
    GroupProcessor processor = start(T0.plusMillis(40));
    LocationUpdate alice = at("ride-1", "alice", T0);

    // When the update arrives, and then the same update again
    processor.process(new Record<>("ride-1", new GroupEvent.Located(alice), T0.toEpochMilli()));
    processor.process(new Record<>("ride-1", new GroupEvent.Located(alice), T0.toEpochMilli()));

    // Then the one meeting point emitted was timed at 40 ms; the duplicate emitted and timed nothing
    assertThat(context.forwarded()).hasSize(1);
    assertThat(latencies).containsExactly(40L);
  }

  private GroupProcessor start(Instant wallClock) {
    context.setCurrentSystemTimeMs(wallClock.toEpochMilli());
    GroupProcessor processor = new GroupProcessor(STATIONARY_AFTER, 50, Duration.ofSeconds(1), latencies::add);
    processor.init(context);
    return processor;
  }

  private void punctuate(Instant wallClock) {
    context.setCurrentSystemTimeMs(wallClock.toEpochMilli());
    for (MockProcessorContext.CapturedPunctuator p : context.scheduledPunctuators()) {
      p.getPunctuator().punctuate(wallClock.toEpochMilli());
    }
  }

  private static GroupState published(GroupState state, Instant now) {
    return state.withPublished(state.meetingPoint(now, STATIONARY_AFTER));
  }

  private static LocationUpdate at(String conversation, String user, Instant at) {
    return new LocationUpdate(conversation, user, "s-" + user, 51.5, -0.15, at);
  }
}
