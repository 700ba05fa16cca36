package io.rallypoint.gateway;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.rallypoint.gateway.connection.ConnectionGuard;
import io.rallypoint.gateway.http.HttpRoutes;
import io.rallypoint.gateway.upgrade.WebSocketUpgrade;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Assembles a new connection's pipeline, nothing more: idle timer, guard, HTTP codec, routes, and
 * the WebSocket upgrade (which swaps the HTTP stages for the frame stages).
 */
final class GatewayInitializer extends ChannelInitializer<SocketChannel> {

  static final String IDLE = "idle";
  static final String GUARD = "guard";
  static final String HTTP_CODEC = "http-codec";
  static final String HTTP_AGGREGATOR = "http-aggregator";
  static final String HTTP_ROUTES = "http-routes";
  static final String WS_UPGRADE = "ws-upgrade";
  /** HTTP requests are small (an upgrade, a health check); anything bigger is refused with 413. */
  private static final int MAX_HTTP_REQUEST_BYTES = 16 * 1024;

  private final ChannelGroup channels;
  private final Duration idleTimeout;
  private final ConnectionGuard guard;
  private final HttpRoutes routes;
  private final WebSocketUpgrade upgrade;

  GatewayInitializer(ChannelGroup channels, Duration idleTimeout, ConnectionGuard guard, HttpRoutes routes,
      WebSocketUpgrade upgrade) {
    this.channels = channels;
    this.idleTimeout = idleTimeout;
    this.guard = guard;
    this.routes = routes;
    this.upgrade = upgrade;
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    channels.add(channel);
    channel.pipeline()
        .addLast(IDLE, new IdleStateHandler(idleTimeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS))
        .addLast(GUARD, guard)
        .addLast(HTTP_CODEC, new HttpServerCodec())
        .addLast(HTTP_AGGREGATOR, new HttpObjectAggregator(MAX_HTTP_REQUEST_BYTES))
        .addLast(HTTP_ROUTES, routes)
        .addLast(WS_UPGRADE, upgrade);
  }
}
