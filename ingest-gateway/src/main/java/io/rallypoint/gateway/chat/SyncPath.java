package io.rallypoint.gateway.chat;

import io.rallypoint.gateway.connection.Connection;
import io.rallypoint.gateway.deps.DependencyDown;
import io.rallypoint.gateway.deps.ErrorReplies;
import io.rallypoint.gateway.store.ChatStore;
import io.rallypoint.gateway.store.ChatStore.Recent;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.frame.SyncFrame;
import io.rallypoint.schemas.frame.SyncReplyFrame;
import java.util.ArrayList;
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

  private final ChatStore store;
  private final MessageDao messages;
  private final ErrorReplies replies;
  private final Executor blocking;

  public SyncPath(ChatStore store, MessageDao messages, ErrorReplies replies, Executor blocking) {
    this.store = store;
    this.messages = messages;
    this.replies = replies;
    this.blocking = blocking;
  }

  /** Handles a member's {@code sync}; completes once the Redis read is issued. */
  public CompletionStage<Void> handle(Connection connection, SyncFrame sync) {
    store.recent(sync.conversation())
        .thenCompose(recent -> reply(sync, recent))
        .whenComplete((page, error) -> {
          if (error != null) {
            replies.unavailable(connection, sync.id(), "the sync", error);
          } else {
            connection.reply(page);
          }
        });
    return CompletableFuture.completedFuture(null);
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
