package io.rallypoint.schemas.frame;

/** {@code read}: the user has read the conversation up to {@code seq}. */
public record ReadFrame(String id, String conversation, long seq) implements ConversationFrame {}
