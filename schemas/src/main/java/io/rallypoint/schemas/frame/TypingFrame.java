package io.rallypoint.schemas.frame;

/** {@code typing} (client to server): the user started or stopped typing in a conversation. */
public record TypingFrame(String id, String conversation, TypingState state) implements ConversationFrame {}
