package io.rallypoint.gateway.fanout;

import io.rallypoint.gateway.connection.Connection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The connections on this node by conversation and by user, and the node's subscriptions: a
 * conversation is subscribed on the cluster bus while at least one local connection is registered
 * for it, so a node only hears about conversations it has someone for. A connection receives a
 * conversation's frames exactly while it is registered for it: a frame already on its way when the
 * connection leaves is dropped on the connection's event loop.
 */
public final class LocalConnections implements Broadcast {

  private final Subscriptions subscriptions;
  private final Audience audience;
  private final Map<String, Local> byConversation = new ConcurrentHashMap<>();
  private final Map<String, Set<Connection>> byUser = new ConcurrentHashMap<>();
  private final AtomicInteger connections = new AtomicInteger();

  public LocalConnections(Subscriptions subscriptions, Audience audience) {
    this.subscriptions = subscriptions;
    this.audience = audience;
  }

  /** Who may receive a conversation's frames now. */
  public interface Audience {
    /**
     * The conversation's members as last known, without waiting; null when not known yet (then
     * every registered connection, each checked when it joined, receives).
     */
    Set<String> knownMembers(String conversation);
  }

  /** Subscribing to and leaving a conversation's channel. */
  public interface Subscriptions {
    /** Completes once the subscription is confirmed. */
    CompletableFuture<Void> subscribe(String conversation);

    void unsubscribe(String conversation);
  }

  /** Counts an accepted connection (for metrics) and indexes it by its user. */
  public void opened(Connection connection) {
    connections.incrementAndGet();
    byUser.computeIfAbsent(connection.user(), u -> ConcurrentHashMap.newKeySet()).add(connection);
  }

  /** The user's connections on this node (open, or being opened), as of now. */
  public List<Connection> connectionsOf(String user) {
    Set<Connection> of = byUser.get(user);
    return of == null ? List.of() : List.copyOf(of);
  }

  /**
   * Registers a connection for conversations; completes once each is subscribed, so a client that
   * sees its WebSocket open also hears messages sent through other nodes.
   */
  public CompletableFuture<Void> join(Connection connection, Collection<String> conversations) {
    List<CompletableFuture<Void>> subscribed = new ArrayList<>();
    for (String conversation : conversations) {
      if (connection.conversations().add(conversation)) {
        Local local = byConversation.compute(conversation, (c, existing) -> {
          Local l = existing;
          if (l == null) {
            l = new Local(ConcurrentHashMap.newKeySet(), subscriptions.subscribe(c));
          } else if (l.subscribed.isCompletedExceptionally()) {
            l = new Local(l.connections, subscriptions.subscribe(c)); // Redis was down: try again
          }
          l.connections.add(connection);
          return l;
        });
        subscribed.add(local.subscribed);
      }
    }
    if (!connection.channel().isActive()) {
      leave(connection); // it closed while we were registering it
    }
    return CompletableFuture.allOf(subscribed.toArray(CompletableFuture[]::new));
  }

  /**
   * Registers a connection for a conversation its user just joined, so that {@code announce} (run
   * on the connection's event loop) precedes every frame of the conversation it receives: first
   * this node subscribes to the conversation (a frame sent through another node after the
   * announcement reaches it), then, on the loop, {@code announce} runs and the connection is
   * registered. Completes once it is registered (also when Redis refused the subscription: the
   * next registration tries again, and the client syncs after the announcement anyway).
   */
  public CompletableFuture<Void> admit(Connection connection, String conversation, Runnable announce) {
    CompletableFuture<Void> subscribed = byConversation.compute(conversation, (c, existing) -> {
      if (existing == null) {
        return new Local(ConcurrentHashMap.newKeySet(), subscriptions.subscribe(c));
      }
      return existing.subscribed.isCompletedExceptionally()
          ? new Local(existing.connections, subscriptions.subscribe(c)) : existing;
    }).subscribed;
    CompletableFuture<Void> registered = new CompletableFuture<>();
    subscribed.whenComplete((ignored, error) -> {
      try {
        connection.channel().eventLoop().execute(() -> {
          try {
            if (!connection.conversations().contains(conversation)) {
              announce.run();
            }
            join(connection, List.of(conversation)); // also drops the subscription if nobody is left for it
          } finally {
            registered.complete(null);
          }
        });
      } catch (RejectedExecutionException e) { // the node is shutting down
        registered.complete(null);
      }
    });
    return registered;
  }

