package io.rallypoint.gateway.fanout;

import io.rallypoint.gateway.connection.Connection;

/** Delivers a frame to a conversation's connections on this node. {@link LocalConnections} is the real one. */
public interface Broadcast {

  /**
   * Writes {@code frameText} to every connection registered for the conversation on this node,
   * except {@code origin} (may be null); returns how many got it.
   */
  int deliver(String conversation, String frameText, Connection origin);

  /**
   * As {@link #deliver}, for a {@code message} frame accepted at {@code sentAtMillis} (epoch ms):
   * {@link LocalConnections} times each write from then.
   */
  default int deliverMessage(String conversation, String frameText, long sentAtMillis, Connection origin) {
    return deliver(conversation, frameText, origin);
  }
}
