package io.rallypoint.gateway.membership;

import io.rallypoint.gateway.connection.Connection;
import io.rallypoint.gateway.fanout.LocalConnections;
import io.rallypoint.schemas.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this node follow a change of a conversation's members at once, instead of within the
 * member list's TTL: the list is read again from PostgreSQL (so {@link MembersOnly} and delivery
 * use the new one), then each of the user's connections on this node is registered for the
 * conversation or dropped from it, and told so with a {@code membership} frame ({@code joined} or
 * {@code left}) when its registration changed.
 *
 * <p>The list read after the change decides, not the change as announced, and changes of one
 * conversation are applied one after the other: two changes of the same member made at once
 * through two nodes end in what PostgreSQL holds, whatever order the nodes hear of them in. Only
 * when PostgreSQL does not answer is the announced state applied.
 */
public final class MembershipChanges {

  /** The {@code membership} frame's states. */
  public static final String JOINED = "joined";
  public static final String LEFT = "left";

  private static final Logger LOG = LoggerFactory.getLogger(MembershipChanges.class);

  private final Membership membership;
  private final LocalConnections local;
  /** The last change under way per conversation; the next one starts after it. */
  private final Map<String, CompletableFuture<Void>> underWay = new ConcurrentHashMap<>();

  public MembershipChanges(Membership membership, LocalConnections local) {
    this.membership = membership;
    this.local = local;
  }

  /**
   * The user was added to ({@code member}) or removed from the conversation. Completes once this
   * node's member list is read again and the user's connections here follow it (each has been
   * sent its {@code membership} frame, or has been registered).
   */
  public CompletableFuture<Void> changed(String conversation, String user, boolean member) {
    CompletableFuture<Void> mine = underWay.compute(conversation, (c, previous) ->
        (previous == null ? CompletableFuture.<Void>completedFuture(null) : previous)
            .thenCompose(ignored -> apply(conversation, user, member))
            .exceptionally(error -> {
              LOG.warn("membership change of user {} in conversation {} not applied", user, conversation, error);
              return null;
            }));
    mine.whenComplete((ignored, error) -> underWay.remove(conversation, mine));
    return mine;
  }

  private CompletableFuture<Void> apply(String conversation, String user, boolean announced) {
    if (local.connectionsOf(user).isEmpty() && !membership.holds(conversation)) {
      return CompletableFuture.completedFuture(null); // nothing here knows of it: the next lookup reads it
    }
    return membership.reload(conversation)
        .handle((members, error) -> decide(members, error, conversation, user, announced))
        .thenCompose(member -> follow(conversation, user, member));
  }

  private static boolean decide(Set<String> members, Throwable error, String conversation, String user,
      boolean announced) {
    if (error == null) {
      return members.contains(user);
    }
    LOG.warn("cannot read the members of conversation {} again ({}); applying the change as announced: {} {}",
        conversation, error.toString(), user, announced ? JOINED : LEFT);
    return announced;
  }

  private CompletableFuture<Void> follow(String conversation, String user, boolean member) {
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (Connection connection : local.connectionsOf(user)) {
      done.add(member
          ? local.admit(connection, conversation, () -> connection.replyText(frameText(conversation, JOINED)))
          : drop(connection, conversation));
    }
    return CompletableFuture.allOf(done.toArray(CompletableFuture[]::new));
  }

  /** On the connection's loop, so no frame of the conversation queued behind {@code left} reaches it. */
  private CompletableFuture<Void> drop(Connection connection, String conversation) {
    CompletableFuture<Void> dropped = new CompletableFuture<>();
    try {
      connection.channel().eventLoop().execute(() -> {
        try {
          if (local.leave(connection, conversation)) {
            connection.replyText(frameText(conversation, LEFT));
          }
        } finally {
          dropped.complete(null);
        }
      });
    } catch (RejectedExecutionException e) { // the node is shutting down
      local.leave(connection, conversation);
      dropped.complete(null);
    }
    return dropped;
  }

  /** The {@code membership} frame (PROTOCOL section 1.4): {@code {"type":"membership","conversation":..,"state":..}}. */
  public static String frameText(String conversation, String state) {
    return Json.toString(Json.object().put("type", "membership").put("conversation", conversation).put("state", state));
  }
}
