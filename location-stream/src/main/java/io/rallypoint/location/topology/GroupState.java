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
 * members' latest positions, the members whose session ended, the sessions of each member that
 * ended (so late positions from any of them are ignored), and the meeting point last published.
 *
 * @param conversation the conversation id
 * @param members      counted-or-stationary members by user id, in user order
 * @param expired      members whose recording session ended, by user id, in user order
 * @param ended        each member's ended sessions, by user id, the most recent last, at most
 *                     {@value #ENDED_KEPT} each (empty in state written before they were kept)
 * @param published    the meeting point last sent to {@code location.meeting-points}, or null
 */
public record GroupState(
    String conversation,
    SortedMap<String, MemberState> members,
    SortedMap<String, ExpiredMember> expired,
    SortedMap<String, List<String>> ended,
    MeetingPoint published) {

  /**
   * How many ended sessions are remembered per member: a user's sessions can overlap, so the end of
   * one it is not sharing from now must still keep that session's late positions out.
   */
  public static final int ENDED_KEPT = 8;

  /** A member left out because its session ended: which session, and when. */
  public record ExpiredMember(String session, Instant endedAt) {}

  public GroupState {
    Objects.requireNonNull(conversation, "conversation");
    members = Collections.unmodifiableSortedMap(new TreeMap<>(members == null ? Map.of() : members));
    expired = Collections.unmodifiableSortedMap(new TreeMap<>(expired == null ? Map.of() : expired));
    ended = Collections.unmodifiableSortedMap(new TreeMap<>(ended == null ? Map.of() : ended));
  }

  /** A conversation nobody has shared a location in yet. */
  public static GroupState empty(String conversation) {
    return new GroupState(conversation, new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), null);
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
    if (hasEnded(u.user(), u.session())) {
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
    return new GroupState(conversation, m, e, ended, published);
  }

  /**
   * This group after a member's recording session ended: the session is remembered as ended, so
   * late positions from it are ignored, and if the member is sharing from it, its location is
   * removed and it is excluded as expired. The end of another session (the member moved on to a
   * newer one) changes nothing a member would see. A member not (yet) seen here is excluded as
   * expired too. Returns this same instance when the end is known already.
   */
  public GroupState withSessionEnded(String user, String session, Instant endedAt) {
    MemberState current = members.get(user);
    boolean sharingFromIt = current != null && Objects.equals(current.session(), session);
    boolean excludeNow = sharingFromIt || (current == null && !expired.containsKey(user));
    if (session == null || (hasEnded(user, session) && !excludeNow)) {
      return this;
    }
    TreeMap<String, List<String>> byUser = new TreeMap<>(ended);
    byUser.put(user, Latest.append(byUser.getOrDefault(user, List.of()), session, session::equals, ENDED_KEPT));
    if (!excludeNow) {
      return new GroupState(conversation, members, expired, byUser, published);
    }
    TreeMap<String, MemberState> m = new TreeMap<>(members);
    m.remove(user);
    TreeMap<String, ExpiredMember> e = new TreeMap<>(expired);
    e.put(user, new ExpiredMember(session, endedAt));
    return new GroupState(conversation, m, e, byUser, published);
  }

  /** Whether this member's session is known here to have ended. */
  private boolean hasEnded(String user, String session) {
    ExpiredMember e = expired.get(user);
    if (e != null && Objects.equals(e.session(), session)) {
      return true; // also what state written before the ended sessions were kept knows
    }
    return session != null && ended.getOrDefault(user, List.of()).contains(session);
  }

  /** The same state, recording what was published. */
  public GroupState withPublished(MeetingPoint point) {
    return new GroupState(conversation, members, expired, ended, point);
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
