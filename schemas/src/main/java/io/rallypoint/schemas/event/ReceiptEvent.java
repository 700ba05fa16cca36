package io.rallypoint.schemas.event;

import java.time.Instant;

/** Value of {@code chat.receipts}: {@code user} read {@code conversation} up to {@code seq} at {@code at}. */
public record ReceiptEvent(String conversation, String user, long seq, Instant at) {}
