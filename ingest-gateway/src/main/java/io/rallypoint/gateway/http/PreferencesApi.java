package io.rallypoint.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.rallypoint.gateway.auth.BearerToken;
import io.rallypoint.gateway.auth.TokenVerifier;
import io.rallypoint.gateway.deps.DependencyDown;
import io.rallypoint.gateway.location.Consent;
import io.rallypoint.gateway.location.PreferenceDao;
import io.rallypoint.schemas.json.Json;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@value #PATH}: the caller's own {@code user_preferences.location_sharing_enabled} (an extension
 * of PROTOCOL, which has no frame for it). {@code GET} reads it, {@code PUT {"enabled": true}} sets
 * it; both answer {@code {"user": ..., "enabled": ...}}. The user is the {@code sub} of the
 * {@code Authorization: Bearer} token (401 without a valid one, with {@code exp}, the reason as body). A change takes effect at once on
 * this node and within {@code GATEWAY_CONSENT_CACHE_TTL} (at most 10 s) on the others.
 */
public final class PreferencesApi {

  public static final String PATH = "/api/preferences/location-sharing";
  private static final Logger LOG = LoggerFactory.getLogger(PreferencesApi.class);
  private static final String JSON = "application/json";
  private static final String TEXT = "text/plain; charset=utf-8";

  private final TokenVerifier tokens;
  private final PreferenceDao preferences;
  private final Consent consent;
  private final Executor blocking;

  public PreferencesApi(TokenVerifier tokens, PreferenceDao preferences, Consent consent, Executor blocking) {
    this.tokens = tokens;
    this.preferences = preferences;
    this.consent = consent;
    this.blocking = blocking;
  }

  /** Answers the request; the caller releases it afterwards (everything needed is read before this returns). */
  public void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    TokenVerifier.Result verified = tokens.verify(BearerToken.of(request).orElse(null));
    if (!(verified instanceof TokenVerifier.Valid token)) {
      HttpResponses.refuse(ctx, HttpResponseStatus.UNAUTHORIZED, ((TokenVerifier.Refused) verified).reason()
          + "; a valid token is required (Authorization: Bearer)");
      return;
    }
    String user = token.user();
    HttpMethod method = request.method();
    if (HttpMethod.GET.equals(method)) {
      answer(ctx, keepAlive, user, CompletableFuture.supplyAsync(() -> read(user), blocking));
    } else if (HttpMethod.PUT.equals(method)) {
      Optional<Boolean> enabled = enabledOf(request);
      if (enabled.isEmpty()) {
        HttpResponses.send(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, TEXT,
            "expected a JSON body {\"enabled\": true|false}\n");
        return;
      }
      answer(ctx, keepAlive, user, CompletableFuture.supplyAsync(() -> write(user, enabled.get()), blocking));
    } else {
      HttpResponses.send(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT, "use GET or PUT\n");
    }
  }

  private static Optional<Boolean> enabledOf(FullHttpRequest request) {
    String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
    if (!contentType.toLowerCase(Locale.ROOT).startsWith(JSON)) {
      return Optional.empty();
    }
    try {
      JsonNode enabled = Json.parse(request.content().toString(StandardCharsets.UTF_8)).path("enabled");
      return enabled.isBoolean() ? Optional.of(enabled.booleanValue()) : Optional.empty();
    } catch (UncheckedIOException e) {
      return Optional.empty();
    }
  }

  private boolean read(String user) {
    return DependencyDown.postgres(() -> preferences.locationSharingEnabled(user));
  }

  private boolean write(String user, boolean enabled) {
    DependencyDown.postgres(() -> {
      preferences.setLocationSharingEnabled(user, enabled);
      return null;
    });
    consent.forget(user);
    LOG.info("user {} turned location sharing {}", user, enabled ? "on" : "off");
    return enabled;
  }

  private static void answer(ChannelHandlerContext ctx, boolean keepAlive, String user, CompletableFuture<Boolean> result) {
    result.whenComplete((enabled, error) -> {
      if (error != null) {
        LOG.warn("location-sharing preference of user {} failed: {}", user, error.toString());
        HttpResponses.send(ctx, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE, TEXT, "unavailable: try again shortly\n");
        return;
      }
      String body = Json.object().put("user", user).put("enabled", enabled.booleanValue()).toString();
      HttpResponses.send(ctx, keepAlive, HttpResponseStatus.OK, JSON, body);
    });
  }
}
