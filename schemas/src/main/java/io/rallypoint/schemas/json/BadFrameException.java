package io.rallypoint.schemas.json;

import io.rallypoint.schemas.frame.ErrorCode;
import io.rallypoint.schemas.frame.ErrorFrame;

/** A client frame that cannot be accepted as sent; {@link #toErrorFrame()} is the reply. */
public final class BadFrameException extends Exception {

  private final ErrorCode code;
  private final String requestId;

  public BadFrameException(ErrorCode code, String requestId, String message) {
    super(message);
    this.code = code;
    this.requestId = requestId;
  }

  public ErrorCode code() {
    return code;
  }

  /** The frame's {@code id} when it had a readable one, else {@code null}. */
  public String requestId() {
    return requestId;
  }

  public ErrorFrame toErrorFrame() {
    return new ErrorFrame(requestId, code, getMessage());
  }
}
