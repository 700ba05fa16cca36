package io.rallypoint.location.topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which conversations the wall-clock pass has to look at, and when: per conversation, the instant
 * its next counted member turns stationary if nothing else happens. The punctuation takes only the
 * ones that are due instead of reading every group from the store.
 *
 * <p>Not thread-safe and not persisted: each {@link GroupProcessor} keeps its own, rebuilt from its
 * store when it is initialised.
 */
final class StationaryDeadlines {

  private final Map<String, Instant> byConversation = new HashMap<>();
  private final TreeMap<Instant, Set<String>> byDeadline = new TreeMap<>();

  /** Sets (or, with a null deadline, clears) when this conversation next needs a look. */
  void schedule(String conversation, Instant deadline) {
    Instant previous = deadline == null ? byConversation.remove(conversation) : byConversation.put(conversation, deadline);
    if (previous != null && !previous.equals(deadline)) {
      Set<String> at = byDeadline.get(previous);
      at.remove(conversation);
      if (at.isEmpty()) {
        byDeadline.remove(previous);
      }
    }
    if (deadline != null && !deadline.equals(previous)) {
      byDeadline.computeIfAbsent(deadline, d -> new LinkedHashSet<>()).add(conversation);
    }
  }

  /**
   * Removes and returns the conversations whose deadline is strictly before {@code now} (a member
   * turns stationary only when more than the threshold has passed), earliest first.
   */
  List<String> takeDueBefore(Instant now) {
    List<String> due = new ArrayList<>();
    var head = byDeadline.headMap(now, false);
    for (Set<String> conversations : head.values()) {
      due.addAll(conversations);
    }
    head.clear();
    due.forEach(byConversation::remove);
    return due;
  }

  /** The deadline of a conversation, or null when it has none. */
  Instant deadlineOf(String conversation) {
    return byConversation.get(conversation);
  }

  /** How many conversations have a deadline. */
  int size() {
    return byConversation.size();
  }

  void clear() {
    byConversation.clear();
    byDeadline.clear();
  }
}
