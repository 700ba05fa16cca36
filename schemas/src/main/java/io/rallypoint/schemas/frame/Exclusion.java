package io.rallypoint.schemas.frame;

import com.fasterxml.jackson.annotation.JsonValue;

/** A member left out of a meeting point, and why ({@link Reason#STATIONARY} or {@link Reason#EXPIRED}). */
public record Exclusion(String user, Reason reason) {

  /** Why a member is not counted. */
  public enum Reason {
    STATIONARY("stationary"),
    EXPIRED("expired");

    private final String wire;

    Reason(String wire) {
      this.wire = wire;
    }

    @JsonValue
    public String wire() {
      return wire;
    }
  }
}
