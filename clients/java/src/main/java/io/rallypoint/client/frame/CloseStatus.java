package io.rallypoint.client.frame;

/**
 * How a connection ended: the WebSocket close code and reason (PROTOCOL section 1.7). A connection
 * that was cut without a close frame (the network failed, the gateway died, it was aborted) ends
 * with {@link #ABNORMAL} (1006), as RFC 6455 names it, and the failure as its reason.
 *
 * @param code   the close code
 * @param reason the close reason (informative only: switch on the code)
 */
public record CloseStatus(int code, String reason) {

  /** 1000: a close asked for. */
  public static final int NORMAL = 1000;
  /** 1001: the gateway's idle timeout, or the node is shutting down. */
  public static final int GOING_AWAY = 1001;
  /** 1006: no close frame; the connection was cut. */
  public static final int ABNORMAL = 1006;
  /** 1008: sustained abuse of the rate limit; reconnect only after a long backoff. */
  public static final int POLICY_VIOLATION = 1008;
  /** 1009: a frame over the gateway's frame size limit. */
  public static final int MESSAGE_TOO_BIG = 1009;
  /** 4001: the connection's token expired while it was open. */
  public static final int TOKEN_EXPIRED = 4001;

  public CloseStatus {
    reason = reason == null ? "" : reason;
  }

  /** The status of a connection that ended without a close frame, because of {@code failure}. */
  public static CloseStatus cut(Throwable failure) {
    String message = failure.getMessage();
    return new CloseStatus(ABNORMAL, message == null ? failure.getClass().getSimpleName() : message);
  }
}
