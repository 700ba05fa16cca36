package io.rallypoint.gateway.auth;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Optional;

/**
 * Finds the client's token in an upgrade request: {@code Authorization: Bearer <token>}, or the
 * {@code token} query parameter (browsers cannot set headers on a WebSocket). The header wins.
 */
public final class BearerToken {

  private static final String BEARER = "bearer ";

  private BearerToken() {}

  public static Optional<String> of(HttpRequest request) {
    Optional<String> header = fromHeader(request);
    if (header.isPresent()) {
      return header;
    }
    List<String> query = new QueryStringDecoder(request.uri()).parameters().get("token");
    return query == null || query.isEmpty() || query.get(0).isBlank() ? Optional.empty() : Optional.of(query.get(0));
  }

  /** The token of the {@code Authorization: Bearer} header only (APIs that are not called from a browser's WebSocket). */
  public static Optional<String> fromHeader(HttpRequest request) {
    String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      String token = header.substring(BEARER.length()).trim();
      if (!token.isEmpty()) {
        return Optional.of(token);
      }
    }
    return Optional.empty();
  }
}
