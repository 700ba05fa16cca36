package io.rallypoint.schemas.frame;

import com.fasterxml.jackson.annotation.JsonValue;

/** The error codes of PROTOCOL section 1; the wire name is the lower-case form. */
public enum ErrorCode {
  /** Not JSON, unknown type, missing or ill-typed field. */
  BAD_REQUEST("bad_request"),
  /** Frame or body over the limit. */
  TOO_LARGE("too_large"),
  /** Not a member of the conversation. */
  FORBIDDEN("forbidden"),
  /** Location sharing is not enabled for the user. */
  CONSENT_REQUIRED("consent_required"),
  /** The recording session is not an active session of this user. */
  SESSION_INACTIVE("session_inactive"),
  /** Over the per-user rate limit. */
  RATE_LIMITED("rate_limited"),
  /** Nothing there (e.g. no meeting point yet). */
  NOT_FOUND("not_found"),
  /** A dependency is down and the frame was NOT accepted: the client keeps it and retries. */
  UNAVAILABLE("unavailable");

  private final String wire;

  ErrorCode(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }
}
