package io.rallypoint.client.conversation;

/** Another member has read the conversation up to {@code seq} (PROTOCOL section 1.4, {@code receipt}). */
public record Receipt(String conversation, String user, long seq) {}
