package io.rallypoint.location.topology;

import io.rallypoint.schemas.frame.MeetingPoint;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by conversation: applies positions and ended sessions to the group's {@link GroupState},
 * re-evaluates the rules on every event and on a wall-clock punctuation (so a quiet group's members
 * still turn stationary), and forwards the {@link MeetingPoint} only when it differs from the one
 * last published.
 *
 * <p>The punctuation looks only at the groups in which a counted member is due to turn stationary
 * ({@link StationaryDeadlines}, kept on every event and rebuilt from the store at init): reading and
 * decoding every group each second stalled the stream thread, which showed as tail latency.
 */
final class GroupProcessor implements Processor<String, GroupEvent, String, MeetingPoint> {

  private static final Logger LOG = LoggerFactory.getLogger(GroupProcessor.class);

  private final Duration stationaryAfter;
  private final double radiusMeters;
  private final Duration punctuateEvery;
  private final EmitLatency latency;
  private ProcessorContext<String, MeetingPoint> context;
  private KeyValueStore<String, GroupState> store;
  private final StationaryDeadlines deadlines = new StationaryDeadlines();

  GroupProcessor(Duration stationaryAfter, double radiusMeters, Duration punctuateEvery, EmitLatency latency) {
    this.stationaryAfter = stationaryAfter;
    this.radiusMeters = radiusMeters;
    this.punctuateEvery = punctuateEvery;
    this.latency = latency;
  }

  @Override
  public void init(ProcessorContext<String, MeetingPoint> context) {
    this.context = context;
    this.store = context.getStateStore(LocationTopology.GROUPS_STORE);
    rebuildDeadlines(now());
    context.schedule(punctuateEvery, PunctuationType.WALL_CLOCK_TIME, this::reevaluateDue);
  }

  /** Init runs after the store is restored (and again when a task is revived): one pass over it. */
  private void rebuildDeadlines(Instant now) {
    deadlines.clear();
    try (KeyValueIterator<String, GroupState> all = store.all()) {
      while (all.hasNext()) {
        KeyValue<String, GroupState> entry = all.next();
        deadlines.schedule(entry.key, entry.value.stationaryDeadline(now, stationaryAfter));
      }
    }
  }

  @Override
  public void process(Record<String, GroupEvent> record) {
    String conversation = record.key();
    if (conversation == null || record.value() == null) {
      return;
    }
    GroupState before = store.get(conversation);
    if (before == null) {
      before = GroupState.empty(conversation);
    }
    GroupState after = switch (record.value()) {
      case GroupEvent.Located(var u) -> before.withUpdate(u, radiusMeters);
      case GroupEvent.Ended(var e) -> {
        LOG.info("session {} of user {} ended: conversation {} stops taking its positions", e.session(), e.user(), conversation);
        yield before.withSessionEnded(e.user(), e.session(), e.at());
      }
    };
    if (after == before && before.published() != null) {
      return; // ignored (late or duplicate): nothing can have changed
    }
    Instant now = now();
    MeetingPoint point = after.meetingPoint(now, stationaryAfter);
    if (!GroupState.sameContent(point, after.published())) {
      after = after.withPublished(point);
      context.forward(new Record<>(conversation, point, now.toEpochMilli()));
      if (record.value() instanceof GroupEvent.Located) {
        latency.emitted(now.toEpochMilli() - record.timestamp());
      }
    }
    if (after != before) {
      store.put(conversation, after);
    }
    deadlines.schedule(conversation, after.stationaryDeadline(now, stationaryAfter));
  }

  /**
   * The wall-clock pass over the groups with a member due to turn stationary: only a change of who
   * counts can change a point without an event.
   */
  private void reevaluateDue(long wallClockMs) {
    Instant now = Instant.ofEpochMilli(wallClockMs);
    for (String conversation : deadlines.takeDueBefore(now)) {
      GroupState state = store.get(conversation);
      if (state == null) {
        continue;
      }
      if (!state.roster(now, stationaryAfter).matches(state.published())) {
        MeetingPoint point = state.meetingPoint(now, stationaryAfter);
        if (!GroupState.sameContent(point, state.published())) {
          state = state.withPublished(point);
          store.put(conversation, state);
          context.forward(new Record<>(conversation, point, wallClockMs));
        }
      }
      deadlines.schedule(conversation, state.stationaryDeadline(now, stationaryAfter));
    }
  }

  private Instant now() {
    return Instant.ofEpochMilli(context.currentSystemTimeMs());
  }
}
