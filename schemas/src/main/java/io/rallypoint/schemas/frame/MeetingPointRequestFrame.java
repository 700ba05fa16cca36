package io.rallypoint.schemas.frame;

/** {@code meetingPoint} (client to server): ask for the conversation's current meeting point. */
public record MeetingPointRequestFrame(String id, String conversation) implements ConversationFrame {}
