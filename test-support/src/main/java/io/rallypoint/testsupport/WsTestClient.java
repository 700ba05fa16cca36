package io.rallypoint.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.schemas.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * A real WebSocket client (the JDK's {@link java.net.http.WebSocket}) that speaks JSON frames the
 * way a phone would: it sends text, and queues every frame it receives for the test to await.
 * Frames are kept as JSON trees so tests assert the wire form, field names included.
 *
 * <p>Pushed {@code presence} frames (a member went online or offline) come whenever another member
 * connects or leaves; a client opened with {@link #connect} or {@link #connectWithBearer} drops them,
 * as a client that shows no presence would, so a test of something else need not skip them. Tests
 * of presence open theirs with {@link #connectSeeingPresence}.
 */
public final class WsTestClient implements AutoCloseable {

  private static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

  private final WebSocket socket;
  private final LinkedBlockingQueue<JsonNode> inbox;
  private final CompletableFuture<Integer> closed;
  private final CompletableFuture<String> closeReason;
  private final AtomicBoolean paused;

  private WsTestClient(WebSocket socket, LinkedBlockingQueue<JsonNode> inbox, CompletableFuture<Integer> closed,
      CompletableFuture<String> closeReason, AtomicBoolean paused) {
    this.socket = socket;
    this.inbox = inbox;
    this.closed = closed;
    this.closeReason = closeReason;
    this.paused = paused;
  }

  /** A pushed presence frame: {@code presence} with a {@code state}. */
  private static final Predicate<JsonNode> PRESENCE_PUSH =
      frame -> "presence".equals(frame.path("type").asText()) && frame.has("state");

  /**
   * Opens a connection with the given HTTP headers, dropping pushed presence frames; fails with
   * {@link HandshakeRefused} on a non-101 answer.
   */
  public static WsTestClient connect(URI uri, Map<String, String> headers) {
    return connect(uri, headers, PRESENCE_PUSH.negate());
  }

  /** Opens a connection authenticated with {@code Authorization: Bearer <token>} that keeps every frame, presence pushes too. */
  public static WsTestClient connectSeeingPresence(URI uri, String token) {
    return connect(uri, Map.of("Authorization", "Bearer " + token), frame -> true);
  }

  private static WsTestClient connect(URI uri, Map<String, String> headers, Predicate<JsonNode> kept) {
    LinkedBlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    CompletableFuture<String> closeReason = new CompletableFuture<>();
    AtomicBoolean paused = new AtomicBoolean();
    WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(DEFAULT_WAIT);
    headers.forEach(builder::header);
    try {
      WebSocket socket = builder.buildAsync(uri, new Collector(inbox, kept, closed, closeReason, paused)).join();
      return new WsTestClient(socket, inbox, closed, closeReason, paused);
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        throw new HandshakeRefused(refused.getResponse().statusCode());
      }
      throw e;
    }
  }

  /** Opens a connection authenticated with {@code Authorization: Bearer <token>}. */
  public static WsTestClient connectWithBearer(URI uri, String token) {
    return connect(uri, Map.of("Authorization", "Bearer " + token));
  }

  /** Sends one text frame. */
  public void send(String json) {
    socket.sendText(json, true).join();
  }

  /** The next frame, waiting up to the default time; fails the test when none comes. */
  public JsonNode next() {
    return next(DEFAULT_WAIT);
  }

  /** The next frame, waiting up to {@code wait}; fails the test when none comes. */
  public JsonNode next(Duration wait) {
    try {
      JsonNode frame = inbox.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      if (frame == null) {
        throw new AssertionError("no frame within " + wait);
      }
      return frame;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Skips frames until one matches; fails with the frames it skipped when none does in time. */
  public JsonNode await(Predicate<JsonNode> wanted) {
    return await(wanted, DEFAULT_WAIT);
  }

  /** Skips frames until one matches within {@code wait}. */
  public JsonNode await(Predicate<JsonNode> wanted, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    List<JsonNode> skipped = new ArrayList<>();
    while (true) {
      long left = deadline - System.nanoTime();
      JsonNode frame;
      try {
        frame = left <= 0 ? null : inbox.poll(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
      if (frame == null) {
        throw new AssertionError("no matching frame within " + wait + "; received instead: " + skipped);
      }
      if (wanted.test(frame)) {
        return frame;
      }
      skipped.add(frame);
    }
  }

  /** Waits for a frame of the given {@code type}. */
  public JsonNode awaitType(String type) {
    return await(f -> type.equals(f.path("type").asText()));
  }

  /** The next frame if one arrives within {@code wait}. */
  public Optional<JsonNode> poll(Duration wait) {
    try {
      return Optional.ofNullable(inbox.poll(Math.max(0, wait.toNanos()), TimeUnit.NANOSECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * Sends {@code frame} (which has an {@code id}) until it is answered {@code wanted}, as a client
   * does: an {@code error} reply (kept in {@code refusals}, for the failure message) is sent again
   * once its {@code retryAfterMs} has passed, or after 50 ms when it carries none. Fails when no
   * such answer comes within {@code atMost}.
   */
  public JsonNode untilAnswered(String frame, String wanted, List<String> refusals, Duration atMost) {
    String id = Json.parse(frame).path("id").asText();
    java.util.concurrent.atomic.AtomicReference<JsonNode> answer = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicLong retryAfterMs = new java.util.concurrent.atomic.AtomicLong(0);
    org.awaitility.Awaitility.await()
        .atMost(atMost)
        .pollDelay(Duration.ZERO)
        .pollInterval((polls, previous) -> Duration.ofMillis(retryAfterMs.get()))
        .alias(id + " answered " + wanted + "; refusals " + refusals)
        .until(() -> {
          send(frame);
          JsonNode reply = await(f -> id.equals(f.path("id").asText())
              && (wanted.equals(f.path("type").asText()) || "error".equals(f.path("type").asText())), Duration.ofSeconds(30));
          if (!wanted.equals(reply.path("type").asText())) {
            refusals.add(reply.toString());
            retryAfterMs.set(Math.max(50, reply.path("retryAfterMs").asLong(50)));
            return false;
          }
          answer.set(reply);
          return true;
        });
    return answer.get();
  }

  /** Whether no frame arrives within {@code wait}. */
  public boolean quietFor(Duration wait) {
    try {
      JsonNode frame = inbox.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      return frame == null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The close code the server sent, once it closes the connection. */
  public CompletableFuture<Integer> closeCode() {
    return closed;
  }

  /** The reason of the server's close frame, once it closed the connection. */
  public CompletableFuture<String> closeReason() {
    return closeReason;
  }

  /** Stops reading: the server's writes pile up in the network, as with a phone that stalls. */
  public void stopReading() {
    paused.set(true);
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
    }
    socket.abort();
  }

  /** The server answered the upgrade with this HTTP status instead of 101. */
  public static final class HandshakeRefused extends RuntimeException {
    private final int status;

    HandshakeRefused(int status) {
      super("WebSocket upgrade refused with HTTP " + status);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private static final class Collector implements WebSocket.Listener {
    private final LinkedBlockingQueue<JsonNode> inbox;
    private final Predicate<JsonNode> kept;
    private final CompletableFuture<Integer> closed;
    private final CompletableFuture<String> closeReason;
    private final AtomicBoolean paused;
    private final StringBuilder partial = new StringBuilder();

    Collector(LinkedBlockingQueue<JsonNode> inbox, Predicate<JsonNode> kept, CompletableFuture<Integer> closed,
        CompletableFuture<String> closeReason, AtomicBoolean paused) {
      this.inbox = inbox;
      this.kept = kept;
      this.closed = closed;
      this.closeReason = closeReason;
      this.paused = paused;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        JsonNode frame = Json.parse(partial.toString());
        if (kept.test(frame)) {
          inbox.add(frame);
        }
        partial.setLength(0);
      }
      if (!paused.get()) {
        webSocket.request(1);
      }
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closeReason.complete(reason);
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closeReason.completeExceptionally(error);
      closed.completeExceptionally(error);
    }
  }
}
