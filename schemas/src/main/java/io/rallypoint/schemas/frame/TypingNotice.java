package io.rallypoint.schemas.frame;

/** {@code typing} (server to client): {@code user} started or stopped typing in {@code conversation}. */
public record TypingNotice(String conversation, String user, TypingState state) implements ServerFrame {}
