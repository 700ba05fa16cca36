package io.rallypoint.schemas.frame;

import java.time.Instant;

/** {@code location}: the user's position during recording session {@code session}. */
public record LocationFrame(String id, String conversation, String session, double lat, double lng, Instant at)
    implements ConversationFrame {}
