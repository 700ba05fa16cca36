package io.rallypoint.client.conversation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The other members typing in a conversation (PROTOCOL section 1.3, {@code typing}): shown from
 * {@code started} until {@code stopped}, or until a lapse passes without a renewal (a
 * {@code stopped} may be lost). Times are milliseconds of one monotonic clock. Not thread-safe.
 */
public final class Typists {

  private final long lapseMs;
  private final Map<String, Long> lapseAt = new TreeMap<>();

  /** {@code lapseMs}: how long a {@code started} shows without a renewal (the gateway's is 6 s). */
  public Typists(long lapseMs) {
    this.lapseMs = lapseMs;
  }

  /** {@code user} started (or renewed) typing at {@code now}; whether they were not shown typing before. */
  public boolean started(String user, long now) {
    return lapseAt.put(user, now + lapseMs) == null;
  }

  /** {@code user} stopped (a {@code stopped} frame, a message of theirs, offline); whether they were shown typing. */
  public boolean stopped(String user) {
    return lapseAt.remove(user) != null;
  }

  /** Removes the typists whose {@code started} lapsed by {@code now}; returns them. */
  public List<String> lapsed(long now) {
    List<String> gone = new ArrayList<>();
    lapseAt.entrySet().removeIf(e -> {
      boolean over = e.getValue() - now <= 0;
      if (over) {
        gone.add(e.getKey());
      }
      return over;
    });
    return gone;
  }

  /** Removes every typist (the connection closed: their {@code stopped} may be lost meanwhile); returns them. */
  public List<String> clear() {
    List<String> gone = new ArrayList<>(lapseAt.keySet());
    lapseAt.clear();
    return gone;
  }

  /** Who is typing, in user id order. */
  public List<String> typing() {
    return List.copyOf(lapseAt.keySet());
  }
}
