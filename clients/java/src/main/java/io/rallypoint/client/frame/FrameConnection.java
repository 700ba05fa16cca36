package io.rallypoint.client.frame;

import java.util.concurrent.CompletableFuture;

/**
 * One open WebSocket connection to a gateway, seen as text frames: what is sent goes out as one
 * text message each, in the order of the calls, from any thread; what arrives goes to the
 * {@link FrameListener} the connection was opened with. {@link WebSocketConnection} is the
 * implementation on {@code java.net.http}; a platform without it (Android) plugs in another
 * through a {@link FrameConnector}.
 */
public interface FrameConnection {

  /** Sends one text message; completes once written, fails when the connection is closed. */
  CompletableFuture<Void> send(String text);

  /**
   * Closes the connection: the messages sent before go out first, then a close frame with
   * {@code code} and {@code reason}; the connection is dropped once the gateway answered it (or
   * after a short wait).
   */
  void close(int code, String reason);

  /** Drops the connection at once, without a close frame. */
  void abort();

  /** Completes with how the connection ended. */
  CompletableFuture<CloseStatus> closed();
}
