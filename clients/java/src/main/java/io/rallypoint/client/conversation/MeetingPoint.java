package io.rallypoint.client.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A conversation's meeting point (PROTOCOL section 1.12): the midpoint and the fair point of the
 * members counted, who was left out and why, or the {@code reason} there is no point.
 *
 * @param conversation the conversation
 * @param midpoint     the mean of the members' unit vectors; empty exactly when {@code reason} is given
 * @param fairPoint    the point with the least total distance to the members; empty with {@code reason}
 * @param members      the user ids counted, in user id order
 * @param excluded     the members left out, in user id order
 * @param computedAt   when the location stream computed it: a later one replaces an earlier one
 * @param reason       why there is no point (a text for a person), or empty
 */
public record MeetingPoint(String conversation, Optional<LatLng> midpoint, Optional<LatLng> fairPoint, List<String> members,
    List<Exclusion> excluded, Instant computedAt, Optional<String> reason) {

  /** A point on the map, in degrees. */
  public record LatLng(double lat, double lng) {}

  /** A member left out: {@code reason} is {@code stationary} or {@code expired}. */
  public record Exclusion(String user, String reason) {}

  public MeetingPoint {
    members = List.copyOf(members);
    excluded = List.copyOf(excluded);
  }

  /** A {@code meetingPoint} frame, pushed or the reply to a request. */
  public static MeetingPoint fromJson(JsonNode f) {
    Optional<LatLng> midpoint = f.has("lat") && f.has("lng")
        ? Optional.of(new LatLng(f.path("lat").asDouble(), f.path("lng").asDouble())) : Optional.empty();
    JsonNode fair = f.path("fairPoint");
    Optional<LatLng> fairPoint = fair.has("lat") && fair.has("lng")
        ? Optional.of(new LatLng(fair.path("lat").asDouble(), fair.path("lng").asDouble())) : Optional.empty();
    List<String> members = new ArrayList<>();
    f.path("members").forEach(m -> members.add(m.asText()));
    List<Exclusion> excluded = new ArrayList<>();
    f.path("excluded").forEach(e -> excluded.add(new Exclusion(e.path("user").asText(), e.path("reason").asText())));
    return new MeetingPoint(f.path("conversation").asText(), midpoint, fairPoint, members, excluded,
        Instant.parse(f.path("computedAt").asText()),
        f.hasNonNull("reason") ? Optional.of(f.path("reason").asText()) : Optional.empty());
  }
}
