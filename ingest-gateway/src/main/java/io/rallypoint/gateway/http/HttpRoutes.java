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
 * Redis and PostgreSQL answer), {@code /metrics} (Prometheus text), the demo page ({@code /} and
 * {@code /static/*}, see {@link StaticFiles}) and the location-sharing preference
 * ({@value PreferencesApi#PATH}), the demo users ({@value DemoUsers#PATH}, 404 unless
 * {@code GATEWAY_DEMO_TOKENS} is on), and the admin API under {@value #ADMIN_PREFIX}/ (a
 * {@link Route} of a higher package). {@value #WEBSOCKET_PATH} requests pass on to the upgrade; anything else
 * is 404.
 */
@Sharable
public final class HttpRoutes extends SimpleChannelInboundHandler<FullHttpRequest> {

  public static final String WEBSOCKET_PATH = "/ws";
  public static final String ADMIN_PREFIX = "/admin";
  private static final String JSON = "application/json";

  /** Answers the requests of a group of paths. */
  @FunctionalInterface
  public interface Route {
    /** Answers the request; everything needed is read before this returns (the caller releases it). */
    void serve(ChannelHandlerContext ctx, FullHttpRequest request);
  }

  private final Readiness readiness;
  private final PrometheusMeterRegistry registry;
  private final StaticFiles page;
  private final PreferencesApi preferences;
  private final Route demoUsers;
  private final Route admin;

  /** {@code demoUsers} answers {@value DemoUsers#PATH}: a {@link DemoUsers}, or {@link #NOT_FOUND} when they are off. */
  public HttpRoutes(Readiness readiness, PrometheusMeterRegistry registry, StaticFiles page, PreferencesApi preferences,
      Route demoUsers, Route admin) {
    super(false); // /ws requests are passed on, not released here
    this.readiness = readiness;
    this.registry = registry;
    this.page = page;
    this.preferences = preferences;
    this.demoUsers = demoUsers;
    this.admin = admin;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    String path = new QueryStringDecoder(request.uri()).path();
    if (WEBSOCKET_PATH.equals(path)) {
      ctx.fireChannelRead(request);
      return;
    }
    try {
      route(ctx, request, path);
    } finally {
      request.release();
    }
  }

  private void route(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (StaticFiles.handles(path)) {
      page.serve(ctx, request, path);
      return;
    }
    if (path.equals(ADMIN_PREFIX) || path.startsWith(ADMIN_PREFIX + "/")) {
      admin.serve(ctx, request);
      return;
    }
    switch (path) {
      case "/health/live" -> HttpResponses.send(ctx, keepAlive, HttpResponseStatus.OK, JSON, "{\"status\":\"up\"}");
      case "/health/ready" -> readiness.check().thenAccept(checks -> {
        boolean ready = checks.values().stream().allMatch(Boolean::booleanValue);
        HttpResponses.send(ctx, keepAlive, ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
            JSON, readyJson(ready, checks));
      });
      case "/metrics" -> HttpResponses.send(ctx, keepAlive, HttpResponseStatus.OK,
          "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
      case PreferencesApi.PATH -> preferences.serve(ctx, request);
      case DemoUsers.PATH -> demoUsers.serve(ctx, request);
      default -> notFound(ctx, keepAlive, path);
    }
  }

  /** The route of a path this gateway does not serve. */
  public static final Route NOT_FOUND = (ctx, request) ->
      notFound(ctx, HttpUtil.isKeepAlive(request), new QueryStringDecoder(request.uri()).path());

  static void notFound(ChannelHandlerContext ctx, boolean keepAlive, String path) {
    HttpResponses.send(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8",
        "not found: " + path + "\n");
  }

  static String readyJson(boolean ready, Map<String, Boolean> checks) {
    return "{\"status\":\"" + (ready ? "up" : "down") + "\",\"checks\":{"
        + checks.entrySet().stream()
            .map(e -> "\"" + e.getKey() + "\":\"" + (e.getValue() ? "up" : "down") + "\"")
            .collect(Collectors.joining(","))
        + "}}";
  }
}
