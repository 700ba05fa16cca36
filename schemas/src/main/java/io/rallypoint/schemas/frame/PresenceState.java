package io.rallypoint.schemas.frame;

import com.fasterxml.jackson.annotation.JsonValue;

/** Whether a member has a connection open on any node, as written on the wire. */
public enum PresenceState {
  ONLINE("online"),
  OFFLINE("offline");

  private final String wire;

  PresenceState(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }
}
