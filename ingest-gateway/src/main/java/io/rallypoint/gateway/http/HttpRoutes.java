package io.rallypoint.gateway.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Plain HTTP on the gateway port: {@code /health/live}, {@code /health/ready} (200 only when Kafka,
 * Redis and PostgreSQL answer) and {@code /metrics} (Prometheus text). {@value #WEBSOCKET_PATH}
 * requests pass on to the upgrade; anything else is 404.
 */
@Sharable
public final class HttpRoutes extends SimpleChannelInboundHandler<FullHttpRequest> {

  public static final String WEBSOCKET_PATH = "/ws";
  private static final String JSON = "application/json";

  private final Readiness readiness;
  private final PrometheusMeterRegistry registry;

  public HttpRoutes(Readiness readiness, PrometheusMeterRegistry registry) {
    super(false); // /ws requests are passed on, not released here
    this.readiness = readiness;
    this.registry = registry;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    String path = new QueryStringDecoder(request.uri()).path();
    if (WEBSOCKET_PATH.equals(path)) {
      ctx.fireChannelRead(request);
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    request.release();
    switch (path) {
      case "/health/live" -> HttpResponses.send(ctx, keepAlive, HttpResponseStatus.OK, JSON, "{\"status\":\"up\"}");
      case "/health/ready" -> readiness.check().thenAccept(checks -> {
        boolean ready = checks.values().stream().allMatch(Boolean::booleanValue);
        HttpResponses.send(ctx, keepAlive, ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
            JSON, readyJson(ready, checks));
      });
      case "/metrics" -> HttpResponses.send(ctx, keepAlive, HttpResponseStatus.OK,
          "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
      default -> HttpResponses.send(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8",
          "not found: " + path + "\n");
    }
  }

  static String readyJson(boolean ready, Map<String, Boolean> checks) {
    return "{\"status\":\"" + (ready ? "up" : "down") + "\",\"checks\":{"
        + checks.entrySet().stream()
            .map(e -> "\"" + e.getKey() + "\":\"" + (e.getValue() ? "up" : "down") + "\"")
            .collect(Collectors.joining(","))
        + "}}";
  }
}
