package io.rallypoint.gateway.chat;

import io.rallypoint.gateway.store.RedisChatStore;
import io.rallypoint.gateway.store.RedisChatStore.Recent;
import io.rallypoint.gateway.ws.Connection;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.frame.SyncFrame;
import io.rallypoint.schemas.frame.SyncReplyFrame;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Sync: the recent messages from Redis when they cover the request, else PostgreSQL merged with
 * them (see {@link SyncPlanner}); Redis is read first so that anything acked is in one or the other.
 */
public final class SyncPath {

  private final Membership membership;
  private final RedisChatStore store;
  private final MessageRepository messages;
  private final Executor blocking;
  private final Clock clock;

  public SyncPath(Membership membership, RedisChatStore store, MessageRepository messages, Executor blocking,
      Clock clock) {
    this.membership = membership;
    this.store = store;
    this.messages = messages;
    this.blocking = blocking;
    this.clock = clock;
  }

  /** Handles a {@code sync}; completes once the Redis read is issued. */
  public CompletionStage<Void> handle(Connection connection, SyncFrame sync) {
    return membership.isMember(sync.conversation(), connection.user())
        .thenAccept(member -> {
          if (!member) {
            ErrorReplies.forbidden(connection, sync.id(), sync.conversation());
            return;
          }
          store.recent(sync.conversation())
              .thenCompose(recent -> reply(sync, recent))
              .whenComplete((page, error) -> {
                if (error != null) {
                  ErrorReplies.unavailable(connection, sync.id(), "the sync", error);
                } else {
                  connection.reply(page);
                }
              });
        })
        .exceptionally(error -> {
          ErrorReplies.unavailable(connection, sync.id(), "the sync", error);
          return null;
        });
  }

  private CompletableFuture<SyncReplyFrame> reply(SyncFrame sync, Recent recent) {
    if (SyncPlanner.cacheCovers(sync, recent)) {
      return CompletableFuture.completedFuture(SyncPlanner.page(sync, recent.headSeq(), recent.messages(), clock.instant()));
    }
    return CompletableFuture.supplyAsync(() -> {
      List<ChatMessage> known = new ArrayList<>(persisted(sync));
      known.addAll(recent.messages());
      return SyncPlanner.page(sync, recent.headSeq(), known, clock.instant());
    }, blocking);
  }

  private List<ChatMessage> persisted(SyncFrame sync) {
    int limit = SyncPlanner.databaseLimit(sync);
    try {
      if (sync.afterSeq() != null) {
        return messages.afterSeq(sync.conversation(), sync.afterSeq(), limit);
      }
      if (sync.lastSyncedAt() != null) {
        return messages.sentAfter(sync.conversation(), sync.lastSyncedAt(), limit);
      }
      return messages.latest(sync.conversation(), limit);
    } catch (SQLException e) {
      throw new DependencyDown("PostgreSQL", e);
    }
  }
}
