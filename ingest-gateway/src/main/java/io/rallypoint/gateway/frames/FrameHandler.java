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
import io.rallypoint.schemas.frame.ClientFrame;
import io.rallypoint.schemas.frame.ErrorCode;
import io.rallypoint.schemas.json.BadFrameException;
import io.rallypoint.schemas.json.FrameCodec;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket side of a connection: control frames, then each text frame decoded and checked
 * (a bad one is answered with its error code, the connection stays open), rate-limited, and
 * handed to its step (the {@link FrameRouter}) in arrival order. Frames over the size limit
 * close with 1009; a client that keeps hammering the rate limit is closed with 1008.
 */
@Sharable
public final class FrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

  private static final Logger LOG = LoggerFactory.getLogger(FrameHandler.class);

  private final FrameStep<ClientFrame> steps;
  private final int abuseCloseAfter;

  public FrameHandler(FrameStep<ClientFrame> steps, int abuseCloseAfter) {
    this.steps = steps;
    this.abuseCloseAfter = abuseCloseAfter;
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
   * The answer to a client's close frame: its own code (1000 when it gave none); 1002 for a code
   * RFC 6455 does not allow, which the decoder lets through from 5000 up (it reads 65535 as -1, "no
   * code"); 1007 for a reason that is not UTF-8, which the decoder misses when a character is cut at
   * its end.
   */
  private static CloseWebSocketFrame answer(CloseWebSocketFrame close) {
    int code = close.statusCode();
    if (code < 0) {
      return new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE.code(), "bye");
    }
    boolean defined = code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
    if (!defined) {
      return new CloseWebSocketFrame(WebSocketCloseStatus.PROTOCOL_ERROR);
    }
    ByteBuf body = close.content();
    if (!ByteBufUtil.isText(body, body.readerIndex() + 2, body.readableBytes() - 2, StandardCharsets.UTF_8)) {
      return new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_PAYLOAD_DATA);
    }
    return new CloseWebSocketFrame(code, "bye");
  }

  private void onText(Connection connection, String text) {
    boolean admitted = connection.admit();
    ClientFrame frame;
    try {
      frame = FrameCodec.decodeClient(text);
    } catch (BadFrameException e) {
      if (admitted) {
        connection.reply(e.toErrorFrame());
      } else {
        refuse(connection, e.requestId());
      }
      return;
    }
    if (!admitted) {
      refuse(connection, frame.id());
      return;
    }
    connection.serially(() -> steps.handle(connection, frame));
  }

  private void refuse(Connection connection, String requestId) {
    if (connection.rejectedInARow() >= abuseCloseAfter) {
      LOG.warn("closing {}: {} frames over the rate limit in a row", connection, connection.rejectedInARow());
      connection.close(WebSocketCloseStatus.POLICY_VIOLATION);
    } else {
      connection.error(requestId, ErrorCode.RATE_LIMITED, "too many frames; slow down and retry");
    }
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