  /**
   * Unregisters a connection from one conversation (its user left it); returns whether it was
   * registered. A conversation left without local connections is unsubscribed.
   */
  public boolean leave(Connection connection, String conversation) {
    if (!connection.conversations().remove(conversation)) {
      return false;
    }
    byConversation.computeIfPresent(conversation, (c, local) -> {
      local.connections.remove(connection);
      if (local.connections.isEmpty()) {
        subscriptions.unsubscribe(c);
        return null;
      }
      return local;
    });
    return true;
  }

  /** Unregisters a closed connection; a conversation left without local connections is unsubscribed. */
  public void leave(Connection connection) {
    for (String conversation : List.copyOf(connection.conversations())) {
      leave(connection, conversation);
    }
  }

  /** Counts a closed connection (for metrics) and drops it from its user's index; call after {@link #leave(Connection)}. */
  public void closed(Connection connection) {
    connections.decrementAndGet();
    byUser.computeIfPresent(connection.user(), (u, of) -> {
      of.remove(connection);
      return of.isEmpty() ? null : of;
    });
  }

  /**
   * Writes a frame to every connection registered for the conversation except {@code origin}
   * (may be null), encoded once and one task per event loop ({@link EventLoopFanout}). Returns how
   * many got it. A connection whose user is not a member (as last read from PostgreSQL, at most
   * about a TTL ago) gets nothing.
   */
  @Override
  public int deliver(String conversation, String frameText, Connection origin) {
    return deliver(conversation, frameText, -1, connection -> connection == origin);
  }

  /** As {@link #deliver(String, String, Connection)}; each write records the delivery latency since {@code sentAtMillis}. */
  @Override
  public int deliverMessage(String conversation, String frameText, long sentAtMillis, Connection origin) {
    return deliver(conversation, frameText, sentAtMillis, connection -> connection == origin);
  }

  /**
   * Writes a frame about {@code user} (typing, a position, presence) to every connection registered
   * for the conversation but the user's own, as {@link #deliver(String, String, Connection)} does.
   */
  public int deliverToOthers(String conversation, String frameText, String user) {
    return deliver(conversation, frameText, -1, connection -> connection.user().equals(user));
  }

  /** {@code sentAtMillis}: when the gateway accepted the message the frame carries, or -1 for any other frame. */
  private int deliver(String conversation, String frameText, long sentAtMillis, Predicate<Connection> skip) {
    Local local = byConversation.get(conversation);
    if (local == null) {
      return 0;
    }
    Set<String> knownMembers = audience.knownMembers(conversation);
    // not unregistered: a user added back (or added just before connecting, while this node's list
    // was older) receives again as soon as the list is read anew
    return EventLoopFanout.write(local.connections,
        connection -> !skip.test(connection) && (knownMembers == null || knownMembers.contains(connection.user())),
        connection -> connection.channel().eventLoop(), frameText, (connection, encoded) -> {
          // checked again on the loop: a connection that left after this frame was addressed gets nothing more
          if (!connection.conversations().contains(conversation)) {
            return;
          }
          if (sentAtMillis < 0) {
            connection.deliverInLoop(encoded);
          } else {
            connection.deliverMessageInLoop(encoded, sentAtMillis);
          }
        });
  }

  /** Open connections on this node. */
  public int connectionCount() {
    return connections.get();
  }

  /** Conversations with at least one local connection (= subscriptions). */
  public int conversationCount() {
    return byConversation.size();
  }

  private record Local(Set<Connection> connections, CompletableFuture<Void> subscribed) {}
}
