package io.rallypoint.location.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.rallypoint.location.access.Caller;
import io.rallypoint.location.access.MeetingPointAccess;
import io.rallypoint.location.query.MeetingPointQuery;
import io.rallypoint.schemas.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP routes of a location-stream instance: {@code GET /meeting-points/{conversation}} (only for
 * a member of the conversation with a valid client token: 401 without one, 403 for anyone else),
 * {@code GET /health/ready} (200 only while Kafka Streams is RUNNING), {@code GET /health/live} and
 * {@code GET /metrics} (Prometheus text); the last three are open.
 */
final class HttpApi {

  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  private static final String MEETING_POINTS = "/meeting-points/";

  private final Supplier<MeetingPointQuery> query;
  private final MeetingPointAccess access;
  private final Supplier<KafkaStreams.State> state;
  private final PrometheusMeterRegistry metrics;

  HttpApi(Supplier<MeetingPointQuery> query, MeetingPointAccess access, Supplier<KafkaStreams.State> state,
      PrometheusMeterRegistry metrics) {
    this.query = query;
    this.access = access;
    this.state = state;
    this.metrics = metrics;
  }

  void register(HttpServer server) {
    server.createContext(MEETING_POINTS, ex -> handle(ex, this::meetingPoint));
    server.createContext("/health/ready", ex -> handle(ex, this::ready));
    server.createContext("/health/live", ex -> handle(ex, this::live));
    server.createContext("/metrics", ex -> handle(ex, this::metrics));
  }

  private interface Route {
    void serve(HttpExchange ex) throws IOException;
  }

  private static void handle(HttpExchange ex, Route route) {
    try (ex) {
      if (!"GET".equals(ex.getRequestMethod())) {
        ex.getResponseHeaders().set("Allow", "GET");
        send(ex, 405, "application/json", error("bad_request", "only GET is supported"));
        return;
      }
      route.serve(ex);
    } catch (IOException | RuntimeException e) {
      LOG.warn("HTTP {} {} failed: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString());
    }
  }

  private void meetingPoint(HttpExchange ex) throws IOException {
    String raw = ex.getRequestURI().getRawPath().substring(MEETING_POINTS.length());
    String conversation = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    if (conversation.isEmpty() || conversation.contains("/")) {
      send(ex, 400, "application/json", error("bad_request", "use GET /meeting-points/{conversation}"));
      return;
    }
    String authorization = ex.getRequestHeaders().getFirst("Authorization");
    switch (access.check(authorization, conversation)) {
      case Caller.Unauthenticated u -> {
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        send(ex, 401, "application/json", error("unauthorized", u.why()));
        return;
      }
      case Caller.NotMember n -> {
        send(ex, 403, "application/json", error("forbidden", "user " + n.user() + " is not in conversation " + conversation));
        return;
      }
      case Caller.Unknown u -> {
        send(ex, 503, "application/json", error("unavailable", u.why()));
        return;
      }
      case Caller.Member m -> {
        // a member: answer below
      }
    }
    String q = ex.getRequestURI().getRawQuery();
    boolean forwarded = q != null && q.contains(MeetingPointQuery.FORWARDED_PARAM + "=true");
    MeetingPointQuery.Answer answer = query.get().find(conversation, forwarded, authorization);
    if (answer.servedBy() != null) {
      ex.getResponseHeaders().set(MeetingPointQuery.SERVED_BY_HEADER, answer.servedBy());
    }
    send(ex, answer.status(), "application/json", answer.body());
  }

  private void ready(HttpExchange ex) throws IOException {
    KafkaStreams.State s = state.get();
    int status = s == KafkaStreams.State.RUNNING ? 200 : 503;
    send(ex, status, "application/json", Json.toBytes(Json.object().put("state", String.valueOf(s))));
  }

  private void live(HttpExchange ex) throws IOException {
    KafkaStreams.State s = state.get();
    boolean alive = s != KafkaStreams.State.ERROR && s != KafkaStreams.State.NOT_RUNNING
        && s != KafkaStreams.State.PENDING_ERROR;
    send(ex, alive ? 200 : 503, "application/json", Json.toBytes(Json.object().put("state", String.valueOf(s))));
  }

  private void metrics(HttpExchange ex) throws IOException {
    send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape().getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] error(String code, String message) {
    return Json.toBytes(Json.object().put("code", code).put("message", message));
  }

  private static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }
}
