package io.rallypoint.gateway.membership;

import io.rallypoint.gateway.connection.Connection;
import io.rallypoint.gateway.deps.ErrorReplies;
import io.rallypoint.gateway.fanout.LocalConnections;
import io.rallypoint.gateway.frames.FrameStep;
import io.rallypoint.schemas.frame.ConversationFrame;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The one membership check of every frame about a conversation: a step wrapped by {@link #wrap}
 * runs only when the user is a member. A non-member gets {@code forbidden}; when PostgreSQL cannot
 * say, the frame gets {@code unavailable}. A member's connection is registered for the
 * conversation on this node first, so a conversation joined after the connection opened reaches it
 * from then on.
 */
public final class MembersOnly {

  private final Membership membership;
  private final LocalConnections local;
  private final ErrorReplies replies;

  public MembersOnly(Membership membership, LocalConnections local, ErrorReplies replies) {
    this.membership = membership;
    this.local = local;
    this.replies = replies;
  }

  /** {@code step}, for members only; {@code what} names the frame in an {@code unavailable} reply. */
  public <F extends ConversationFrame> FrameStep<F> wrap(String what, FrameStep<F> step) {
    return (connection, frame) -> membership.isMember(frame.conversation(), connection.user())
        .handle((member, error) -> admit(connection, frame, what, member, error, step))
        .thenCompose(stage -> stage);
  }

  private <F extends ConversationFrame> CompletionStage<Void> admit(Connection connection, F frame, String what,
      Boolean member, Throwable error, FrameStep<F> step) {
    if (error != null) {
      replies.unavailable(connection, frame.id(), what, error);
      return CompletableFuture.completedFuture(null);
    }
    if (!member) {
      replies.forbidden(connection, frame.id(), frame.conversation());
      return CompletableFuture.completedFuture(null);
    }
    local.join(connection, List.of(frame.conversation()));
    return step.handle(connection, frame);
  }
}
