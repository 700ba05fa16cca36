package io.rallypoint.schemas.frame;

/** {@code receipt}: {@code user} has read {@code conversation} up to {@code seq}. */
public record ReceiptFrame(String conversation, String user, long seq) implements ServerFrame {}
