package io.rallypoint.schemas.frame;

/**
 * {@code error}: the frame with this id (if any) was refused; {@code message} is for a person.
 * {@code retryAfterMs} (with {@code rate_limited} and {@code unavailable}, else {@code null}) is
 * when the client may send the refused frame again.
 */
public record ErrorFrame(String id, ErrorCode code, String message, Long retryAfterMs) implements ServerFrame {

  public ErrorFrame {
    if (retryAfterMs != null && retryAfterMs < 0) {
      throw new IllegalArgumentException("retryAfterMs must not be negative: " + retryAfterMs);
    }
  }

  /** An error without a retry hint (every code but {@code rate_limited} and {@code unavailable}). */
  public ErrorFrame(String id, ErrorCode code, String message) {
    this(id, code, message, null);
  }
}
