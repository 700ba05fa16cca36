package io.rallypoint.gateway.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.rallypoint.gateway.auth.TokenSigner;
import io.rallypoint.gateway.deps.DependencyDown;
import io.rallypoint.gateway.membership.MemberDao;
import io.rallypoint.schemas.json.Json;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@value #PATH}, for the demo page of a development gateway ({@code GATEWAY_DEMO_TOKENS=true},
 * which {@code rallypoint up} sets; an extension of PROTOCOL, off by default): the members of the
 * demo conversation, each with a fresh token of {@link #TOKEN_TTL}, so the page can offer them to
 * pick from. Anyone who can read the answer can act as those members, so it is answered only to a
 * request from this machine (a loopback peer) that names this machine in its {@code Host} (a page
 * of another site whose name was rebound to 127.0.0.1 names its own host); any other gets the
 * 404 of an unknown path.
 */
public final class DemoUsers {

  public static final String PATH = "/demo/users";
  /** Long enough for a demo session; the page asks again for a fresh one when it expires. */
  public static final Duration TOKEN_TTL = Duration.ofHours(1);

  private static final Logger LOG = LoggerFactory.getLogger(DemoUsers.class);
  private static final String TEXT = "text/plain; charset=utf-8";
  /** Host header values that name this machine: localhost, 127.x.y.z or [::1], with or without a port. */
  private static final Pattern LOCAL_HOST = Pattern.compile(
      "(localhost|127(\\.\\d{1,3}){3}|\\[::1\\])(:\\d{1,5})?");

  private final String conversation;
  private final MemberDao members;
  private final TokenSigner signer;
  private final Executor blocking;
  private final Clock clock;

  public DemoUsers(String conversation, MemberDao members, TokenSigner signer, Executor blocking, Clock clock) {
    this.conversation = conversation;
    this.members = members;
    this.signer = signer;
    this.blocking = blocking;
    this.clock = clock;
  }

  /** Answers the request; everything needed is read before this returns (the caller releases it). */
  public void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (!fromThisMachine(ctx.channel().remoteAddress(), request.headers().get(HttpHeaderNames.HOST))) {
      HttpRoutes.notFound(ctx, keepAlive, PATH);
      return;
    }
    if (!HttpMethod.GET.equals(request.method())) {
      HttpResponses.send(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT, "use GET\n");
      return;
    }
    CompletableFuture.supplyAsync(() -> DependencyDown.postgres(() -> members.membersOf(conversation)), blocking)
        .whenComplete((users, error) -> {
          if (error != null) {
            LOG.warn("demo users of conversation {} could not be read: {}", conversation, error.toString());
            HttpResponses.send(ctx, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE, TEXT,
                "unavailable: try again shortly\n");
            return;
          }
          FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
              Unpooled.wrappedBuffer(body(users.stream().sorted().toList()).getBytes(StandardCharsets.UTF_8)));
          response.headers()
              .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
              .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
              .set(HttpHeaderNames.CACHE_CONTROL, "no-store"); // tokens: never kept by a cache
          HttpResponses.write(ctx, keepAlive, response);
        });
  }

  /** {@code {"conversation": ..., "expiresAt": ..., "users": [{"user": ..., "token": ...}]}}, users in id order. */
  String body(List<String> users) {
    Instant now = clock.instant();
    ObjectNode body = Json.object().put("conversation", conversation)
        .put("expiresAt", Json.INSTANT_MILLIS.format(now.plus(TOKEN_TTL)));
    ArrayNode list = body.putArray("users");
    for (String user : users) {
      list.addObject().put("user", user).put("token", signer.user(user, TOKEN_TTL, now));
    }
    return body.toString();
  }

  /** A loopback peer that names a loopback host (never a name a DNS answer could point here). */
  static boolean fromThisMachine(SocketAddress peer, String host) {
    return peer instanceof InetSocketAddress address && address.getAddress() != null
        && address.getAddress().isLoopbackAddress()
        && host != null && LOCAL_HOST.matcher(host.toLowerCase(Locale.ROOT)).matches();
  }
}
