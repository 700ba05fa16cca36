package io.rallypoint.launcher.restartbench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Chat as a member sees it: a WebSocket to the gateway that sends messages and collects their
 * acks, and PostgreSQL read back to see when each acked message is stored.
 */
final class ChatProbe implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** An acked message: where, its seq, and when the ack arrived. */
  record Acked(String conversation, long seq, long ackedNanos) {}

  private final WebSocket socket;
  private final Map<String, CompletableFuture<Acked>> pending = new ConcurrentHashMap<>();
  private final Map<String, String> conversationOf = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final StringBuilder partial = new StringBuilder();

  private ChatProbe(URI uri) {
    this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(uri, new Listener()).orTimeout(10, TimeUnit.SECONDS).join();
  }

  /** Connects to {@code ws://127.0.0.1:<port>/ws} with the user's token. */
  static ChatProbe connect(int gatewayPort, String token) {
    return new ChatProbe(URI.create("ws://127.0.0.1:" + gatewayPort + "/ws?token=" + token));
  }

  /** Connects, retrying until the gateway accepts or the timeout passes. */
  static ChatProbe connectWhenUp(int gatewayPort, String token, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return connect(gatewayPort, token);
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  /** Sends a message; the future completes with its ack. */
  CompletableFuture<Acked> send(String conversation, String body) {
    String id = "b" + ids.incrementAndGet();
    CompletableFuture<Acked> ack = new CompletableFuture<>();
    pending.put(id, ack);
    conversationOf.put(id, conversation);
    ObjectNode frame = JSON.createObjectNode().put("type", "send").put("id", id).put("conversation", conversation)
        .put("clientMsgId", UUID.randomUUID().toString()).put("body", body);
    synchronized (socket) {
      socket.sendText(frame.toString(), true).join();
    }
    return ack;
  }

  @Override
  public void close() {
    socket.abort();
  }

  /** The highest stored seq of each of these conversations (absent: none stored yet). */
  static Map<String, Long> storedSeqs(String jdbcUrl, List<String> conversations) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "");
        PreparedStatement s = c.prepareStatement(
            "SELECT conversation_id, max(seq) FROM messages WHERE conversation_id = ANY (?) GROUP BY conversation_id")) {
      Array names = c.createArrayOf("text", conversations.toArray());
      s.setArray(1, names);
      Map<String, Long> seqs = new ConcurrentHashMap<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          seqs.put(rs.getString(1), rs.getLong(2));
        }
      }
      return seqs;
    }
  }

  /** Polls PostgreSQL until the message is stored; returns when it saw it ({@link System#nanoTime()}). */
  static long awaitStored(String jdbcUrl, Acked message, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        Long stored = storedSeqs(jdbcUrl, List.of(message.conversation())).get(message.conversation());
        if (stored != null && stored >= message.seq()) {
          return System.nanoTime();
        }
      } catch (SQLException e) {
        // PostgreSQL not back yet
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("seq " + message.seq() + " of " + message.conversation() + " was not stored within " + timeout);
  }

  private final class Listener implements WebSocket.Listener {
    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          JsonNode frame = JSON.readTree(text);
          String id = frame.path("id").asText();
          CompletableFuture<Acked> ack = pending.remove(id);
          if (ack != null && "ack".equals(frame.path("type").asText())) {
            ack.complete(new Acked(conversationOf.remove(id), frame.path("seq").asLong(), System.nanoTime()));
          } else if (ack != null) {
            ack.completeExceptionally(new IllegalStateException("refused: " + text));
          }
        } catch (Exception e) {
          // not a frame for us
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      pending.values().forEach(f -> f.completeExceptionally(error));
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException("closed " + statusCode + " " + reason)));
      return null;
    }
  }
}
