package io.rallypoint.gateway.frames;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.rallypoint.gateway.connection.Connection;
import io.rallypoint.gateway.protect.Pacer;
import io.rallypoint.schemas.frame.ClientFrame;
import io.rallypoint.schemas.frame.ErrorCode;
import io.rallypoint.schemas.frame.LocationFrame;
import io.rallypoint.schemas.frame.MeetingPointRequestFrame;
import io.rallypoint.schemas.frame.PingFrame;
import io.rallypoint.schemas.frame.ReadFrame;
import io.rallypoint.schemas.frame.SendFrame;
import io.rallypoint.schemas.frame.SessionFrame;
import io.rallypoint.schemas.frame.SyncFrame;
import io.rallypoint.schemas.json.BadFrameException;
import io.rallypoint.schemas.json.FrameCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket side of a connection: control frames, then each text frame decoded and checked
 * (a bad one is answered with its error code, the connection stays open), rate-limited, and
 * handed to its step (the {@link FrameRouter}) in arrival order. A frame over the rate limit is
 * answered {@code rate_limited} with its {@code retryAfterMs} (see {@link Pacer}); frames over the
 * size limit close with 1009; a connection that has had nothing admitted for the whole abuse
 * window while it kept sending is closed with 1008.
 */
@Sharable
public final class FrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

  private static final Logger LOG = LoggerFactory.getLogger(FrameHandler.class);

  private final FrameStep<ClientFrame> steps;

  public FrameHandler(FrameStep<ClientFrame> steps) {
    this.steps = steps;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    Connection connection = ctx.channel().attr(Connection.KEY).get();
    switch (frame) {
      case TextWebSocketFrame text -> onText(connection, text.text());
      case PingWebSocketFrame ping -> ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
      case PongWebSocketFrame ignored -> { }
      case CloseWebSocketFrame close -> ctx.writeAndFlush(new CloseWebSocketFrame(
              close.statusCode() < 0 ? WebSocketCloseStatus.NORMAL_CLOSURE.code() : close.statusCode(), "bye"))
          .addListener(ChannelFutureListener.CLOSE);
      default -> connection.error(null, ErrorCode.BAD_REQUEST, "frames must be text (UTF-8 JSON)");
    }
  }

  private void onText(Connection connection, String text) {
    ClientFrame frame;
    try {
      frame = FrameCodec.decodeClient(text);
    } catch (BadFrameException e) {
      if (admitted(connection, undecodableKey(text), e.requestId())) {
        connection.reply(e.toErrorFrame());
      }
      return;
    }
    if (admitted(connection, turnKey(frame), frame.id())) {
      connection.serially(() -> steps.handle(connection, frame));
    }
  }

  /** Applies the rate limit; a refused frame is answered here (or the connection closed). */
  private static boolean admitted(Connection connection, Object key, String requestId) {
    return switch (connection.admit(key)) {
      case Pacer.Admitted ignored -> true;
      case Pacer.Refused refused -> {
        connection.error(requestId, ErrorCode.RATE_LIMITED, "too many frames; send this one again after retryAfterMs",
            refused.retryAfterMs());
        yield false;
      }
      case Pacer.Abusive abusive -> {
        LOG.warn("closing {}: nothing admitted for {} ms while it sent {} frames over the rate limit", connection,
            abusive.refusedFor().toMillis(), abusive.refusals());
        connection.close(WebSocketCloseStatus.POLICY_VIOLATION);
        yield false;
      }
    };
  }

  /**
   * Which frame this is, for the rate limit: the same frame sent again finds the turn it was given
   * when refused. A {@code send} is its {@code clientMsgId} (a resend may carry another {@code id});
   * any other frame is its content without the {@code id}; an undecodable one its text
   * ({@link #undecodableKey}).
   */
  static Object turnKey(ClientFrame frame) {
    return switch (frame) {
      case SendFrame f -> "send " + f.clientMsgId();
      case ReadFrame f -> new ReadFrame(null, f.conversation(), f.seq());
      case SyncFrame f -> new SyncFrame(null, f.conversation(), f.afterSeq(), f.lastSyncedAt(), f.limit());
      case LocationFrame f -> new LocationFrame(null, f.conversation(), f.session(), f.lat(), f.lng(), f.at());
      case SessionFrame f -> new SessionFrame(null, f.session(), f.state(), f.at());
      case MeetingPointRequestFrame f -> new MeetingPointRequestFrame(null, f.conversation());
      case PingFrame f -> new PingFrame(null);
    };
  }

  /**
   * An undecodable frame's key: its length and hash rather than its text, which may be as long as
   * the frame limit and would be kept with the frame's turn. Two texts that collide only share turns.
   */
  static Object undecodableKey(String text) {
    return "undecodable " + text.length() + " " + text.hashCode();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Connection connection = ctx.channel().attr(Connection.KEY).get();
    if (cause instanceof TooLongFrameException && connection != null) {
      connection.close(WebSocketCloseStatus.MESSAGE_TOO_BIG);
    } else if (cause instanceof CorruptedWebSocketFrameException) {
      ctx.close(); // the decoder has already sent the close frame (1009 for an oversized frame)
    } else {
      LOG.debug("closing {} after an error", connection, cause);
      ctx.close();
    }
  }
}
