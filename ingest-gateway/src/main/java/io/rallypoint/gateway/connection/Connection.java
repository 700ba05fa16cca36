package io.rallypoint.gateway.connection;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.AttributeKey;
import io.rallypoint.gateway.metrics.GatewayMetrics;
import io.rallypoint.gateway.protect.Pacer;
import io.rallypoint.gateway.wire.JsonText;
import io.rallypoint.schemas.frame.ErrorCode;
import io.rallypoint.schemas.frame.ErrorFrame;
import io.rallypoint.schemas.frame.ServerFrame;
import io.rallypoint.schemas.json.FrameCodec;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One authenticated WebSocket of a user: how to write to it, which conversations it is registered
 * for on this node, its pace on the user's rate limit, the order its frames are handled in, and the
 * end of its token's life.
 */
public final class Connection {

  /** Where a channel keeps its connection. */
  public static final AttributeKey<Connection> KEY = AttributeKey.valueOf("rallypoint.connection");

  /** The close status of a connection whose token expired (PROTOCOL 1.7). */
  public static final WebSocketCloseStatus TOKEN_EXPIRED = new WebSocketCloseStatus(4001, "token expired");

  private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
  private static final Duration NEVER = Duration.ofDays(36_500);

  private final Channel channel;
  private final String user;
  private final Pacer pacer;
  private final Pacer typingPacer;
  private final GatewayMetrics metrics;
  private final Set<String> conversations = ConcurrentHashMap.newKeySet();
  private volatile boolean open;
  // only touched on the channel's event loop
  private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

  /**
   * @param pacer       its pace on the user's frame limit
   * @param typingPacer its pace on the user's typing limit, apart from the frame limit (PROTOCOL 1.6)
   */
  public Connection(Channel channel, String user, Pacer pacer, Pacer typingPacer, GatewayMetrics metrics) {
    this.channel = channel;
    this.user = user;
    this.pacer = pacer;
    this.typingPacer = typingPacer;
    this.metrics = metrics;
  }

  public String user() {
    return user;
  }

  public Channel channel() {
    return channel;
  }

  /** Conversations this connection is registered for on this node (maintained by the local index). */
  public Set<String> conversations() {
    return conversations;
  }

  /** The WebSocket handshake is done: frames may be written. */
  public void markOpen() {
    open = true;
  }

  public boolean isOpen() {
    return open && channel.isActive();
  }

  /** Writes a reply; dropped when the socket is gone or its outbound buffer is full (it is being cut). */
  public void reply(ServerFrame frame) {
    if (frame instanceof ErrorFrame error) {
      metrics.error(error.code());
    }
    if (isOpen() && channel.isWritable()) {
      write(new TextWebSocketFrame(JsonText.withUnpairedSurrogatesEscaped(FrameCodec.encode(frame))));
    }
  }

  /** Writes a reply already encoded as frame text (one the schemas' records cannot express, e.g. with an {@code id}). */
  public void replyText(String frameText) {
    if (isOpen() && channel.isWritable()) {
      write(new TextWebSocketFrame(JsonText.withUnpairedSurrogatesEscaped(frameText)));
    }
  }

  /** Replies {@code error}. */
  public void error(String requestId, ErrorCode code, String message) {
    reply(new ErrorFrame(requestId, code, message));
  }

  /** Replies {@code error} with the time after which the client may send the frame again. */
  public void error(String requestId, ErrorCode code, String message, long retryAfterMs) {
    reply(new ErrorFrame(requestId, code, message, retryAfterMs));
  }

  /**
   * As {@link #deliverInLoop}, for a {@code message} frame the gateway accepted at {@code sentAtMillis}
   * (epoch ms): a write records its delivery latency.
   */
  public void deliverMessageInLoop(ByteBuf sharedEncodedFrame, long sentAtMillis) {
    if (isOpen() && channel.isWritable()) {
      channel.writeAndFlush(sharedEncodedFrame.retainedDuplicate(), channel.voidPromise());
      metrics.messageWritten(System.currentTimeMillis() - sentAtMillis);
    }
  }

  /**
   * Writes a frame encoded once for many connections ({@link EncodedTextFrame}); takes its own
   * reference. The caller runs on this connection's event loop, in a task queued behind the earlier
   * writes (see {@link io.rallypoint.gateway.fanout.LocalConnections#deliver}). Dropped when the
   * socket is not writable: a slow reader never makes the heap grow, it gets cut instead.
   */
  public void deliverInLoop(ByteBuf sharedEncodedFrame) {
    if (isOpen() && channel.isWritable()) {
      channel.writeAndFlush(sharedEncodedFrame.retainedDuplicate(), channel.voidPromise());
    }
  }

  /**
   * Writes in the order the frames were produced. From another thread Netty queues the write as a
   * task; on the event loop it would jump ahead of writes already queued by other threads (a reply
   * computed on a virtual thread), so it is queued behind them instead.
   */
  private void write(TextWebSocketFrame frame) {
    if (channel.eventLoop().inEventLoop()) {
      channel.eventLoop().execute(() -> channel.writeAndFlush(frame, channel.voidPromise()));
    } else {
      channel.writeAndFlush(frame, channel.voidPromise());
    }
  }

  /** Closes the WebSocket with a status, after the frames already written (the close frame first when it fits). */
  public void close(WebSocketCloseStatus status) {
    channel.eventLoop().execute(() -> {
      if (isOpen() && channel.isWritable()) {
        channel.writeAndFlush(new CloseWebSocketFrame(status)).addListener(f -> channel.close());
      } else {
        channel.close();
      }
    });
  }

  /** Whether the frame ({@code key}: which one, see {@link Pacer#admit}) may proceed under the rate limit. Event loop only. */
  public Pacer.Verdict admit(Object key) {
    return pacer.admit(key);
  }

  /** Whether a {@code typing} frame may proceed under the user's typing limit (it never takes a frame token). Event loop only. */
  public Pacer.Verdict admitTyping(Object key) {
    return typingPacer.admit(key);
  }

  /** This connection's pace on the user's rate limit (given back when it closes). */
  public Pacer pacer() {
    return pacer;
  }

  /** This connection's pace on the user's typing limit (given back when it closes). */
  public Pacer typingPacer() {
    return typingPacer;
  }

  /**
   * Closes the connection with {@link #TOKEN_EXPIRED} once its token's {@code exp} passes, {@code remaining}
   * from now (at once when it has passed already); nothing happens when it closes before.
   */
  public void closeWhenTokenExpires(Duration remaining) {
    // a token may claim to live for millennia: past a century (beyond toNanos' range soon after) it is as good as never
    long nanos = remaining.compareTo(NEVER) > 0 ? NEVER.toNanos() : Math.max(0, remaining.toNanos());
    ScheduledFuture<?> expiry = channel.eventLoop().schedule(() -> {
      LOG.info("closing {}: its token expired", this);
      close(TOKEN_EXPIRED);
    }, nanos, TimeUnit.NANOSECONDS);
    channel.closeFuture().addListener(f -> expiry.cancel(false));
  }

  /**
   * Runs {@code step} after the previous frame's step completed, so frames of one connection reach
   * Redis in the order they were sent even when a membership lookup waits for PostgreSQL. A step
   * completes once its Redis command is issued, not when it is answered. Event loop only.
   */
  public void serially(Supplier<? extends CompletionStage<Void>> step) {
    tail = tail.thenCompose(ignored -> step.get()).exceptionally(error -> {
      LOG.warn("frame handling failed for user {}", user, error);
      return null;
    });
  }

  @Override
  public String toString() {
    return "Connection[" + user + " " + channel.remoteAddress() + "]";
  }
}
