package io.rallypoint.client;

/**
 * A request got no good answer: {@link #code()} is the gateway's error code (PROTOCOL section
 * 1.5), {@code offline} (not connected, or the connection closed before the reply) or
 * {@code timeout} (no reply within {@code requestTimeout}).
 */
public final class RequestFailedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String code;

  public RequestFailedException(String code, String message) {
    super(code + ": " + message);
    this.code = code;
  }

  /** The error code. */
  public String code() {
    return code;
  }
}
