package io.rallypoint.schemas.frame;

/** {@code error}: the frame with this id (if any) was refused; {@code message} is for a person. */
public record ErrorFrame(String id, ErrorCode code, String message) implements ServerFrame {}
