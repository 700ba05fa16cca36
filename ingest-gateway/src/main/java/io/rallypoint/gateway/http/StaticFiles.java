package io.rallypoint.gateway.http;

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
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Serves the demo page from the jar: {@code /} is {@code index.html}, {@code /static/<name>} is one
 * file of the resource folder {@value #ROOT}. Names are one path segment of a safe alphabet with a
 * known extension, so no request can leave that folder. Files are read once and kept in memory with
 * a strong ETag; they are answered with {@code Cache-Control: no-cache} (the browser revalidates and
 * gets 304 while the jar has not changed, as the names carry no version).
 */
public final class StaticFiles {

  /** Classpath folder of the page's files. */
  public static final String ROOT = "io/rallypoint/gateway/web/";
  public static final String STATIC_PREFIX = "/static/";

  private static final Pattern SAFE_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*(\\.[a-z0-9_-]+)*\\.[a-z0-9]+");
  private static final Map<String, String> CONTENT_TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "svg", "image/svg+xml",
      "png", "image/png",
      "ico", "image/x-icon",
      "json", "application/json",
      "txt", "text/plain; charset=utf-8");
  /** The page talks only to its own origin (HTTP and WebSocket); no inline script, no external asset. */
  private static final String CSP = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:;"
      + " style-src 'self'; script-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final ClassLoader loader;
  /** Files found so far; a miss is not kept (made-up names must not grow the map). */
  private final Map<String, File> files = new ConcurrentHashMap<>();

  public StaticFiles() {
    this(StaticFiles.class.getClassLoader());
  }

  StaticFiles(ClassLoader loader) {
    this.loader = loader;
  }

  /** Whether the path is one this class answers ({@code /}, {@code /index.html} or under {@code /static/}). */
  public static boolean handles(String path) {
    return path.equals("/") || path.equals("/index.html") || path.startsWith(STATIC_PREFIX);
  }

  /** Answers a GET or HEAD for a path that {@link #handles} says is ours: the file, 304, 404 or 405. */
  public void serve(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    HttpMethod method = request.method();
    if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
      HttpResponses.send(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
          "method not allowed: " + method + "\n");
      return;
    }
    Optional<File> file = resolve(path).flatMap(this::file);
    if (file.isEmpty()) {
      HttpResponses.send(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8",
          "not found: " + path + "\n");
      return;
    }
    File f = file.get();
    boolean notModified = f.etag().equals(request.headers().get(HttpHeaderNames.IF_NONE_MATCH));
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        notModified ? HttpResponseStatus.NOT_MODIFIED : HttpResponseStatus.OK,
        notModified || HttpMethod.HEAD.equals(method) ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(f.bytes()));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, f.contentType())
        .set(HttpHeaderNames.ETAG, f.etag())
        .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
        .set("X-Content-Type-Options", "nosniff")
        .set("Referrer-Policy", "no-referrer");
    if (f.contentType().startsWith("text/html")) {
      response.headers().set("Content-Security-Policy", CSP);
    }
    if (!notModified) {
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, f.bytes().length);
    }
    HttpResponses.write(ctx, keepAlive, response);
  }

  /** The resource name for a request path, or empty when the path is not a safe file name. */
  static Optional<String> resolve(String path) {
    if (path.equals("/") || path.equals("/index.html")) {
      return Optional.of("index.html");
    }
    if (!path.startsWith(STATIC_PREFIX)) {
      return Optional.empty();
    }
    String name = path.substring(STATIC_PREFIX.length());
    return SAFE_NAME.matcher(name).matches() && CONTENT_TYPES.containsKey(extension(name))
        ? Optional.of(name) : Optional.empty();
  }

  static String contentType(String name) {
    return CONTENT_TYPES.getOrDefault(extension(name), "application/octet-stream");
  }

  private static String extension(String name) {
    return name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
  }

  private Optional<File> file(String name) {
    return Optional.ofNullable(files.computeIfAbsent(name, this::load));
  }

  /** Reads one resource (small, from the jar: once per file, so it may run on the event loop); null when absent. */
  private File load(String name) {
    try (InputStream in = loader.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        return null;
      }
      byte[] bytes = in.readAllBytes();
      return new File(bytes, contentType(name), etag(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + ROOT + name, e);
    }
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private record File(byte[] bytes, String contentType, String etag) {}
}
