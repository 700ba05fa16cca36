package io.rallypoint.client.frame;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link FrameConnection} on the JDK's {@link java.net.http.WebSocket}: text messages out one at
 * a time in call order (the JDK allows one outstanding send), text messages in joined from their
 * fragments and handed to the listener. Reading can be paused, which leaves the gateway's writes
 * in the network as a phone that stalls does.
 */
public final class WebSocketConnection implements FrameConnection {

  /** How long {@link #close} waits for the gateway's close frame before dropping the connection. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

  /** One client for every connection that is not given its own: one selector thread, not one each. */
  private static final class Shared {
    static final HttpClient CLIENT = HttpClient.newHttpClient();
  }

  private final WebSocket socket;
  private final Reader reader;
  private final Object sendLock = new Object();
  private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);

  private WebSocketConnection(WebSocket socket, Reader reader) {
    this.socket = socket;
    this.reader = reader;
  }

  /** The connector of this implementation, on a shared {@link HttpClient}. */
  public static FrameConnector connector() {
    return WebSocketConnection::open;
  }

  /** The connector of this implementation, on {@code http} (its executor, proxy, TLS context). */
  public static FrameConnector connector(HttpClient http) {
    return (endpoint, listener) -> open(http, endpoint, listener);
  }

  /** Opens a connection on the shared {@link HttpClient}. */
  public static CompletableFuture<WebSocketConnection> open(Endpoint endpoint, FrameListener listener) {
    return open(Shared.CLIENT, endpoint, listener);
  }

  /**
   * Opens a connection to {@code endpoint}; fails with {@link HandshakeRefusedException} when the
   * upgrade is answered with another status than 101.
   */
  public static CompletableFuture<WebSocketConnection> open(HttpClient http, Endpoint endpoint, FrameListener listener) {
    Objects.requireNonNull(listener, "listener");
    Reader reader = new Reader(listener);
    WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(endpoint.connectTimeout());
    endpoint.headers().forEach(builder::header);
    return builder.buildAsync(endpoint.uri(), reader)
        .handle((socket, failure) -> {
          if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof WebSocketHandshakeException refused) {
              throw new HandshakeRefusedException(refused.getResponse().statusCode());
            }
            throw failure instanceof CompletionException c ? c : new CompletionException(cause);
          }
          return new WebSocketConnection(socket, reader);
        });
  }

  @Override
  public CompletableFuture<Void> send(String text) {
    Objects.requireNonNull(text, "text");
    synchronized (sendLock) {
      // after the previous send whatever became of it: one failed write must not block the next
      CompletableFuture<Void> sent = lastSend.handle((r, e) -> null)
          .thenCompose(v -> socket.sendText(text, true))
          .thenApply(ws -> null);
      lastSend = sent;
      return sent;
    }
  }

  @Override
  public void close(int code, String reason) {
    CompletableFuture<?> afterSends;
    synchronized (sendLock) {
      afterSends = lastSend;
    }
    afterSends.handle((r, e) -> null)
        .thenCompose(v -> socket.isOutputClosed() ? CompletableFuture.completedFuture(socket) : socket.sendClose(code, reason))
        .handle((ws, e) -> null)
        .thenCompose(v -> reader.closed.copy().completeOnTimeout(null, CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .whenComplete((status, e) -> abort());
  }

  @Override
  public void abort() {
    socket.abort();
    reader.ended(new CloseStatus(CloseStatus.ABNORMAL, "aborted by the client"));
  }

  @Override
  public CompletableFuture<CloseStatus> closed() {
    return reader.closed.copy();
  }

  /** Stops reading: frames the gateway writes stay in the network until {@link #resumeReading}. */
  public void pauseReading() {
    reader.paused.set(true);
  }

  /** Reads again after {@link #pauseReading}. */
  public void resumeReading() {
    reader.resume();
  }

  /** The JDK listener: joins fragments, asks for one message at a time unless paused, reports the end once. */
  private static final class Reader implements WebSocket.Listener {
    private final FrameListener listener;
    private final StringBuilder partial = new StringBuilder();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final AtomicBoolean withheld = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    private volatile WebSocket socket;

    Reader(FrameListener listener) {
      this.listener = listener;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      socket = webSocket;
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        listener.onText(text);
      }
      askForMore(webSocket);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      askForMore(webSocket); // the gateway sends text only (PROTOCOL 1.2)
      return null;
    }

    private void askForMore(WebSocket webSocket) {
      if (paused.get()) {
        withheld.set(true);
      } else {
        webSocket.request(1);
      }
    }

    void resume() {
      paused.set(false);
      WebSocket webSocket = socket;
      if (webSocket != null && withheld.compareAndSet(true, false)) {
        webSocket.request(1);
      }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      ended(new CloseStatus(statusCode, reason)); // the JDK answers the close frame with the same code
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      ended(CloseStatus.cut(error));
    }

    void ended(CloseStatus status) {
      if (ended.compareAndSet(false, true)) {
        closed.complete(status);
        listener.onClosed(status);
      }
    }
  }
}
