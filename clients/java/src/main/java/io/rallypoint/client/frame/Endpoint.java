package io.rallypoint.client.frame;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where a connection goes and how it is opened: the gateway's WebSocket URI ({@code ws://} or
 * {@code wss://}, PROTOCOL section 1.1), the HTTP headers of the upgrade, and how long the opening
 * handshake may take.
 *
 * @param uri            the WebSocket endpoint, e.g. {@code ws://127.0.0.1:8080/ws}
 * @param headers        headers of the upgrade request (e.g. {@code Authorization})
 * @param connectTimeout how long the TCP connect and the upgrade may take together
 */
public record Endpoint(URI uri, Map<String, String> headers, Duration connectTimeout) {

  /** Ten seconds: a phone on a slow network still connects, a dead gateway is noticed. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  public Endpoint {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    String scheme = uri.getScheme();
    if (!"ws".equalsIgnoreCase(scheme) && !"wss".equalsIgnoreCase(scheme)) {
      throw new IllegalArgumentException("a gateway endpoint is a ws:// or wss:// URI, not " + uri);
    }
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout must be positive, not " + connectTimeout);
    }
    headers = Map.copyOf(headers);
  }

  /** The endpoint without headers (the token, if any, in the URI's {@code ?token=}). */
  public static Endpoint of(URI uri) {
    return new Endpoint(uri, Map.of(), DEFAULT_CONNECT_TIMEOUT);
  }

  /** The endpoint authenticated with {@code Authorization: Bearer <token>}. */
  public static Endpoint bearer(URI uri, String token) {
    return of(uri).withHeader("Authorization", "Bearer " + Objects.requireNonNull(token, "token"));
  }

  /** This endpoint with one more header (or the header replaced). */
  public Endpoint withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new Endpoint(uri, more, connectTimeout);
  }

  /** This endpoint with another connect timeout. */
  public Endpoint withConnectTimeout(Duration timeout) {
    return new Endpoint(uri, headers, timeout);
  }

  /** The URI without its query, for messages that must not show a {@code ?token=}. */
  public String safeUri() {
    return uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }
}
