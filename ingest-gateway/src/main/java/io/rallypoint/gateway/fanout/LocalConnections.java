package io.rallypoint.gateway.fanout;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.rallypoint.gateway.ws.Connection;
import io.rallypoint.gateway.ws.EncodedTextFrame;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connections on this node by conversation, and the node's subscriptions: a conversation is
 * subscribed on the cluster bus while at least one local connection is registered for it, so a
 * node only hears about conversations it has someone for.
 */
public final class LocalConnections {

  private final Subscriptions subscriptions;
  private final Audience audience;
  private final Map<String, Local> byConversation = new ConcurrentHashMap<>();
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

  /** Counts an accepted connection (for metrics). */
  public void opened() {
    connections.incrementAndGet();
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

  /** Unregisters a closed connection; a conversation left without local connections is unsubscribed. */
  public void leave(Connection connection) {
    for (String conversation : List.copyOf(connection.conversations())) {
      connection.conversations().remove(conversation);
      byConversation.computeIfPresent(conversation, (c, local) -> {
        local.connections.remove(connection);
        if (local.connections.isEmpty()) {
          subscriptions.unsubscribe(c);
          return null;
        }
        return local;
      });
    }
  }

  /** Counts a closed connection (for metrics). */
  public void closed() {
    connections.decrementAndGet();
  }

  /**
   * Writes a frame to every connection registered for the conversation except {@code origin}
   * (may be null); it is encoded once and the same bytes go to all. Returns how many got it. A
   * connection whose user is not a member (as last read from PostgreSQL, at most about a TTL ago)
   * gets nothing.
   *
   * <p>One task per event loop writes to all of that loop's members, instead of one cross-thread
   * write task (and wake-up) per member. The task is queued like any other write, so each
   * connection still gets its frames in the order they were produced.
   */
  public int deliver(String conversation, String frameText, Connection origin) {
    Local local = byConversation.get(conversation);
    if (local == null) {
      return 0;
    }
    Set<String> knownMembers = audience.knownMembers(conversation);
    Map<EventLoop, List<Connection>> byLoop = new HashMap<>();
    int delivered = 0;
    for (Connection connection : local.connections) {
      // not unregistered: a user added back (or added just before connecting, while this node's
      // list was older) receives again as soon as the list is read anew
      if (connection != origin && (knownMembers == null || knownMembers.contains(connection.user()))) {
        byLoop.computeIfAbsent(connection.channel().eventLoop(), loop -> new ArrayList<>()).add(connection);
        delivered++;
      }
    }
    if (delivered == 0) {
      return 0;
    }
    ByteBuf shared = EncodedTextFrame.of(frameText); // encoded once, the same bytes for every member
    try {
      byLoop.forEach((loop, members) -> {
        ByteBuf reference = shared.retain();
        try {
          loop.execute(() -> {
            try {
              for (Connection member : members) {
                member.deliverInLoop(reference);
              }
            } finally {
              reference.release();
            }
          });
        } catch (RejectedExecutionException e) {
          reference.release(); // the node is shutting down
        }
      });
    } finally {
      shared.release();
    }
    return delivered;
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
