package io.rallypoint.location.topology;

import io.rallypoint.location.geo.GreatCircle;
import io.rallypoint.schemas.frame.GeoPoint;
import java.time.Duration;
import java.time.Instant;

/**
 * One member's latest position in a group, and where and when it last moved: the anchor is the
 * position at the last move, and a later position counts as a move only when it is farther than
 * the radius from the anchor (so GPS jitter around a café table is not movement).
 *
 * @param session  the recording session of the latest position
 * @param lat      latest latitude
 * @param lng      latest longitude
 * @param at       when the latest position was taken (the phone's {@code at})
 * @param anchorLat latitude where the member last moved to
 * @param anchorLng longitude where the member last moved to
 * @param movedAt  the {@code at} of that move
 */
public record MemberState(
    String session, double lat, double lng, Instant at, double anchorLat, double anchorLng, Instant movedAt) {

  /** A member's first position: it has just arrived, which counts as moving. */
  public static MemberState first(String session, double lat, double lng, Instant at) {
    return new MemberState(session, lat, lng, at, lat, lng, at);
  }

  /** This member after a newer position; the anchor moves only when the position left the radius. */
  public MemberState movedTo(String newSession, double newLat, double newLng, Instant newAt, double radiusMeters) {
    boolean moved = GreatCircle.meters(new GeoPoint(anchorLat, anchorLng), new GeoPoint(newLat, newLng)) > radiusMeters;
    return moved
        ? new MemberState(newSession, newLat, newLng, newAt, newLat, newLng, newAt)
        : new MemberState(newSession, newLat, newLng, newAt, anchorLat, anchorLng, movedAt);
  }

  public GeoPoint position() {
    return new GeoPoint(lat, lng);
  }

  /**
   * Whether the member has stayed within the radius for longer than {@code after}. Time is the later
   * of the wall clock and the member's own latest {@code at}: a quiet phone ages on the wall clock,
   * and a phone's clock running ahead only affects that member.
   */
  public boolean stationary(Instant now, Duration after) {
    Instant reference = now.isAfter(at) ? now : at;
    return Duration.between(movedAt, reference).compareTo(after) > 0;
  }
}
