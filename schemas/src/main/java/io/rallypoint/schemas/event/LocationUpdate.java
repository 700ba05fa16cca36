package io.rallypoint.schemas.event;

import java.time.Instant;

/** Value of {@code location.updates}: a member's position, accepted by the gateway's consent check. */
public record LocationUpdate(String conversation, String user, String session, double lat, double lng, Instant at) {}
