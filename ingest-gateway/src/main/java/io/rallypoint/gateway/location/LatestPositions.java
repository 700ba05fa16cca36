package io.rallypoint.gateway.location;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The newest {@code at} this node has sent per (conversation, user), so that an older position is
 * never sent after a newer one (phones deliver out of order; a user may share through two nodes).
 * Entries whose position is older than {@link #FORGET_AFTER} are dropped now and then: by then a
 * still older one is no news anyway.
 */
final class LatestPositions {

  static final Duration FORGET_AFTER = Duration.ofMinutes(10);
  private static final int SWEEP_EVERY = 4_096;

  private final Clock clock;
  private final Map<Key, Instant> latest = new ConcurrentHashMap<>();
  private final AtomicInteger sinceSweep = new AtomicInteger();

  LatestPositions(Clock clock) {
    this.clock = clock;
  }

  private record Key(String conversation, String user) {}

  /** Records {@code at} and returns true when it is newer than every position of the user in the conversation so far. */
  boolean advance(String conversation, String user, Instant at) {
    boolean[] newer = {false};
    latest.compute(new Key(conversation, user), (key, previous) -> {
      if (previous == null || at.isAfter(previous)) {
        newer[0] = true;
        return at;
      }
      return previous;
    });
    if (sinceSweep.incrementAndGet() >= SWEEP_EVERY) {
      sinceSweep.set(0);
      Instant horizon = clock.instant().minus(FORGET_AFTER);
      latest.values().removeIf(seen -> seen.isBefore(horizon));
    }
    return newer[0];
  }
}
