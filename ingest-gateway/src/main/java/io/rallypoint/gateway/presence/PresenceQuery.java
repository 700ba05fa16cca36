package io.rallypoint.gateway.presence;

import io.rallypoint.gateway.connection.Connection;
import io.rallypoint.gateway.deps.ErrorReplies;
import io.rallypoint.gateway.membership.Membership;
import io.rallypoint.gateway.store.RedisPresenceStore;
import io.rallypoint.schemas.frame.PresenceFrame;
import io.rallypoint.schemas.frame.PresenceRequestFrame;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Answers a member's {@code presence} request (the caller wraps it in the membership check): the
 * members with a connection on any node now, from Redis, and those with an active recording
 * session; {@code unavailable} when Redis or PostgreSQL does not answer.
 */
final class PresenceQuery {

  private final Membership membership;
  private final RedisPresenceStore store;
  private final Recorders recording;
  private final ErrorReplies replies;

  PresenceQuery(Membership membership, RedisPresenceStore store, Recorders recording, ErrorReplies replies) {
    this.membership = membership;
    this.store = store;
    this.recording = recording;
    this.replies = replies;
  }

  /** Completes at once: the answer does not hold up the connection's next frames. */
  CompletionStage<Void> handle(Connection connection, PresenceRequestFrame f) {
    membership.members(f.conversation())
        .thenCompose(members -> store.onlineAmong(members).thenCombine(recording.among(members),
            (online, recorders) -> PresenceFrame.reply(f.id(), f.conversation(), online, sorted(recorders))))
        .whenComplete((reply, error) -> {
          if (error != null) {
            replies.unavailable(connection, f.id(), "the presence request", error);
          } else {
            connection.reply(reply);
          }
        });
    return CompletableFuture.completedFuture(null);
  }

  private static List<String> sorted(Set<String> users) {
    return users.stream().sorted().toList();
  }
}
