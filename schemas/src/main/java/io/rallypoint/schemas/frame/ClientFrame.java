package io.rallypoint.schemas.frame;

/**
 * A frame a client sends over the WebSocket (PROTOCOL section 1, "Client -> server").
 *
 * <p>Sealed so that the gateway's router is an exhaustive {@code switch}: adding a frame type
 * fails compilation wherever it is not handled.
 */
public sealed interface ClientFrame
    permits ConversationFrame, SessionFrame, PingFrame {

  /** The client's request id, echoed in every reply; {@code null} when the client sent none. */
  String id();
}
