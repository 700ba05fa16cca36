package io.rallypoint.schemas.frame;

import java.time.Instant;

/** {@code session}: a recording session started or ended; ending it stops location sharing. */
public record SessionFrame(String id, String session, SessionState state, Instant at) implements ClientFrame {}
