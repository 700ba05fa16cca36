package io.rallypoint.location.topology;

import java.time.Instant;

/** Internal: a member's recording session ended, re-keyed by the conversation it shared in. */
public record SessionEnded(String conversation, String user, String session, Instant at) {}
