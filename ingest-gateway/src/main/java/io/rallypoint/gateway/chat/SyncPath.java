package io.rallypoint.gateway.chat;

import io.netty.buffer.ByteBufUtil;
import io.rallypoint.gateway.connection.Connection;
import io.rallypoint.gateway.deps.DependencyDown;
import io.rallypoint.gateway.deps.ErrorReplies;
import io.rallypoint.gateway.metrics.GatewayMetrics;
import io.rallypoint.gateway.store.ChatStore;
import io.rallypoint.gateway.store.ChatStore.Recent;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.frame.SyncFrame;
import io.rallypoint.schemas.frame.SyncReplyFrame;
import io.rallypoint.schemas.json.FrameCodec;
import io.rallypoint.schemas.json.Json;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Sync: the recent messages from Redis when they cover the request, else PostgreSQL merged with
 * them, and, only when that leaves holes, the holes' ack bits from Redis and, only for acked holes,
 * which of them are final gaps (see {@link SyncPlanner}: a page ends before an acked seq that
 * neither store holds yet, unless the persister recorded that it never will).
 */
public final class SyncPath {

  /** Room for the page's own fields (ids, cursors) beside its messages. */
  private static final int PAGE_OVERHEAD_BYTES = 1_024;

  private final ChatStore store;
  private final MessageDao messages;
  private final ErrorReplies replies;
  private final GatewayMetrics metrics;
  private final Executor blocking;
  private final int maxPageBytes;

  /**
   * {@code maxPageBytes}: the most UTF-8 a page may take; below the outbound buffer at which a
   * connection is cut, or a page of large messages would cut every reader, however fast it reads.
   */
  public SyncPath(ChatStore store, MessageDao messages, ErrorReplies replies, GatewayMetrics metrics, Executor blocking,
      int maxPageBytes) {
    this.store = store;
    this.messages = messages;
    this.replies = replies;
    this.metrics = metrics;
    this.blocking = blocking;
    this.maxPageBytes = maxPageBytes;
  }

  /** Handles a member's {@code sync}; completes once the Redis read is issued. */
  public CompletionStage<Void> handle(Connection connection, SyncFrame sync) {
    long dispatched = System.nanoTime();
    store.recent(sync.conversation())
        .thenCompose(recent -> reply(sync, recent))
        .whenComplete((page, error) -> {
          if (error != null) {
            replies.unavailable(connection, sync.id(), "the sync", error);
          } else {
            connection.replyText(fitted(sync, page));
            metrics.synced(System.nanoTime() - dispatched);
          }
        });
    return CompletableFuture.completedFuture(null);
  }

  /**
   * The page as frame text, within {@link #maxPageBytes}: a longer one keeps as many messages as fit
   * (at least one). A forward page keeps its oldest and ends early ({@code hasMore}, {@code lastSeq}
   * and {@code syncedAt} at the last one kept: the client asks again from there); the latest page
   * keeps its newest.
   */
  private String fitted(SyncFrame sync, SyncReplyFrame page) {
    String text = FrameCodec.encode(page);
    if (text.length() <= maxPageBytes / 3 || ByteBufUtil.utf8Bytes(text) <= maxPageBytes) {
      return text;
    }
    List<ChatMessage> all = page.messages();
    boolean forward = sync.afterSeq() != null || sync.lastSyncedAt() != null;
    Deque<ChatMessage> kept = new ArrayDeque<>();
    long bytes = PAGE_OVERHEAD_BYTES;
    for (int i = 0; i < all.size(); i++) {
      ChatMessage message = all.get(forward ? i : all.size() - 1 - i);
      bytes += Json.toBytes(message).length + 1;
      if (bytes > maxPageBytes && !kept.isEmpty()) {
        break;
      }
      if (forward) {
        kept.addLast(message);
      } else {
        kept.addFirst(message);
      }
    }
    SyncReplyFrame trimmed = forward
        ? new SyncReplyFrame(page.id(), page.conversation(), List.copyOf(kept), kept.getLast().seq(),
            kept.getLast().sentAt(), true)
        : new SyncReplyFrame(page.id(), page.conversation(), List.copyOf(kept), page.lastSeq(), page.syncedAt(),
            page.hasMore());
    return FrameCodec.encode(trimmed);
  }

  private CompletableFuture<SyncReplyFrame> reply(SyncFrame sync, Recent recent) {
    if (SyncPlanner.cacheCovers(sync, recent)) {
      // the cache is contiguous: no holes, so no ack bits to read
      return CompletableFuture.completedFuture(SyncPlanner.draft(sync, recent.headSeq(), recent.messages(),
          Long.MAX_VALUE).page(Set.of(), Set.of()));
    }
    return CompletableFuture.supplyAsync(() -> {
      int limit = SyncPlanner.databaseLimit(sync);
      List<ChatMessage> persisted = persisted(sync, limit);
      // a forward answer cut by its row limit says nothing about the seqs after its last row
      boolean forward = sync.afterSeq() != null || sync.lastSyncedAt() != null;
      long persistedThrough = forward && persisted.size() >= limit ? persisted.getLast().seq() : Long.MAX_VALUE;
      List<ChatMessage> known = new ArrayList<>(persisted);
      known.addAll(recent.messages());
      return SyncPlanner.draft(sync, recent.headSeq(), known, persistedThrough);
    }, blocking).thenCompose(draft -> store.ackedAmong(sync.conversation(), draft.holes())
        .thenCompose(acked -> finalAmong(sync.conversation(), acked)
            .thenApply(gaps -> draft.page(acked, gaps))));
  }

  /**
   * Which acked holes will never be filled (the persister recorded them as gaps); PostgreSQL is
   * only asked when there are acked holes at all, which is rare: a lagging persister or a gap.
   */
  private CompletableFuture<Set<Long>> finalAmong(String conversation, Set<Long> ackedHoles) {
    if (ackedHoles.isEmpty()) {
      return CompletableFuture.completedFuture(Set.of());
    }
    return DependencyDown.postgresAsync(() -> messages.gapsAmong(conversation, ackedHoles), blocking);
  }

  private List<ChatMessage> persisted(SyncFrame sync, int limit) {
    return DependencyDown.postgres(() -> {
      if (sync.afterSeq() != null) {
        return messages.afterSeq(sync.conversation(), sync.afterSeq(), limit);
      }
      if (sync.lastSyncedAt() != null) {
        return messages.fromLastSentAtOrBefore(sync.conversation(), sync.lastSyncedAt(), limit);
      }
      return messages.latest(sync.conversation(), limit);
    });
  }
}
