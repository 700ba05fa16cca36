package io.rallypoint.schemas.event;

import io.rallypoint.schemas.frame.SessionState;
import java.time.Instant;

/** Value of {@code recording.sessions} (keyed by user): a recording session started or ended. */
public record RecordingSessionEvent(String session, String user, SessionState state, Instant at) {}
