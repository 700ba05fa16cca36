package io.rallypoint.schemas.frame;

import java.time.Instant;

/** {@code ack}: Kafka holds the message; the client may drop it from its outbox. */
public record AckFrame(String id, String clientMsgId, String messageId, long seq, Instant sentAt)
    implements ServerFrame {}
