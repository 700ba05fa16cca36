package io.rallypoint.schemas.frame;

/** {@code pong}: the answer to {@code ping}. */
public record PongFrame(String id) implements ServerFrame {}
