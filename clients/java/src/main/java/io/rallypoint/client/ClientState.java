package io.rallypoint.client;

/** Where a {@link RallypointClient}'s connection is. */
public enum ClientState {
  /** Opening a connection. */
  CONNECTING,
  /** Connected: frames flow, the outbox drains. */
  OPEN,
  /** Not connected; a reconnect is scheduled (or the app took it offline with {@code setOnline(false)}). */
  OFFLINE,
  /** The token expired or was refused: no reconnect until {@link RallypointClient#setToken} gives a fresh one. */
  EXPIRED,
  /** Not started, or stopped. */
  STOPPED
}
