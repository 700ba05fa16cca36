package io.rallypoint.gateway.chat;

import io.rallypoint.gateway.store.RedisChatStore.Recent;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.frame.SyncFrame;
import io.rallypoint.schemas.frame.SyncReplyFrame;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * The pure logic of a sync: whether the Redis cache of recent messages answers it alone, and how a
 * page is cut from the cached and persisted messages (merged by seq, so a message that is cached
 * but not yet persisted, or persisted and already out of the cache, is never missed).
 *
 * <p>{@code afterSeq} wins over {@code lastSyncedAt}; with neither the reply is the latest page,
 * which has {@code hasMore=false} (pages only follow forward; use {@code afterSeq=0} for history).
 * {@code syncedAt} is the {@code sentAt} of the page's last message (the request's
 * {@code lastSyncedAt}, or now, when the page is empty), so nothing sent later is skipped.
 */
public final class SyncPlanner {

  private SyncPlanner() {}

  /** Whether the cached messages hold every message the request can return. */
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

  /** How many rows to ask PostgreSQL for: one more than a page going forward, to know whether more follow. */
  public static int databaseLimit(SyncFrame request) {
    return request.afterSeq() == null && request.lastSyncedAt() == null
        ? request.effectiveLimit()
        : request.effectiveLimit() + 1;
  }

  /** The reply page cut from everything known (cached and persisted, in any order, duplicates allowed). */
  public static SyncReplyFrame page(SyncFrame request, long headSeq, Collection<ChatMessage> known, Instant now) {
    TreeMap<Long, ChatMessage> bySeq = new TreeMap<>();
    for (ChatMessage m : known) {
      if (matches(request, m)) {
        bySeq.putIfAbsent(m.seq(), m);
      }
    }
    List<ChatMessage> matching = new ArrayList<>(bySeq.values());
    int limit = request.effectiveLimit();
    List<ChatMessage> page;
    boolean hasMore;
    if (request.afterSeq() == null && request.lastSyncedAt() == null) {
      page = matching.subList(Math.max(0, matching.size() - limit), matching.size());
      hasMore = false;
    } else {
      page = matching.subList(0, Math.min(limit, matching.size()));
      hasMore = matching.size() > limit;
    }
    long lastSeq;
    Instant syncedAt;
    if (!page.isEmpty()) {
      ChatMessage last = page.get(page.size() - 1);
      lastSeq = last.seq();
      syncedAt = last.sentAt();
    } else {
      lastSeq = request.afterSeq() != null ? request.afterSeq() : headSeq;
      syncedAt = request.lastSyncedAt() != null ? request.lastSyncedAt() : now;
    }
    return new SyncReplyFrame(request.id(), request.conversation(), page, lastSeq, syncedAt, hasMore);
  }

  private static boolean matches(SyncFrame request, ChatMessage m) {
    if (request.afterSeq() != null) {
      return m.seq() > request.afterSeq();
    }
    if (request.lastSyncedAt() != null) {
      return m.sentAt().isAfter(request.lastSyncedAt());
    }
    return true;
  }
}
