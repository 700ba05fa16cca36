package io.rallypoint.client.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/** A member's accepted position (PROTOCOL section 1.4, {@code location}): taken at {@code at}. */
public record Position(String conversation, String user, double lat, double lng, Instant at) {

  public Position {
    Objects.requireNonNull(conversation, "conversation");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(at, "at");
  }

  /** A {@code location} frame from the gateway. */
  public static Position fromJson(JsonNode f) {
    return new Position(f.path("conversation").asText(), f.path("user").asText(), f.path("lat").asDouble(),
        f.path("lng").asDouble(), Instant.parse(f.path("at").asText()));
  }
}
