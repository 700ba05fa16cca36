package io.rallypoint.schemas.frame;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * A chat message: the {@code message} frame, an element of a {@code sync} reply, and (without
 * {@code type}) the value of the {@code chat.messages} topic and its retry and dead-letter topics.
 *
 * <p>{@code metadata} is always an object on the wire ({@code {}} when the sender gave none).
 */
public record ChatMessage(
    String conversation,
    String messageId,
    long seq,
    String sender,
    String clientMsgId,
    String body,
    ObjectNode metadata,
    Instant sentAt)
    implements ServerFrame {}
