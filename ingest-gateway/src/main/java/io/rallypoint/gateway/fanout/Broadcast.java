package io.rallypoint.gateway.fanout;

import io.rallypoint.gateway.connection.Connection;

/** Delivers a frame to a conversation's connections on this node. {@link LocalConnections} is the real one. */
public interface Broadcast {

  /**
   * Writes {@code frameText} to every connection registered for the conversation on this node,
   * except {@code origin} (may be null); returns how many got it.
   */
  int deliver(String conversation, String frameText, Connection origin);
}
