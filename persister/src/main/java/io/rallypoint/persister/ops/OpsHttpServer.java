package io.rallypoint.persister.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The persister's small HTTP port: {@code GET /health/live}, {@code GET /health/ready} (200 only
 * when its dependencies answer; the body says which do not) and {@code GET /metrics} (Prometheus).
 */
public final class OpsHttpServer implements AutoCloseable {

  private final HttpServer server;

  private OpsHttpServer(HttpServer server) {
    this.server = server;
  }

  /** Starts serving on {@code port} (0: any free port). {@code readiness} returns null when ready, else why not. */
  public static OpsHttpServer start(int port, PrometheusMeterRegistry registry, Supplier<String> readiness) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on HTTP port " + port, e);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/health/live", ex -> respond(ex, 200, "text/plain", "live\n"));
    server.createContext("/health/ready", ex -> {
      String problem = readiness.get();
      respond(ex, problem == null ? 200 : 503, "text/plain", problem == null ? "ready\n" : problem + "\n");
    });
    server.createContext("/metrics", ex ->
        respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    server.start();
    return new OpsHttpServer(server);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
