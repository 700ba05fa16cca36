package io.rallypoint.client.frame;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Raw frames over one {@link WebSocketConnection}, read by pulling: everything the gateway sends is
 * queued as a JSON tree (field names as on the wire) for the caller to take, wait for or skip. For
 * tools, scripts and tests that send exact frames, malformed ones included, and look at exact
 * answers; an app uses {@link io.rallypoint.client.RallypointClient}. No reconnect, no outbox: when
 * the connection ends, it stays ended. Thread-safe; waits block the calling thread.
 */
public final class FrameClient implements AutoCloseable {

  /** How long {@link #next()}, {@link #await(Predicate)} and {@link #awaitType} wait. */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

  /** The least pause before an {@link #untilAnswered} resend (for an error without {@code retryAfterMs}). */
  private static final long MIN_RESEND_PAUSE_MS = 50;

  private final WebSocketConnection connection;
  private final LinkedBlockingQueue<JsonNode> inbox;

  private FrameClient(WebSocketConnection connection, LinkedBlockingQueue<JsonNode> inbox) {
    this.connection = connection;
    this.inbox = inbox;
  }

  /** Opens a connection that keeps every frame; throws {@link HandshakeRefusedException} on a non-101 answer. */
  public static FrameClient connect(Endpoint endpoint) {
    return connectSkipping(endpoint, frame -> false);
  }

  /**
   * Opens a connection that drops the frames {@code skipped} matches as they arrive (e.g.
   * {@link ServerFrames#isPresencePush}, for a client that shows no presence); throws
   * {@link HandshakeRefusedException} on a non-101 answer.
   */
  public static FrameClient connectSkipping(Endpoint endpoint, Predicate<JsonNode> skipped) {
    Objects.requireNonNull(skipped, "skipped");
    LinkedBlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    FrameListener queueing = new FrameListener() {
      @Override
      public void onText(String text) {
        JsonNode frame = parsed(text);
        if (!skipped.test(frame)) {
          inbox.add(frame);
        }
      }

      @Override
      public void onClosed(CloseStatus status) {
        // closed() reports it
      }
    };
    try {
      return new FrameClient(WebSocketConnection.open(endpoint, queueing).join(), inbox);
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** A frame as a tree; a text that is not JSON (never from a gateway) as a string node, so it is seen. */
  private static JsonNode parsed(String text) {
    try {
      return FrameJson.parse(text);
    } catch (IllegalArgumentException e) {
      return TextNode.valueOf(text);
    }
  }

  /** Sends one text message, exactly as given; returns once it is written. */
  public void send(String json) {
    connection.send(json).join();
  }

  /** Sends one frame in its wire form; returns once it is written. */
  public void send(ClientFrame frame) {
    send(FrameWriter.toJson(frame));
  }

  /** The next frame, waiting up to {@link #DEFAULT_WAIT}. */
  public JsonNode next() {
    return next(DEFAULT_WAIT);
  }

  /** The next frame, waiting up to {@code wait}; throws {@link FrameTimeoutException} when none comes. */
  public JsonNode next(Duration wait) {
    JsonNode frame = take(wait.toNanos());
    if (frame == null) {
      throw new FrameTimeoutException("no frame within " + wait);
    }
    return frame;
  }

  /** Skips frames until one matches, waiting up to {@link #DEFAULT_WAIT}. */
  public JsonNode await(Predicate<JsonNode> wanted) {
    return await(wanted, DEFAULT_WAIT);
  }

  /**
   * Skips frames until one matches within {@code wait}; throws {@link FrameTimeoutException},
   * naming the frames it skipped, when none does.
   */
  public JsonNode await(Predicate<JsonNode> wanted, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    List<JsonNode> skipped = new ArrayList<>();
    while (true) {
      long left = deadline - System.nanoTime();
      JsonNode frame = left <= 0 ? inbox.poll() : take(left);
      if (frame == null) {
        throw new FrameTimeoutException("no matching frame within " + wait + "; received instead: " + skipped);
      }
      if (wanted.test(frame)) {
        return frame;
      }
      skipped.add(frame);
    }
  }

  /** Skips frames until one of {@code type} comes, waiting up to {@link #DEFAULT_WAIT}. */
  public JsonNode awaitType(String type) {
    return await(f -> ServerFrames.isType(f, type));
  }

  /** The next frame if one arrives within {@code wait}. */
  public Optional<JsonNode> poll(Duration wait) {
    return Optional.ofNullable(take(Math.max(0, wait.toNanos())));
  }

  /** Whether no frame arrives within {@code wait} (a frame that does is taken). */
  public boolean quietFor(Duration wait) {
    return take(wait.toNanos()) == null;
  }

  /**
   * Sends {@code frame} (which has an {@code id}) until it is answered with a frame of type
   * {@code wanted}: an {@code error} reply to it is kept in {@code refusals} and the frame sent
   * again once the reply's {@code retryAfterMs} has passed (50 ms when it has none), as PROTOCOL
   * section 1.5 asks of a client. Throws {@link FrameTimeoutException} when no such answer comes
   * within {@code atMost}.
   */
  public JsonNode untilAnswered(String frame, String wanted, List<String> refusals, Duration atMost) {
    String id = ServerFrames.id(FrameJson.parse(frame));
    Objects.requireNonNull(id, "the frame needs an id to match its answer");
    long deadline = System.nanoTime() + atMost.toNanos();
    while (true) {
      send(frame);
      long left = deadline - System.nanoTime();
      JsonNode reply;
      try {
        reply = await(f -> id.equals(ServerFrames.id(f))
            && (ServerFrames.isType(f, wanted) || ServerFrames.isType(f, "error")), Duration.ofNanos(Math.max(0, left)));
      } catch (FrameTimeoutException e) {
        throw new FrameTimeoutException(id + " not answered " + wanted + " within " + atMost + "; refusals " + refusals);
      }
      if (ServerFrames.isType(reply, wanted)) {
        return reply;
      }
      refusals.add(reply.toString());
      long pauseNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(MIN_RESEND_PAUSE_MS, reply.path("retryAfterMs").asLong(0)));
      if (System.nanoTime() + pauseNanos - deadline > 0) {
        throw new FrameTimeoutException(id + " not answered " + wanted + " within " + atMost + "; refusals " + refusals);
      }
      pause(pauseNanos); // its turn (PROTOCOL 1.5): sending earlier would only be refused again
    }
  }

  /** The close code, once the connection ended ({@link CloseStatus#ABNORMAL} when it was cut). */
  public CompletableFuture<Integer> closeCode() {
    return connection.closed().thenApply(CloseStatus::code);
  }

  /** The close reason, once the connection ended. */
  public CompletableFuture<String> closeReason() {
    return connection.closed().thenApply(CloseStatus::reason);
  }

  /** How the connection ended, once it did. */
  public CompletableFuture<CloseStatus> closed() {
    return connection.closed();
  }

  /** Stops reading: the gateway's writes pile up in the network, as with a phone that stalls. */
  public void stopReading() {
    connection.pauseReading();
  }

  /** Reads again after {@link #stopReading}. */
  public void resumeReading() {
    connection.resumeReading();
  }

  /** Closes with 1000 {@code bye}. */
  @Override
  public void close() {
    connection.close(CloseStatus.NORMAL, "bye");
  }

  private JsonNode take(long nanos) {
    try {
      return inbox.poll(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FrameTimeoutException("interrupted while waiting for a frame");
    }
  }

  private static void pause(long nanos) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FrameTimeoutException("interrupted while waiting to send again");
    }
  }
}
