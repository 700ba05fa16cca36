package io.rallypoint.gateway.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.rallypoint.gateway.admin.AdminCall.AddMember;
import io.rallypoint.gateway.admin.AdminCall.CreateConversation;
import io.rallypoint.gateway.admin.AdminCall.ListMembers;
import io.rallypoint.gateway.admin.AdminCall.Refused;
import io.rallypoint.gateway.admin.AdminCall.RemoveMember;
import io.rallypoint.gateway.admin.AdminCall.SetConsent;
import io.rallypoint.gateway.auth.BearerToken;
import io.rallypoint.gateway.auth.TokenVerifier;
import io.rallypoint.gateway.auth.TokenVerifier.AdminCheck;
import io.rallypoint.gateway.deps.DependencyDown;
import io.rallypoint.gateway.deps.ErrorReplies;
import io.rallypoint.gateway.http.HttpResponses;
import io.rallypoint.gateway.http.HttpRoutes;
import io.rallypoint.gateway.location.PreferenceDao;
import io.rallypoint.gateway.wire.ChangeNotice.ConsentChanged;
import io.rallypoint.gateway.wire.ChangeNotice.MembershipChanged;
import io.rallypoint.schemas.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API on the gateway port (PROTOCOL section 5): conversations, members and consent,
 * written to PostgreSQL and then announced to every node ({@link ClusterChanges}), for admin
 * tokens only. {@code PUT} and {@code DELETE} answer 204 once PostgreSQL has the change, this
 * node follows it (a removed member's connections here got {@code membership left}) and Redis took
 * the notice for the other nodes. Every call is idempotent, so a client retries a 503 as it is.
 */
public final class AdminApi implements HttpRoutes.Route {

  private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
  private static final String JSON = "application/json";

  private final TokenVerifier tokens;
  private final AdminDao conversations;
  private final PreferenceDao preferences;
  private final ClusterChanges changes;
  private final Executor blocking;

  public AdminApi(TokenVerifier tokens, AdminDao conversations, PreferenceDao preferences, ClusterChanges changes,
      Executor blocking) {
    this.tokens = tokens;
    this.conversations = conversations;
    this.preferences = preferences;
    this.changes = changes;
    this.blocking = blocking;
  }

  /** Answers the request; everything needed is read before this returns (the caller releases it). */
  @Override
  public void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    AdminCheck check = tokens.adminAccess(BearerToken.fromHeader(request).orElse(null));
    switch (check.access()) {
      case NONE -> {
        FullHttpResponse unauthorized = json(HttpResponseStatus.UNAUTHORIZED,
            error("forbidden", "a valid admin token is required (Authorization: Bearer <JWT> with exp and role admin)"));
        unauthorized.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        HttpResponses.write(ctx, keepAlive, unauthorized);
        return;
      }
      case USER -> {
        HttpResponses.write(ctx, keepAlive, json(HttpResponseStatus.FORBIDDEN,
            error("forbidden", "this token is not an admin token (no \"role\": \"admin\")")));
        return;
      }
      case ADMIN -> { }
    }
    AdminCall call = AdminRoutes.parse(request.method().name(), request.uri(),
        request.headers().get(HttpHeaderNames.CONTENT_TYPE), ByteBufUtil.getBytes(request.content()));
    if (call instanceof Refused refused) {
      FullHttpResponse response = json(HttpResponseStatus.valueOf(refused.status()), error(refused.code(), refused.message()));
      if (refused.allow() != null) {
        response.headers().set(HttpHeaderNames.ALLOW, refused.allow());
      }
      HttpResponses.write(ctx, keepAlive, response);
      return;
    }
    run(call, check.subject()).whenComplete((answer, error) -> {
      if (error == null) {
        HttpResponses.write(ctx, keepAlive, answer);
        return;
      }
      Throwable cause = ErrorReplies.unwrap(error);
      String dependency = cause instanceof DependencyDown down ? down.dependency() : "a dependency";
      LOG.warn("admin call {} by {} failed: {}", call, check.subject(), cause.toString());
      HttpResponses.write(ctx, keepAlive, json(HttpResponseStatus.SERVICE_UNAVAILABLE,
          error("unavailable", dependency + " did not answer; retry with backoff (every admin call is idempotent)")));
    });
  }

  private CompletableFuture<FullHttpResponse> run(AdminCall call, String admin) {
    return switch (call) {
      case CreateConversation c -> inPostgres(() -> {
        conversations.createConversation(c.conversation());
        LOG.info("admin {} created conversation {} (unless it existed)", admin, c.conversation());
        return noContent();
      });
      case AddMember m -> inPostgres(() -> conversations.addMember(m.conversation(), m.user()))
          .thenCompose(exists -> !exists ? CompletableFuture.completedFuture(unknown(m.conversation()))
              : changes.announce(new MembershipChanged(m.conversation(), m.user(), true)).thenApply(done -> {
                LOG.info("admin {} added user {} to conversation {} (unless a member)", admin, m.user(), m.conversation());
                return noContent();
              }));
      case RemoveMember m -> inPostgres(() -> conversations.removeMember(m.conversation(), m.user()))
          .thenCompose(exists -> !exists ? CompletableFuture.completedFuture(unknown(m.conversation()))
              : changes.announce(new MembershipChanged(m.conversation(), m.user(), false)).thenApply(done -> {
                LOG.info("admin {} removed user {} from conversation {} (if a member)", admin, m.user(), m.conversation());
                return noContent();
              }));
      case ListMembers l -> inPostgres(() -> conversations.members(l.conversation()))
          .thenApply(members -> members.map(AdminApi::membersAnswer).orElseGet(() -> unknown(l.conversation())));
      case SetConsent s -> inPostgres(() -> {
        preferences.setLocationSharingEnabled(s.user(), s.locationSharingEnabled());
        return null;
      }).thenCompose(written -> changes.announce(new ConsentChanged(s.user()))).thenApply(done -> {
        LOG.info("admin {} turned location sharing {} for user {}", admin, s.locationSharingEnabled() ? "on" : "off",
            s.user());
        return noContent();
      });
      case Refused r -> throw new IllegalArgumentException("a refused call is answered before it runs: " + r);
    };
  }

  private <T> CompletableFuture<T> inPostgres(DependencyDown.SqlCall<T> call) {
    return DependencyDown.postgresAsync(call, blocking);
  }

  private static FullHttpResponse membersAnswer(List<String> members) {
    ObjectNode body = Json.object();
    ArrayNode list = body.putArray("members");
    members.forEach(list::add);
    return json(HttpResponseStatus.OK, body);
  }

  private static FullHttpResponse unknown(String conversation) {
    return json(HttpResponseStatus.NOT_FOUND, error("not_found", "no conversation " + conversation));
  }

  private static ObjectNode error(String code, String message) {
    return Json.object().put("code", code).put("message", message);
  }

  private static FullHttpResponse json(HttpResponseStatus status, ObjectNode body) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.wrappedBuffer(Json.toString(body).getBytes(StandardCharsets.UTF_8)));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    return response;
  }

  /** 204: no body, and so no {@code Content-Length} (RFC 9110 forbids one on a 204). */
  private static FullHttpResponse noContent() {
    return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT, Unpooled.EMPTY_BUFFER);
  }
}
