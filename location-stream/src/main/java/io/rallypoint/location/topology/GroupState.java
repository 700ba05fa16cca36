package io.rallypoint.location.topology;

import io.rallypoint.location.geo.FairPoint;
import io.rallypoint.location.geo.Midpoint;
import io.rallypoint.schemas.event.LocationUpdate;
import io.rallypoint.schemas.frame.Exclusion;
import io.rallypoint.schemas.frame.GeoPoint;
import io.rallypoint.schemas.frame.MeetingPoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything the stream keeps for one conversation, and the rules over it, as pure functions: the
 * members' latest positions, the members whose session ended (with that session, so late positions
 * from it are ignored), and the meeting point last published.
 *
 * @param conversation the conversation id
 * @param members      counted-or-stationary members by user id, in user order
 * @param expired      members whose recording session ended, by user id, in user order
 * @param published    the meeting point last sent to {@code location.meeting-points}, or null
 */
public record GroupState(
    String conversation,
    SortedMap<String, MemberState> members,
    SortedMap<String, ExpiredMember> expired,
    MeetingPoint published) {

  /** A member left out because its session ended: which session, and when. */
  public record ExpiredMember(String session, Instant endedAt) {}

  public GroupState {
    Objects.requireNonNull(conversation, "conversation");
    members = Collections.unmodifiableSortedMap(new TreeMap<>(members == null ? Map.of() : members));
    expired = Collections.unmodifiableSortedMap(new TreeMap<>(expired == null ? Map.of() : expired));
  }

  /** A conversation nobody has shared a location in yet. */
  public static GroupState empty(String conversation) {
    return new GroupState(conversation, new TreeMap<>(), new TreeMap<>(), null);
  }

  /**
   * This group after a location update. Returns this same instance when the update is ignored: it is
   * not newer than the member's latest {@code at} (phones deliver out of order), its session has
   * already ended, or its coordinates are not a valid position.
   */
  public GroupState withUpdate(LocationUpdate u, double radiusMeters) {
    if (u.user() == null || u.at() == null || !validPosition(u.lat(), u.lng())) {
      return this;
    }
    ExpiredMember ended = expired.get(u.user());
    if (ended != null && Objects.equals(ended.session(), u.session())) {
      return this; // a position from a session that has ended: sharing stopped
    }
    MemberState current = members.get(u.user());
    if (current != null && !u.at().isAfter(current.at())) {
      return this;
    }
    MemberState next = current == null
        ? MemberState.first(u.session(), u.lat(), u.lng(), u.at())
        : current.movedTo(u.session(), u.lat(), u.lng(), u.at(), radiusMeters);
    TreeMap<String, MemberState> m = new TreeMap<>(members);
    m.put(u.user(), next);
    TreeMap<String, ExpiredMember> e = new TreeMap<>(expired);
    e.remove(u.user()); // a new session: counted again
    return new GroupState(conversation, m, e, published);
  }

  /**
   * This group after a member's recording session ended: if the member is sharing from that
   * session, its location is removed and it is excluded as expired. A session other than the one it
   * is sharing from changes nothing. A member not (yet) seen here is remembered as expired too, so
   * a position from that session arriving late is ignored.
   */
  public GroupState withSessionEnded(String user, String session, Instant endedAt) {
    MemberState current = members.get(user);
    if (current != null && !Objects.equals(current.session(), session)) {
      return this;
    }
    ExpiredMember marker = new ExpiredMember(session, endedAt);
    if (current == null && marker.equals(expired.get(user))) {
      return this;
    }
    TreeMap<String, MemberState> m = new TreeMap<>(members);
    m.remove(user);
    TreeMap<String, ExpiredMember> e = new TreeMap<>(expired);
    e.put(user, marker);
    return new GroupState(conversation, m, e, published);
  }

  /** The same state, recording what was published. */
  public GroupState withPublished(MeetingPoint point) {
    return new GroupState(conversation, members, expired, point);
  }

  /** Who counts and who is left out (and why) at {@code now}; both in user order. */
  public Roster roster(Instant now, Duration stationaryAfter) {
    List<String> counted = new ArrayList<>();
    List<GeoPoint> positions = new ArrayList<>();
    List<Exclusion> excluded = new ArrayList<>();
    TreeMap<String, Exclusion.Reason> reasons = new TreeMap<>();
    members.forEach((user, m) -> {
      if (m.stationary(now, stationaryAfter)) {
        reasons.put(user, Exclusion.Reason.STATIONARY);
      } else {
        counted.add(user);
        positions.add(m.position());
      }
    });
    expired.keySet().forEach(user -> reasons.put(user, Exclusion.Reason.EXPIRED));
    reasons.forEach((user, reason) -> excluded.add(new Exclusion(user, reason)));
    return new Roster(List.copyOf(counted), List.copyOf(positions), List.copyOf(excluded));
  }

  /**
   * When the wall clock alone next changes who counts: the earliest instant after which a member
   * counted at {@code now} turns stationary, or null when no counted member can (then only an event
   * can change this group's point).
   */
  public Instant stationaryDeadline(Instant now, Duration stationaryAfter) {
    Instant next = null;
    for (MemberState m : members.values()) {
      if (!m.stationary(now, stationaryAfter)) {
        Instant deadline = m.movedAt().plus(stationaryAfter);
        if (next == null || deadline.isBefore(next)) {
          next = deadline;
        }
      }
    }
    return next;
  }

  /** The meeting point at {@code now}: midpoint and fair point of the counted members, or a reason. */
  public MeetingPoint meetingPoint(Instant now, Duration stationaryAfter) {
    Roster roster = roster(now, stationaryAfter);
    Midpoint.Result mid = Midpoint.of(roster.positions());
    if (!mid.exists()) {
      return new MeetingPoint(conversation, null, null, null, roster.counted(), roster.excluded(), now, mid.reason());
    }
    GeoPoint fair = FairPoint.of(roster.positions()).orElseThrow();
    return new MeetingPoint(conversation, mid.point().lat(), mid.point().lng(), fair, roster.counted(),
        roster.excluded(), now, null);
  }

  /** The counted members (user ids and positions, aligned) and the exclusions. */
  public record Roster(List<String> counted, List<GeoPoint> positions, List<Exclusion> excluded) {

    /** Whether this roster is the one a published meeting point was computed from. */
    public boolean matches(MeetingPoint point) {
      return point != null && point.members().equals(counted) && point.excluded().equals(excluded);
    }
  }

  /** Whether two meeting points say the same thing (everything but {@code computedAt}). */
  public static boolean sameContent(MeetingPoint a, MeetingPoint b) {
    if (a == null || b == null) {
      return a == b;
    }
    return a.conversation().equals(b.conversation())
        && Objects.equals(a.lat(), b.lat())
        && Objects.equals(a.lng(), b.lng())
        && Objects.equals(a.fairPoint(), b.fairPoint())
        && a.members().equals(b.members())
        && a.excluded().equals(b.excluded())
        && Objects.equals(a.reason(), b.reason());
  }

  private static boolean validPosition(double lat, double lng) {
    return lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180; // false for NaN too
  }
}
