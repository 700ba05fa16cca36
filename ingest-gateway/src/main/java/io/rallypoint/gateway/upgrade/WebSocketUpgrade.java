package io.rallypoint.gateway.upgrade;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.rallypoint.gateway.auth.BearerToken;
import io.rallypoint.gateway.auth.TokenVerifier;
import io.rallypoint.gateway.connection.Connection;
import io.rallypoint.gateway.connection.ConnectionListener;
import io.rallypoint.gateway.fanout.LocalConnections;
import io.rallypoint.gateway.frames.FrameHandler;
import io.rallypoint.gateway.http.HttpResponses;
import io.rallypoint.gateway.membership.Membership;
import io.rallypoint.gateway.metrics.GatewayMetrics;
import io.rallypoint.gateway.protect.RateLimiter;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upgrade at {@code /ws}: checks the token (401 before any WebSocket exists, with the reason
 * as its body), registers the connection for the user's conversations and waits until this node is
 * subscribed to them, then completes the handshake and swaps the HTTP handlers for the frame
 * handlers. A client that sees its socket open therefore already receives every message of its
 * conversations. The connection is closed with 4001 once its token's {@code exp} passes.
 */
@Sharable
public final class WebSocketUpgrade extends SimpleChannelInboundHandler<FullHttpRequest> {

  /** Pipeline stage names. */
  public static final String WS_UTF8 = "ws-utf8";
  public static final String WS_AGGREGATOR = "ws-aggregator";
  public static final String WS_FRAMES = "ws-frames";

  private static final Logger LOG = LoggerFactory.getLogger(WebSocketUpgrade.class);

  private final TokenVerifier tokens;
  private final Membership membership;
  private final LocalConnections local;
  private final RateLimiter rateLimiter;
  private final RateLimiter typingLimiter;
  private final ConnectionListener listener;
  private final GatewayMetrics metrics;
  private final FrameHandler frames;
  private final int maxFrameBytes;
  private final String[] httpStages;

  /**
   * @param rateLimiter   the frame limit
   * @param typingLimiter the typing limit, apart from it (PROTOCOL 1.6)
   * @param listener      told of each connection that opens and closes
   */
  public WebSocketUpgrade(TokenVerifier tokens, Membership membership, LocalConnections local, RateLimiter rateLimiter,
      RateLimiter typingLimiter, ConnectionListener listener, GatewayMetrics metrics, FrameHandler frames,
      int maxFrameBytes, String... httpStages) {
    super(false); // the request outlives this call while the user's conversations load
    this.tokens = tokens;
    this.membership = membership;
    this.local = local;
    this.rateLimiter = rateLimiter;
    this.typingLimiter = typingLimiter;
    this.listener = listener;
    this.metrics = metrics;
    this.frames = frames;
    this.maxFrameBytes = maxFrameBytes;
    this.httpStages = httpStages.clone();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    TokenVerifier.Result verified = tokens.verify(BearerToken.of(request).orElse(null));
    if (!(verified instanceof TokenVerifier.Valid token)) {
      request.release();
      HttpResponses.refuse(ctx, HttpResponseStatus.UNAUTHORIZED, ((TokenVerifier.Refused) verified).reason()
          + "; a valid token is required (Authorization: Bearer or ?token=)");
      return;
    }
    if (!request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
      request.release();
      HttpResponses.refuse(ctx, HttpResponseStatus.BAD_REQUEST, "expected a WebSocket upgrade");
      return;
    }
    Channel channel = ctx.channel();
    Connection connection = new Connection(channel, token.user(), rateLimiter.acquire(token.user()),
        typingLimiter.acquire(token.user()), metrics);
    channel.attr(Connection.KEY).set(connection);
    local.opened(connection);
    AtomicBoolean told = new AtomicBoolean();
    channel.closeFuture().addListener(f -> {
      if (told.get()) {
        listener.closed(connection); // before it leaves its conversations: listeners read them
      }
      local.leave(connection);
      local.closed(connection);
      rateLimiter.release(connection.user(), connection.pacer());
      typingLimiter.release(connection.user(), connection.typingPacer());
    });
    channel.config().setAutoRead(false); // nothing more to read until the handshake is answered
    membership.conversationsOf(token.user())
        .thenCompose(conversations -> local.join(connection, conversations))
        .whenComplete((ignored, error) -> ctx.executor().execute(() -> {
          try {
            if (error != null) {
              LOG.warn("refusing {}: cannot load its conversations: {}", connection, error.toString());
              HttpResponses.refuse(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable: try again shortly");
            } else if (channel.isActive()) {
              handshake(ctx, request, connection, token, told);
            }
          } finally {
            request.release();
            channel.config().setAutoRead(true);
          }
        }));
  }

  private void handshake(ChannelHandlerContext ctx, FullHttpRequest request, Connection connection,
      TokenVerifier.Valid token, AtomicBoolean told) {
    WebSocketDecoderConfig decoder = WebSocketDecoderConfig.newBuilder()
        .maxFramePayloadLength(maxFrameBytes)
        .allowExtensions(false)
        .closeOnProtocolViolation(true)
        .build();
    String location = "ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + request.uri();
    WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(location, null, decoder)
        .newHandshaker(request);
    if (handshaker == null) {
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
      return;
    }
    if (handshaker.version() == WebSocketVersion.V13) {
      handshaker = new CloseAnsweringHandshaker(location, decoder);
    }
    ChannelPipeline pipeline = ctx.pipeline();
    // the decoder checks UTF-8 only in close frames; a text message that is not UTF-8 closes with 1007
    pipeline.addLast(WS_UTF8, new Utf8FrameValidator(true));
    pipeline.addLast(WS_AGGREGATOR, new WebSocketFrameAggregator(maxFrameBytes));
    pipeline.addLast(WS_FRAMES, frames);
    for (String stage : httpStages) {
      pipeline.remove(stage);
    }
    handshaker.handshake(ctx.channel(), request).addListener(f -> {
      if (f.isSuccess()) {
        connection.markOpen();
        connection.closeWhenTokenExpires(tokens.remaining(token)); // timed from here: loading may have taken a while
        // on the event loop, as the close listener: a connection that closed already is never told opened
        if (ctx.channel().isActive()) {
          told.set(true);
          listener.opened(connection);
        }
      } else {
        LOG.debug("handshake with {} failed", connection, f.cause());
        ctx.channel().close();
      }
    });
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.warn("closing {} after an error on the HTTP side: {}", ctx.channel(), cause.toString());
    ctx.close();
  }
}
