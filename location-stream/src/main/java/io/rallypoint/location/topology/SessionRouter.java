package io.rallypoint.location.topology;

import io.rallypoint.schemas.event.RecordingSessionEvent;
import io.rallypoint.schemas.frame.SessionState;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keyed by user: remembers which conversations each user shares in from which of its sessions
 * ({@link UserSessions}), and turns the user's {@code ended} recording session into one
 * {@link SessionEnded} per conversation shared in from it, keyed by conversation, for
 * {@link GroupProcessor}.
 */
final class SessionRouter implements Processor<String, UserEvent, String, SessionEnded> {

  private ProcessorContext<String, SessionEnded> context;
  private KeyValueStore<String, UserSessions> store;

  @Override
  public void init(ProcessorContext<String, SessionEnded> context) {
    this.context = context;
    this.store = context.getStateStore(LocationTopology.USER_SESSIONS_STORE);
  }

  @Override
  public void process(Record<String, UserEvent> record) {
    String user = record.key();
    if (user == null || record.value() == null) {
      return;
    }
    UserSessions before = store.get(user);
    if (before == null) {
      before = UserSessions.empty();
    }
    UserSessions after = switch (record.value()) {
      case UserEvent.Joined(Membership m) -> joined(before, m, record);
      case UserEvent.Session(RecordingSessionEvent e) -> session(before, user, e, record);
    };
    if (after != before) {
      store.put(user, after);
    }
  }

  private UserSessions joined(UserSessions state, Membership m, Record<String, UserEvent> record) {
    Instant endedAt = state.endedAt(m.session());
    if (endedAt != null) {
      // The position overtook nothing: its session had already ended when the membership arrived.
      forward(new SessionEnded(m.conversation(), m.user(), m.session(), endedAt), record);
      return state;
    }
    return state.joined(m.conversation(), m.session());
  }

  private UserSessions session(UserSessions state, String user, RecordingSessionEvent e, Record<String, UserEvent> record) {
    if (e.state() != SessionState.ENDED || e.session() == null) {
      return state; // a started session changes nothing until positions arrive from it
    }
    Instant at = e.at() != null ? e.at() : Instant.ofEpochMilli(record.timestamp());
    for (String conversation : state.conversationsOf(e.session())) {
      forward(new SessionEnded(conversation, user, e.session(), at), record);
    }
    return state.sessionEnded(e.session(), at);
  }

  private void forward(SessionEnded ended, Record<String, UserEvent> cause) {
    context.forward(new Record<>(ended.conversation(), ended, cause.timestamp()));
  }
}
