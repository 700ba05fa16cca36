package io.rallypoint.gateway.chat;

import io.rallypoint.gateway.store.ChatStore.Recent;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.frame.SyncFrame;
import io.rallypoint.schemas.frame.SyncReplyFrame;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The pure logic of a sync: whether the Redis cache of recent messages answers it alone, and how a
 * page is cut from the cached and persisted messages, merged by seq, without ever jumping over an
 * acked message that neither holds yet.
 *
 * <h2>Holes</h2>
 * Redis keeps only the latest 50 messages of a conversation; PostgreSQL has what the persister has
 * written. When the persister lags by more than 50 messages, some seqs are in neither: a
 * <em>hole</em>. A page is cut by walking the seqs in order from the client's position:
 * <ul>
 *   <li>a known message is taken (when it matches the request);</li>
 *   <li>a hole whose message Kafka acked (the send path sets the seq's bit in the conversation's
 *       acked bitmap in Redis before it sends {@code ack}) ends the page there: {@code hasMore=true}
 *       and {@code lastSeq} just before the hole. The client keeps paging from there, and gets the
 *       message once the persister has caught up. A sync therefore never returns a page that jumps
 *       over an acked seq it has not seen; it waits for it instead;</li>
 *   <li>a hole that was never acked (Kafka refused the send and the client gave up; the seq was
 *       assigned but the message exists nowhere) is skipped, so such a seq cannot stall a
 *       conversation's sync forever;</li>
 *   <li>so is an acked hole that is <em>final</em>: the persister recorded it in
 *       {@code message_gaps} because the message will never be written (it was dead-lettered, or
 *       it was a resend skipped for a clientMsgId stored under another message id). A message that
 *       holds the seq after all wins: the seq is then no hole;</li>
 *   <li>a seq above what PostgreSQL was asked for ({@code persistedThrough}, when its answer was cut
 *       by the row limit) is unknown rather than a hole: the page ends before it;</li>
 *   <li>at most {@link #MAX_HOLES} holes are examined per page; the page ends before the next one.</li>
 * </ul>
 * Holes are found first ({@link Draft#holes()}), their ack bits read from Redis in one round trip
 * (only when there are any), the acked ones looked up in {@code message_gaps} (only when there are
 * any), then the page is cut ({@link Draft#page}).
 *
 * <h2>Cursors</h2>
 * {@code afterSeq} wins over {@code lastSyncedAt}. A {@code lastSyncedAt} walk starts after the
 * highest known seq sent at or before it (PostgreSQL returns that row too), so a hole just after
 * the client's time position is noticed rather than skipped. With neither cursor the reply is the
 * latest page: the newest messages down to {@code limit} or to the newest acked hole, with
 * {@code hasMore=false} (pages only go forward; use {@code afterSeq=0} for history).
 * {@code syncedAt} is the {@code sentAt} of the page's last message; for an empty page, the request's
 * {@code lastSyncedAt}, else the {@code sentAt} of the last known message at or before the walk's
 * position, else the epoch. Never the current time: a send stamped before a sync read the
 * conversation can get its seq after it, with a {@code sentAt} before that time, and a client
 * passing the current time as its next {@code lastSyncedAt} would never see that message. Seqs
 * assigned later get a {@code sentAt} after every earlier one (the accept script moves it forward),
 * so the last known message's {@code sentAt} is a cursor that skips nothing.
 */
public final class SyncPlanner {

  /** Holes examined per page at most (each costs a bit read in Redis). */
  public static final int MAX_HOLES = 256;

  private SyncPlanner() {}

  /** Whether the cached messages hold every message the request can return (the cache has no holes). */
  public static boolean cacheCovers(SyncFrame request, Recent recent) {
    List<ChatMessage> cached = recent.messages();
    if (cached.isEmpty()) {
      return false; // nothing cached (new conversation, or Redis lost it): PostgreSQL decides
    }
    ChatMessage oldest = cached.get(0);
    if (oldest.seq() <= 1) {
      return true;
    }
    if (request.afterSeq() != null) {
      return oldest.seq() <= request.afterSeq() + 1;
    }
    if (request.lastSyncedAt() != null) {
      return !oldest.sentAt().isAfter(request.lastSyncedAt());
    }
    return cached.size() >= request.effectiveLimit();
  }

  /**
   * How many rows to ask PostgreSQL for: a page going forward needs one more to know whether more
   * follow, and a {@code lastSyncedAt} one also the row it starts after.
   */
  public static int databaseLimit(SyncFrame request) {
    if (request.afterSeq() != null) {
      return request.effectiveLimit() + 1;
    }
    if (request.lastSyncedAt() != null) {
      return request.effectiveLimit() + 2;
    }
    return request.effectiveLimit();
  }

  /**
   * A page in the making, from everything known (cached and persisted, in any order, duplicates
   * allowed). {@code persistedThrough} is the highest seq PostgreSQL's answer is complete up to
   * ({@link Long#MAX_VALUE} when it was not cut by its row limit, or not asked).
   */
  public static Draft draft(SyncFrame request, long headSeq, Collection<ChatMessage> known, long persistedThrough) {
    return new Draft(request, headSeq, known, persistedThrough);
  }

  /** A page cut from known messages; {@link #holes()} lists the seqs whose ack state decides where it ends. */
  public static final class Draft {

    private final SyncFrame request;
    private final NavigableMap<Long, ChatMessage> bySeq = new TreeMap<>();
    private final long top;
    private final long persistedThrough;
    private final List<Long> holes;

    private Draft(SyncFrame request, long headSeq, Collection<ChatMessage> known, long persistedThrough) {
      this.request = request;
      for (ChatMessage m : known) {
        bySeq.putIfAbsent(m.seq(), m);
      }
      this.top = bySeq.isEmpty() ? headSeq : Math.max(headSeq, bySeq.lastKey());
      this.persistedThrough = persistedThrough;
      this.holes = walk(null).holes; // every hole is provisionally skippable: the longest walk
    }

    /** The missing seqs the page may have to stop at, in walk order; empty in the common case. */
    public List<Long> holes() {
      return List.copyOf(holes);
    }

    /**
     * The reply, given which of {@link #holes()} were acked and which of those are final gaps (their
     * message will never be stored): the page waits only at an acked hole that is not final.
     */
    public SyncReplyFrame page(Set<Long> ackedHoles, Set<Long> finalGaps) {
      Set<Long> waitFor = new HashSet<>(ackedHoles);
      waitFor.removeAll(finalGaps);
      Walk walk = walk(waitFor);
      List<ChatMessage> page = List.copyOf(walk.page);
      Instant syncedAt;
      if (!page.isEmpty()) {
        syncedAt = page.getLast().sentAt();
      } else if (request.lastSyncedAt() != null) {
        syncedAt = request.lastSyncedAt();
      } else {
        Map.Entry<Long, ChatMessage> before = bySeq.floorEntry(walk.position);
        syncedAt = before != null ? before.getValue().sentAt() : Instant.EPOCH;
      }
      return new SyncReplyFrame(request.id(), request.conversation(), page, walk.position, syncedAt, walk.hasMore);
    }

    private Walk walk(Set<Long> acked) {
      return request.afterSeq() == null && request.lastSyncedAt() == null ? latest(acked) : forward(acked);
    }

    /** Forward from the client's position: known messages are taken, acked (or unknown) holes end the page. */
    private Walk forward(Set<Long> acked) {
      Walk walk = new Walk(floor());
      int limit = request.effectiveLimit();
      for (long seq = walk.position + 1; seq <= top; seq++) {
        if (walk.page.size() == limit) {
          walk.hasMore = walk.position < top;
          return walk;
        }
        ChatMessage message = bySeq.get(seq);
        if (message == null && !mayPass(walk, seq, acked)) {
          walk.hasMore = true;
          return walk;
        }
        if (message != null && matches(message)) {
          walk.page.addLast(message);
        }
        walk.position = seq;
      }
      return walk;
    }

    /** Backward from the newest: the latest {@code limit} messages, or fewer when an acked hole comes first. */
    private Walk latest(Set<Long> acked) {
      Walk walk = new Walk(top);
      int limit = request.effectiveLimit();
      for (long seq = top; seq >= 1 && walk.page.size() < limit; seq--) {
        ChatMessage message = bySeq.get(seq);
        if (message != null) {
          walk.page.addFirst(message);
        } else if (!mayPass(walk, seq, acked)) {
          break;
        }
      }
      if (!walk.page.isEmpty()) {
        walk.position = walk.page.getLast().seq();
      }
      return walk; // the latest page never has more: pages only go forward
    }

    /** Whether a walk may go past missing {@code seq}; records it as a hole when it is one. */
    private boolean mayPass(Walk walk, long seq, Set<Long> acked) {
      if (seq > persistedThrough || walk.holes.size() == MAX_HOLES) {
        return false; // not known to be missing, or enough holes for one page
      }
      walk.holes.add(seq);
      return acked == null || !acked.contains(seq);
    }

    /**
     * The seq the walk starts after. A cursor past the conversation's last seq (a client's mistake,
     * or a counter restored lower) starts at that last seq, so the {@code lastSeq} the client passes
     * next can never make it skip the messages still to come there.
     */
    private long floor() {
      if (request.afterSeq() != null) {
        return Math.min(request.afterSeq(), top);
      }
      long floor = 0;
      for (ChatMessage m : bySeq.values()) {
        if (!m.sentAt().isAfter(request.lastSyncedAt())) {
          floor = Math.max(floor, m.seq());
        }
      }
      return floor;
    }

    private boolean matches(ChatMessage m) {
      if (request.afterSeq() != null) {
        return m.seq() > request.afterSeq();
      }
      if (request.lastSyncedAt() != null) {
        return m.sentAt().isAfter(request.lastSyncedAt());
      }
      return true;
    }
  }

  /** Where a walk got to: the page so far, the holes it met, the last seq it passed. */
  private static final class Walk {
    final Deque<ChatMessage> page = new ArrayDeque<>();
    final List<Long> holes = new ArrayList<>();
    long position;
    boolean hasMore;

    Walk(long position) {
      this.position = position;
    }
  }
}
