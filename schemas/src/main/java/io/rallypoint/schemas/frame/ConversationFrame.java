package io.rallypoint.schemas.frame;

/**
 * A client frame about one conversation: the sender must be one of its members (the gateway
 * checks that once, before the frame reaches the step that handles it).
 */
public sealed interface ConversationFrame extends ClientFrame
    permits SendFrame, ReadFrame, SyncFrame, LocationFrame, MeetingPointRequestFrame, TypingFrame,
    PresenceRequestFrame {

  /** The conversation's id. */
  String conversation();
}
