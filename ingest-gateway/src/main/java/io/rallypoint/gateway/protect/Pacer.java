package io.rallypoint.gateway.protect;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One connection's pace against its user's {@link TokenBucket}: which frames go through, when a
 * refused frame may come back, and when the connection is abusing the limit.
 *
 * <ul>
 *   <li>A frame goes through when the bucket has a token nobody was promised.</li>
 *   <li>A refused frame gets a <em>turn</em>: the bucket's next unpromised token, taken for it in
 *       advance. {@code retryAfterMs} is the time until its turn. The same frame sent again (same
 *       {@link #admit key}) at or after its turn goes through on that token, whatever else the user
 *       sends meanwhile; so an outbox of hundreds of frames sent at once, each sent again after its
 *       own {@code retryAfterMs}, drains at the sustained rate, in order, and nothing is refused
 *       twice. A turn is kept for {@value #TURN_KEPT_MILLIS} ms after it is due (a client may add
 *       jitter, read its errors late, or queue its resend behind the rest of its outbox), then
 *       forgotten and its token given back: the frame was dropped, or sent again as another one.
 *       At most {@value #MAX_TURNS} turns are open per connection; past that a refused frame is told
 *       to come back once every promised token is spent, without a turn.</li>
 *   <li>Abuse: when the connection has had no frame through for the whole abuse window since its
 *       first refusal and keeps sending (at least {@code minRefusals} refusals in that time), the
 *       next refusal is {@link Abusive}: the caller closes the connection (1008). A client that
 *       sends each refused frame again only after its {@code retryAfterMs} always has frames going
 *       through, so it is never closed however large its outbox; one that keeps sending new frames
 *       while its earlier ones wait gets nothing through (every token is promised) and is.</li>
 * </ul>
 *
 * <p>Not thread-safe: a connection's frames are admitted on its event loop.
 */
public final class Pacer {

  /** What happens to a frame. */
  public sealed interface Verdict permits Admitted, Refused, Abusive {}

  /** The frame goes through. */
  public record Admitted() implements Verdict {}

  /** The frame is refused; it may be sent again after {@code retryAfterMs}. */
  public record Refused(long retryAfterMs) implements Verdict {}

  /** The frame is refused and the connection has had nothing through for the whole abuse window. */
  public record Abusive(Duration refusedFor, int refusals) implements Verdict {}

  static final int MAX_TURNS = 1_024;
  static final long TURN_KEPT_MILLIS = 60_000;
  private static final Admitted ADMITTED = new Admitted();
  private static final long NANOS_PER_MILLI = 1_000_000L;

  private final TokenBucket bucket;
  private final LongSupplier nanoClock;
  private final long abuseWindowNanos;
  private final int minRefusals;
  /** Open turns by frame key, oldest first; only turns neither used nor given back. */
  private final Map<Object, ArrayDeque<Turn>> turnsByKey = new HashMap<>();
  /** Every turn in the order they were given, for giving back the stale ones; may hold used ones. */
  private final ArrayDeque<Turn> turns = new ArrayDeque<>();
  private int openTurns;
  private long refusedSince;
  private int refusals;

  /**
   * @param abuseWindow how long a connection may go with nothing admitted while it keeps sending
   * @param minRefusals the fewest refusals in that time that make it abuse
   */
  public Pacer(TokenBucket bucket, LongSupplier nanoClock, Duration abuseWindow, int minRefusals) {
    if (abuseWindow.isNegative() || abuseWindow.isZero() || minRefusals < 1) {
      throw new IllegalArgumentException("the abuse window and minimum refusals must be positive: "
          + abuseWindow + ", " + minRefusals);
    }
    this.bucket = bucket;
    this.nanoClock = nanoClock;
    this.abuseWindowNanos = abuseWindow.toNanos();
    this.minRefusals = minRefusals;
  }

  /**
   * Decides on one frame. {@code key} says which frame it is, so that the same frame sent again
   * finds its turn: equal keys are the same frame (e.g. a {@code send}'s clientMsgId).
   */
  public Verdict admit(Object key) {
    long now = nanoClock.getAsLong();
    giveBackStale(now);
    if (useTurn(key, now) || bucket.tryTake()) {
      refusals = 0;
      return ADMITTED;
    }
    long waitNanos = openTurns < MAX_TURNS ? giveTurn(key, now) : bucket.nanosUntilFree();
    if (refusals == 0) {
      refusedSince = now;
    }
    refusals++;
    if (now - refusedSince >= abuseWindowNanos && refusals >= minRefusals) {
      return new Abusive(Duration.ofNanos(now - refusedSince), refusals);
    }
    return new Refused((waitNanos + NANOS_PER_MILLI - 1) / NANOS_PER_MILLI);
  }

  /** The connection closed: its open turns go back to the user's bucket. */
  public void release() {
    for (Turn turn : turns) {
      if (!turn.done) {
        turn.done = true;
        bucket.refund();
      }
    }
    turns.clear();
    turnsByKey.clear();
    openTurns = 0;
  }

  /** Turns open now (for tests). */
  int openTurns() {
    return openTurns;
  }

  private boolean useTurn(Object key, long now) {
    ArrayDeque<Turn> mine = turnsByKey.get(key);
    while (mine != null && !mine.isEmpty()) {
      Turn oldest = mine.peekFirst();
      if (now - oldest.staleAt >= 0) {
        close(oldest, mine, key);
        bucket.refund();
      } else if (now - oldest.dueAt >= 0) {
        close(oldest, mine, key);
        return true;
      } else {
        return false; // sent again before its turn: refused, with a turn of its own
      }
    }
    return false;
  }

  private long giveTurn(Object key, long now) {
    long waitNanos = bucket.reserve();
    Turn turn = new Turn(key, now + waitNanos, now + waitNanos + TURN_KEPT_MILLIS * NANOS_PER_MILLI);
    turns.addLast(turn);
    turnsByKey.computeIfAbsent(key, k -> new ArrayDeque<>(2)).addLast(turn);
    openTurns++;
    return waitNanos;
  }

  /** Gives back turns nobody used in time (oldest first: turns are due in the order they were given). */
  private void giveBackStale(long now) {
    while (!turns.isEmpty()) {
      Turn oldest = turns.peekFirst();
      if (oldest.done) {
        turns.pollFirst();
      } else if (now - oldest.staleAt >= 0) {
        turns.pollFirst();
        close(oldest, turnsByKey.get(oldest.key), oldest.key);
        bucket.refund();
      } else {
        return;
      }
    }
  }

  /** Marks a turn used or given back; it is the oldest open turn of its key. */
  private void close(Turn turn, ArrayDeque<Turn> ofKey, Object key) {
    turn.done = true;
    openTurns--;
    if (ofKey != null) {
      ofKey.remove(turn);
      if (ofKey.isEmpty()) {
        turnsByKey.remove(key);
      }
    }
  }

  private static final class Turn {
    final Object key;
    final long dueAt;
    final long staleAt;
    boolean done;

    Turn(Object key, long dueAt, long staleAt) {
      this.key = key;
      this.dueAt = dueAt;
      this.staleAt = staleAt;
    }
  }
}
