package io.rallypoint.schemas.frame;

import com.fasterxml.jackson.annotation.JsonValue;

/** Whether a member is typing, as written on the wire. */
public enum TypingState {
  STARTED("started"),
  STOPPED("stopped");

  private final String wire;

  TypingState(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }
}
