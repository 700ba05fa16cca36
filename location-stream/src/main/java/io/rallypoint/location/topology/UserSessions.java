package io.rallypoint.location.topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the session router keeps per user: the conversations the user shares in (and from which
 * session), and the user's most recently ended sessions, so a membership that arrives after its
 * session ended (the two travel through different topics) is expired at once too.
 *
 * @param conversations session shared from, by conversation
 * @param ended         the last {@value #ENDED_KEPT} ended sessions, oldest first
 */
public record UserSessions(Map<String, String> conversations, List<Ended> ended) {

  /** How many ended sessions are remembered per user. */
  public static final int ENDED_KEPT = 8;

  /** An ended session and when it ended. */
  public record Ended(String session, Instant at) {}

  public UserSessions {
    conversations = Collections.unmodifiableMap(new TreeMap<>(conversations == null ? Map.of() : conversations));
    ended = List.copyOf(ended == null ? List.of() : ended);
  }

  public static UserSessions empty() {
    return new UserSessions(Map.of(), List.of());
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

  /** With the user sharing in a conversation from a session. */
  public UserSessions joined(String conversation, String session) {
    if (Objects.equals(conversations.get(conversation), session)) {
      return this;
    }
    TreeMap<String, String> c = new TreeMap<>(conversations);
    c.put(conversation, session);
    return new UserSessions(c, ended);
  }

  /** The conversations shared in from a session. */
  public List<String> conversationsOf(String session) {
    List<String> result = new ArrayList<>();
    conversations.forEach((conversation, s) -> {
      if (Objects.equals(s, session)) {
        result.add(conversation);
      }
    });
    return result;
  }

  /** With a session ended: it is remembered, and the conversations shared from it are forgotten. */
  public UserSessions sessionEnded(String session, Instant at) {
    TreeMap<String, String> c = new TreeMap<>(conversations);
    c.values().removeIf(s -> Objects.equals(s, session));
    List<Ended> e = new ArrayList<>(ended);
    e.removeIf(x -> Objects.equals(x.session(), session));
    e.add(new Ended(session, at));
    while (e.size() > ENDED_KEPT) {
      e.remove(0);
    }
    return new UserSessions(c, e);
  }
}
