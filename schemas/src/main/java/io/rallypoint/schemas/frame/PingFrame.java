package io.rallypoint.schemas.frame;

/** {@code ping}: answered by {@code pong}. */
public record PingFrame(String id) implements ClientFrame {}
