package io.rallypoint.location.topology;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the session router keeps per user: the sessions the user shares from that have not ended,
 * each with the conversations shared in from it, and the user's most recently ended sessions, so a
 * membership that arrives after its session ended (the two travel through different topics) is
 * expired at once too.
 *
 * <p>Every live session is kept, not just the latest per conversation: a user can share in one
 * conversation from two sessions (a new one started before the old one's end, or a position of the
 * old one delivered after the new one's), and the end of each must still reach the conversation.
 * A session whose end never comes (the app was killed) would stay forever, so only the
 * {@value #LIVE_KEPT} most recently started are kept: the end of an older one reaches no
 * conversation, and its members turn stationary (their positions stop) instead of expired.
 *
 * @param live  the sessions not known to have ended, each with its conversations, in the order they
 *              were first shared from, at most {@value #LIVE_KEPT}
 * @param ended the last {@value #ENDED_KEPT} ended sessions, oldest first
 */
public record UserSessions(List<Live> live, List<Ended> ended) {

  /** How many live sessions are remembered per user. */
  public static final int LIVE_KEPT = 8;

  /** How many ended sessions are remembered per user. */
  public static final int ENDED_KEPT = 8;

  /** A session not (yet) ended, and the conversations shared in from it, in the order first seen. */
  public record Live(String session, List<String> conversations) {

    public Live {
      conversations = List.copyOf(conversations == null ? List.of() : conversations);
    }
  }

  /** An ended session and when it ended. */
  public record Ended(String session, Instant at) {}

  public UserSessions {
    live = List.copyOf(live == null ? List.of() : live);
    ended = List.copyOf(ended == null ? List.of() : ended);
  }

  /**
   * Reads the store, including what earlier versions wrote: {@code conversations}, the one session
   * last shared from per conversation, becomes the live sessions.
   */
  @JsonCreator
  static UserSessions read(@JsonProperty("live") List<Live> live, @JsonProperty("ended") List<Ended> ended,
      @JsonProperty("conversations") Map<String, String> conversations) {
    UserSessions state = new UserSessions(live, ended);
    if (conversations != null) {
      for (var e : new TreeMap<>(conversations).entrySet()) {
        state = state.joined(e.getKey(), e.getValue());
      }
    }
    return state;
  }

  public static UserSessions empty() {
    return new UserSessions(List.of(), List.of());
  }

  /** When this session ended, or null while it has not. */
  public Instant endedAt(String session) {
    for (Ended e : ended) {
      if (Objects.equals(e.session(), session)) {
        return e.at();
      }
    }
    return null;
  }

  /**
   * With the user sharing in a conversation from a session. Returns this same instance when that is
   * known already, or when the session is null (no recording session can end it).
   */
  public UserSessions joined(String conversation, String session) {
    if (session == null || conversationsOf(session).contains(conversation)) {
      return this;
    }
    List<Live> l = new ArrayList<>(live.size() + 1);
    boolean known = false;
    for (Live x : live) {
      if (Objects.equals(x.session(), session)) {
        List<String> c = new ArrayList<>(x.conversations());
        c.add(conversation);
        x = new Live(session, c);
        known = true;
      }
      l.add(x);
    }
    if (!known) {
      l.add(new Live(session, List.of(conversation)));
    }
    while (l.size() > LIVE_KEPT) {
      l.remove(0);
    }
    return new UserSessions(l, ended);
  }

  /** The conversations shared in from a session, in the order first seen. */
  public List<String> conversationsOf(String session) {
    for (Live x : live) {
      if (Objects.equals(x.session(), session)) {
        return x.conversations();
      }
    }
    return List.of();
  }

  /** With a session ended: it is remembered as ended, and forgotten as live. */
  public UserSessions sessionEnded(String session, Instant at) {
    List<Live> l = new ArrayList<>(live);
    l.removeIf(x -> Objects.equals(x.session(), session));
    return new UserSessions(l, Latest.append(ended, new Ended(session, at), x -> Objects.equals(x.session(), session),
        ENDED_KEPT));
  }
}
