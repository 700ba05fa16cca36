package io.rallypoint.client.frame;

import java.util.concurrent.CompletableFuture;

/**
 * Opens {@link FrameConnection}s: the seam between the client and a WebSocket implementation.
 * {@link WebSocketConnection#connector()} is the one on {@code java.net.http}.
 */
@FunctionalInterface
public interface FrameConnector {

  /**
   * Opens a connection to {@code endpoint} that reports to {@code listener}; fails with
   * {@link HandshakeRefusedException} when the gateway answers the upgrade with another status
   * than 101 (401 for a bad token, 503 while its database does not answer).
   */
  CompletableFuture<? extends FrameConnection> connect(Endpoint endpoint, FrameListener listener);
}
