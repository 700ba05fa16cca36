package io.rallypoint.location.topology;

/**
 * Internal: "this user shares its location in this conversation from this session", re-keyed by
 * user so it meets the user's {@code recording.sessions} events.
 */
public record Membership(String conversation, String user, String session) {}
