package io.rallypoint.launcher.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.schemas.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The admin API of PROTOCOL section 5 over {@code java.net.http}. Every call is idempotent, so a
 * 503 (PostgreSQL or Redis did not answer) is tried again, twice, with a growing pause; any other
 * refusal is an {@link AdminRefused} carrying the gateway's code and message.
 */
final class AdminClient {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final List<Duration> RETRY_PAUSES = List.of(Duration.ofMillis(500), Duration.ofSeconds(2));

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final URI gateway;
  private final String token;

  AdminClient(URI gateway, String token) {
    this.gateway = gateway;
    this.token = token;
  }

  /** The gateway answered with a status that is not success. */
  static final class AdminRefused extends RuntimeException {
    AdminRefused(String message) {
      super(message);
    }
  }

  void createConversation(String conversation) {
    call("PUT", "/admin/conversations/" + segment(conversation), "{}");
  }

  void addMember(String conversation, String user) {
    call("PUT", "/admin/conversations/" + segment(conversation) + "/members/" + segment(user), "{}");
  }

  void removeMember(String conversation, String user) {
    call("DELETE", "/admin/conversations/" + segment(conversation) + "/members/" + segment(user), null);
  }

  List<String> members(String conversation) {
    JsonNode body = Json.parse(call("GET", "/admin/conversations/" + segment(conversation) + "/members", null));
    List<String> members = new ArrayList<>();
    body.path("members").forEach(m -> members.add(m.asText()));
    return members;
  }

  void setLocationSharing(String user, boolean enabled) {
    call("PUT", "/admin/users/" + segment(user) + "/preferences", "{\"locationSharingEnabled\":" + enabled + "}");
  }

  /** A path segment: percent-encoded UTF-8, a space as %20 (a path is not a form). */
  static String segment(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private String call(String method, String path, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(gateway.resolve(path)).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + token)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    for (int attempt = 0; ; attempt++) {
      HttpResponse<String> response = send(request.build(), method, path);
      int status = response.statusCode();
      if (status / 100 == 2) {
        return response.body();
      }
      if (status == 503 && attempt < RETRY_PAUSES.size()) {
        pause(RETRY_PAUSES.get(attempt));
        continue;
      }
      throw new AdminRefused(method + " " + path + ": " + status + " " + reason(response.body()));
    }
  }

  private HttpResponse<String> send(HttpRequest request, String method, String path) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AdminRefused(method + " " + path + ": no answer from the gateway at " + gateway + " (" + e + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdminRefused(method + " " + path + ": interrupted");
    }
  }

  private static String reason(String body) {
    try {
      JsonNode error = Json.parse(body);
      if (error.hasNonNull("code")) {
        return error.path("code").asText() + ": " + error.path("message").asText();
      }
    } catch (RuntimeException notJson) {
      // fall through: show what came back
    }
    return body.isBlank() ? "(no body)" : body.strip();
  }

  private static void pause(Duration pause) {
    try {
      Thread.sleep(pause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdminRefused("interrupted");
    }
  }
}
