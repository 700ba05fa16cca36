package io.rallypoint.schemas.frame;

import java.time.Instant;

/**
 * {@code location} (server to client): a member's accepted position, {@code at} when the phone took
 * it; the live map of the group.
 */
public record LocationNotice(String conversation, String user, double lat, double lng, Instant at)
    implements ServerFrame {}
