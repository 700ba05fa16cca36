package io.rallypoint.client.frame;

import com.fasterxml.jackson.databind.JsonNode;

/** Tests on frames from the gateway, by their wire form (PROTOCOL section 1.4). */
public final class ServerFrames {

  private ServerFrames() {}

  /** The frame's {@code type}, or {@code ""}. */
  public static String type(JsonNode frame) {
    return frame.path("type").asText();
  }

  /** Whether the frame's {@code type} is {@code type}. */
  public static boolean isType(JsonNode frame, String type) {
    return type.equals(type(frame));
  }

  /** The frame's {@code id} (the request it answers), or {@code null} for a pushed frame. */
  public static String id(JsonNode frame) {
    JsonNode id = frame.get("id");
    return id == null || !id.isTextual() ? null : id.asText();
  }

  /**
   * Whether it is a pushed {@code presence} frame (a member went online or offline), as opposed to
   * the reply to a {@code presence} request.
   */
  public static boolean isPresencePush(JsonNode frame) {
    return isType(frame, "presence") && frame.has("state");
  }
}
