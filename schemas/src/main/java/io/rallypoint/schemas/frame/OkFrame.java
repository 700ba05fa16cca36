package io.rallypoint.schemas.frame;

/** {@code ok}: the frame with this id was accepted. */
public record OkFrame(String id) implements ServerFrame {}
