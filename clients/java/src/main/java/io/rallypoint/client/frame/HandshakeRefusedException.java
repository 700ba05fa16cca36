package io.rallypoint.client.frame;

/**
 * The gateway answered the WebSocket upgrade with this HTTP status instead of 101 (PROTOCOL
 * section 1.1): 401 for a missing, bad or expired token, 503 while PostgreSQL does not answer.
 */
public final class HandshakeRefusedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;

  public HandshakeRefusedException(int status) {
    super("WebSocket upgrade refused with HTTP " + status);
    this.status = status;
  }

  /** The HTTP status of the refusal. */
  public int status() {
    return status;
  }
}
