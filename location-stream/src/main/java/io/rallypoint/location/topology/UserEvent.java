package io.rallypoint.location.topology;

import io.rallypoint.schemas.event.RecordingSessionEvent;

/** What the per-user session router reacts to: a membership seen, or a recording session event. */
sealed interface UserEvent {

  record Joined(Membership membership) implements UserEvent {}

  record Session(RecordingSessionEvent event) implements UserEvent {}
}
