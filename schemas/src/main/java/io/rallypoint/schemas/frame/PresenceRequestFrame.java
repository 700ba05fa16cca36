package io.rallypoint.schemas.frame;

/** {@code presence} (client to server): ask who of a conversation's members is online and who is recording. */
public record PresenceRequestFrame(String id, String conversation) implements ConversationFrame {}
