package io.rallypoint.gateway.connection;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.timeout.IdleStateEvent;
import io.rallypoint.gateway.metrics.GatewayMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Protects the node from its clients' pace: a connection whose outbound buffer passes the high
 * water mark (a reader that stalled) is cut at once, so its backlog never grows the heap; one that
 * stays silent past the idle timeout is closed.
 */
@Sharable
public final class ConnectionGuard extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
  private static final WebSocketCloseStatus IDLE = new WebSocketCloseStatus(1001, "idle timeout");

  private final GatewayMetrics metrics;

  public ConnectionGuard(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    Connection connection = ctx.channel().attr(Connection.KEY).get();
    if (!ctx.channel().isWritable() && connection != null && ctx.channel().isActive()) {
      LOG.info("cutting slow reader {}: {} bytes waiting", connection,
          ctx.channel().unsafe().outboundBuffer() == null ? -1 : ctx.channel().unsafe().outboundBuffer().totalPendingWriteBytes());
      metrics.slowReaderCut();
      ctx.channel().close();
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof IdleStateEvent) {
      Connection connection = ctx.channel().attr(Connection.KEY).get();
      if (connection != null) {
        connection.close(IDLE);
      } else {
        ctx.close();
      }
      return;
    }
    super.userEventTriggered(ctx, event);
  }
}
