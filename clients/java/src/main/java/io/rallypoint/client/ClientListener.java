package io.rallypoint.client;

import io.rallypoint.client.conversation.ChatMessage;
import io.rallypoint.client.conversation.MeetingPoint;
import io.rallypoint.client.conversation.Position;
import io.rallypoint.client.conversation.Receipt;

/**
 * What a {@link RallypointClient} tells the app; every method does nothing unless overridden. Calls
 * come on the client's own thread, one at a time, in the order things happened: a listener may call
 * the client back, but must not block (hand long work to another thread). An exception a listener
 * throws is logged and does not reach the client.
 */
public interface ClientListener {

  /** The connection's state changed. */
  default void onStateChanged(ClientState state) {}

  /** A message new to this client: live, from a sync page, or one of ours acked. */
  default void onMessage(ChatMessage message) {}

  /** One of our messages is accepted (its ack, or it came back by sync or on another connection): it is out of the outbox. */
  default void onAck(ChatMessage message) {}

  /** Another member has read up to a seq. */
  default void onReceipt(Receipt receipt) {}

  /** A newer meeting point of a conversation. */
  default void onMeetingPoint(MeetingPoint point) {}

  /** A (re)connect's sync of the conversation finished: the client holds everything up to now. */
  default void onSynced(String conversation) {}

  /** Another member started ({@code true}) or stopped typing, a lapse included. */
  default void onTyping(String conversation, String user, boolean typing) {}

  /** Who is online or recording in the conversation changed ({@link RallypointClient#online}, {@link RallypointClient#recording}). */
  default void onPresence(String conversation) {}

  /** A member's newer position. */
  default void onLocation(Position position) {}

  /** The user was added to ({@code true}) or removed from a conversation while connected. */
  default void onMembership(String conversation, boolean joined) {}

  /** An error frame, a message refused for good, or an expired token. */
  default void onError(ClientError error) {}

  /** Anything a timeline shows changed: the moment to re-render. */
  default void onChange() {}
}
