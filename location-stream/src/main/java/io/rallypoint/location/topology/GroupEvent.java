package io.rallypoint.location.topology;

import io.rallypoint.schemas.event.LocationUpdate;

/** What the per-conversation processor reacts to: a position, or a member's session ending. */
sealed interface GroupEvent {

  record Located(LocationUpdate update) implements GroupEvent {}

  record Ended(SessionEnded ended) implements GroupEvent {}
}
