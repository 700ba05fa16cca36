package io.rallypoint.client.frame;

/**
 * What a {@link FrameConnection} tells its owner: each text message the gateway sent, whole (its
 * fragments joined), and the end of the connection. Calls come one at a time, in the order the
 * frames arrived, on a thread of the transport: a listener hands long work elsewhere.
 */
public interface FrameListener {

  /** One text message from the gateway: a JSON object (PROTOCOL section 1.4). */
  void onText(String text);

  /** The connection ended; called once, after the last {@link #onText}. */
  void onClosed(CloseStatus status);
}
