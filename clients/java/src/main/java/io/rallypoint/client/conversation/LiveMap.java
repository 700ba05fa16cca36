package io.rallypoint.client.conversation;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The latest position of each member of a conversation who shared one: a newer {@code at} replaces
 * an older one, an older one arriving late is ignored (PROTOCOL section 1.4). Not thread-safe.
 */
public final class LiveMap {

  private final Map<String, Position> byUser = new TreeMap<>();

  /** Keeps the position if it is newer than the member's latest; whether it was. */
  public boolean update(Position position) {
    Position known = byUser.get(position.user());
    if (known != null && !position.at().isAfter(known.at())) {
      return false;
    }
    byUser.put(position.user(), position);
    return true;
  }

  /** The latest position of each member, in user id order. */
  public List<Position> positions() {
    return List.copyOf(byUser.values());
  }
}
