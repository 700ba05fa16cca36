package io.rallypoint.gateway.wire;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.schemas.json.Json;
import java.io.UncheckedIOException;

/**
 * A change made through the admin API that every gateway node must follow at once, as it travels
 * between nodes (inside a {@link NodeEnvelope}, on the changes channel):
 * {@code {"change":"membership","conversation":"ride-42","user":"carol","state":"joined"}} (or
 * {@code "left"}), or {@code {"change":"consent","user":"carol"}}.
 */
public sealed interface ChangeNotice {

  /** The user was added to ({@code member}) or removed from the conversation. */
  record MembershipChanged(String conversation, String user, boolean member) implements ChangeNotice {}

  /** The user's location-sharing consent was set. */
  record ConsentChanged(String user) implements ChangeNotice {}

  /** The notice as JSON text. */
  default String toJson() {
    return switch (this) {
      case MembershipChanged m -> Json.toString(Json.object().put("change", "membership")
          .put("conversation", m.conversation()).put("user", m.user()).put("state", m.member() ? "joined" : "left"));
      case ConsentChanged c -> Json.toString(Json.object().put("change", "consent").put("user", c.user()));
    };
  }

  /** The notice in {@code json}, or null when it is not one (a newer node's kind of change, or garbage). */
  static ChangeNotice parse(String json) {
    JsonNode tree;
    try {
      tree = Json.parse(json);
    } catch (UncheckedIOException e) {
      return null;
    }
    String user = tree.path("user").textValue();
    if (user == null) {
      return null;
    }
    return switch (tree.path("change").asText()) {
      case "membership" -> {
        String conversation = tree.path("conversation").textValue();
        String state = tree.path("state").asText();
        yield conversation == null || !("joined".equals(state) || "left".equals(state)) ? null
            : new MembershipChanged(conversation, user, "joined".equals(state));
      }
      case "consent" -> new ConsentChanged(user);
      default -> null;
    };
  }
}
