package io.rallypoint.schemas.frame;

import com.fasterxml.jackson.annotation.JsonValue;

/** The state of a recording session, as written on the wire. */
public enum SessionState {
  STARTED("started"),
  ENDED("ended");

  private final String wire;

  SessionState(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }
}
