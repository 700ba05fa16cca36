package io.rallypoint.schemas.frame;

import java.time.Instant;
import java.util.List;

/**
 * A group's meeting point: the {@code meetingPoint} frame and (without {@code type}) the value of
 * {@code location.meeting-points}.
 *
 * <p>{@code lat}/{@code lng} are the midpoint (mean of the counted members' unit vectors) and
 * {@code fairPoint} the point with the least total great-circle distance to them. When no point
 * exists (nobody counted, or the members cancel out, e.g. two antipodes) the three are {@code null}
 * and {@code reason} says why; this is an extension of PROTOCOL, which never sends NaN.
 */
public record MeetingPoint(
    String conversation,
    Double lat,
    Double lng,
    GeoPoint fairPoint,
    List<String> members,
    List<Exclusion> excluded,
    Instant computedAt,
    String reason)
    implements ServerFrame {

  public MeetingPoint {
    members = List.copyOf(members);
    excluded = List.copyOf(excluded);
  }
}
