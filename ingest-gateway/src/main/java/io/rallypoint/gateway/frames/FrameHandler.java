package io.rallypoint.gateway.frames;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
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
import io.rallypoint.schemas.frame.PresenceRequestFrame;
import io.rallypoint.schemas.frame.ReadFrame;
import io.rallypoint.schemas.frame.SendFrame;
import io.rallypoint.schemas.frame.SessionFrame;
import io.rallypoint.schemas.frame.SyncFrame;
import io.rallypoint.schemas.frame.TypingFrame;
import io.rallypoint.schemas.json.BadFrameException;
import io.rallypoint.schemas.json.FrameCodec;
import java.nio.charset.StandardCharsets;
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
      case CloseWebSocketFrame close -> ctx.writeAndFlush(answer(close)).addListener(ChannelFutureListener.CLOSE);
      default -> connection.error(null, ErrorCode.BAD_REQUEST, "frames must be text (UTF-8 JSON)");
    }
  }

  /**
   * The answer to a client's close frame (the decoder leaves its checks to this): its own code, 1000
   * when it gave none; 1002 for a body too short to hold a code or a code RFC 6455 does not allow
   * an endpoint to send; 1007 for a reason that is not UTF-8.
   */
  private static CloseWebSocketFrame answer(CloseWebSocketFrame close) {
    ByteBuf body = close.content();
    if (!body.isReadable()) {
      return new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE.code(), "bye");
    }
    if (body.readableBytes() < 2) {
      return new CloseWebSocketFrame(WebSocketCloseStatus.PROTOCOL_ERROR);
    }
    int code = body.getUnsignedShort(body.readerIndex());
    boolean defined = code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
    if (!defined) {
      return new CloseWebSocketFrame(WebSocketCloseStatus.PROTOCOL_ERROR);
    }
    if (!ByteBufUtil.isText(body, body.readerIndex() + 2, body.readableBytes() - 2, StandardCharsets.UTF_8)) {
      return new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_PAYLOAD_DATA);
    }
    return new CloseWebSocketFrame(code, "bye");
  }

  private void onText(Connection connection, String text) {
    ClientFrame frame;
    try {
      frame = FrameCodec.decodeClient(text);
    } catch (BadFrameException e) {
      if (admitted(connection, connection.admit(undecodableKey(text)), e.requestId())) {
        connection.reply(e.toErrorFrame());
      }
      return;
    }
    // typing has a limit of its own: it never takes a token a send could use
    Pacer.Verdict verdict = frame instanceof TypingFrame
        ? connection.admitTyping(turnKey(frame)) : connection.admit(turnKey(frame));
    if (admitted(connection, verdict, frame.id())) {
      connection.serially(() -> steps.handle(connection, frame));
    }
  }

  /** Applies the rate limit's verdict; a refused frame is answered here (or the connection closed). */
  private static boolean admitted(Connection connection, Pacer.Verdict verdict, String requestId) {
    return switch (verdict) {
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
      case TypingFrame f -> new TypingFrame(null, f.conversation(), f.state());
      case PresenceRequestFrame f -> new PresenceRequestFrame(null, f.conversation());
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
      // the decoder (or the UTF-8 validator) has written the close frame that says why (1002, 1007, 1009);
      // closing at once could drop it before it is on the wire, so close once what was written is
      closeAfterWrites(ctx);
    } else {
      LOG.debug("closing {} after an error", connection, cause);
      closeAfterWrites(ctx);
    }
  }

  private static void closeAfterWrites(ChannelHandlerContext ctx) {
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }
}
