package io.rallypoint.gateway.connection;

import java.util.List;

/**
 * Told when a user's WebSocket opens and when it closes (presence counts connections, typing ends
 * with its connection). Both are called on the connection's event loop; {@code closed} before the
 * connection is unregistered from its conversations, so {@link Connection#conversations()} still
 * lists them, and only for a connection that was {@code opened}.
 */
public interface ConnectionListener {

  /** The handshake is done and the connection is registered for its conversations. */
  default void opened(Connection connection) {}

  /** The connection closed. */
  default void closed(Connection connection) {}

  /** Tells each listener, in order. */
  static ConnectionListener all(List<? extends ConnectionListener> listeners) {
    List<ConnectionListener> copy = List.copyOf(listeners);
    return new ConnectionListener() {
      @Override
      public void opened(Connection connection) {
        copy.forEach(l -> l.opened(connection));
      }

      @Override
      public void closed(Connection connection) {
        copy.forEach(l -> l.closed(connection));
      }
    };
  }
}
