package io.rallypoint.client.conversation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who of a conversation is online and who is recording, as the client last heard (PROTOCOL section
 * 1.4, {@code presence}): the reply to a {@code presence} request sets both, pushed
 * {@code online}/{@code offline} frames update who is online in between, and a member whose
 * position arrives is recording. The reply is what the gateway saw while answering, so a push
 * that arrives while a request is in flight wins over its reply for that member. Not thread-safe.
 */
public final class Presence {

  /** One {@code presence} request in flight: the pushes heard since it was sent. */
  public static final class Asked {
    private final Map<String, Boolean> pushedSince = new HashMap<>();

    private Asked() {}
  }

  private Set<String> online = new TreeSet<>();
  private Set<String> recording = new TreeSet<>();
  private final List<Asked> inFlight = new ArrayList<>();

  /** A {@code presence} request is being sent; pass the result to {@link #replied} or {@link #abandoned}. */
  public Asked asking() {
    Asked asked = new Asked();
    inFlight.add(asked);
    return asked;
  }

  /** The request got no reply (offline, refused): forgets it. */
  public void abandoned(Asked asked) {
    inFlight.remove(asked);
  }

  /** The reply to {@code asked}: who is online and recording now, except for the members pushed since it was sent. */
  public void replied(Asked asked, Collection<String> onlineNow, Collection<String> recordingNow) {
    inFlight.remove(asked);
    Set<String> nowOnline = new TreeSet<>(onlineNow);
    asked.pushedSince.forEach((user, isOnline) -> {
      if (isOnline) {
        nowOnline.add(user);
      } else {
        nowOnline.remove(user);
      }
    });
    online = nowOnline;
    recording = new TreeSet<>(recordingNow);
  }

  /** A pushed {@code online} ({@code true}) or {@code offline}; whether it changed who is online. */
  public boolean pushed(String user, boolean isOnline) {
    for (Asked asked : inFlight) {
      asked.pushedSince.put(user, isOnline);
    }
    return isOnline ? online.add(user) : online.remove(user);
  }

  /** A position of {@code user} arrived: only a recording session shares. Whether that is news. */
  public boolean recordingSeen(String user) {
    return recording.add(user);
  }

  /** The members online, in user id order. */
  public List<String> online() {
    return List.copyOf(online);
  }

  /** The members in an active recording session, in user id order. */
  public List<String> recording() {
    return List.copyOf(recording);
  }
}
