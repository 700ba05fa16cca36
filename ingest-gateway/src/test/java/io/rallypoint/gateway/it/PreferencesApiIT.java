package io.rallypoint.gateway.it;

import static io.rallypoint.gateway.it.Gateways.now;
import static io.rallypoint.gateway.it.Gateways.location;
import static io.rallypoint.gateway.it.Gateways.ask;
import static io.rallypoint.gateway.it.Gateways.connect;
import static io.rallypoint.gateway.it.Gateways.conversation;
import static io.rallypoint.gateway.it.Gateways.http;
import static io.rallypoint.gateway.it.Gateways.token;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.gateway.http.PreferencesApi;
import io.rallypoint.schemas.json.Json;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The HTTP extensions on the gateway port: the location-sharing preference and the demo page. */
class PreferencesApiIT {

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  static GatewayServer gateway;
  final HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    Map<String, String> env = Gateways.env(db, redis);
    env.put("GATEWAY_CONSENT_CACHE_TTL", "PT10S"); // the longest allowed: this node must not wait for it
    gateway = Gateways.start(env);
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void aUserTurnsSharingOnOverHttpAndTheNextLocationIsAcceptedAtOnce() throws Exception {
    String ana = "ana-" + UUID.randomUUID().toString().substring(0, 8);
    String ride = conversation(db, ana);
    String rec = "rec-" + UUID.randomUUID();
    try (FrameClient ws = connect(gateway, ana)) {
      // Given a recording session and no consent: locations are refused (and the refusal is cached)
      assertThat(ask(ws, "{\"type\":\"session\",\"id\":\"s1\",\"session\":\"" + rec + "\",\"state\":\"started\",\"at\":\""
          + now() + "\"}").path("type").asText()).isEqualTo("ok");
      assertThat(ask(ws, location("l1", ride, rec)).path("code").asText()).isEqualTo("consent_required");
      assertThat(get(token(ana)).body()).isEqualTo("{\"user\":\"" + ana + "\",\"enabled\":false}");

      // When she turns sharing on through the HTTP extension
      HttpResponse<String> put = put(token(ana), "{\"enabled\":true}");
      assertThat(put.statusCode()).isEqualTo(200);
      assertThat(put.body()).isEqualTo("{\"user\":\"" + ana + "\",\"enabled\":true}");

      // Then the table has it, and this node accepts her next location without waiting for its cache
      assertThat(get(token(ana)).body()).contains("\"enabled\":true");
      assertThat(ask(ws, location("l2", ride, rec)).path("type").asText()).isEqualTo("ok");

      // And turning it off refuses the next one at once
      assertThat(put(token(ana), "{\"enabled\":false}").statusCode()).isEqualTo(200);
      assertThat(ask(ws, location("l3", ride, rec)).path("code").asText()).isEqualTo("consent_required");
    }
  }

  @Test
  void theEndpointNeedsAValidTokenAndABooleanBody() throws Exception {
    assertThat(get(null).statusCode()).isEqualTo(401);
    assertThat(get("not-a-jwt").statusCode()).isEqualTo(401);
    assertThat(get("not-a-jwt").headers().firstValue("WWW-Authenticate")).contains("Bearer");
    String token = token("carl");
    assertThat(put(token, "{\"enabled\":\"yes\"}").statusCode()).isEqualTo(400);
    assertThat(put(token, "not json").statusCode()).isEqualTo(400);
    HttpResponse<String> delete = client.send(request(token).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(delete.statusCode()).isEqualTo(405);
  }

  @Test
  void theDemoPageAndItsClientModuleAreServedFromTheJar() throws Exception {
    HttpResponse<String> page = client.send(HttpRequest.newBuilder(http(gateway, "/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(page.body()).contains("<title>Rallypoint demo</title>");
    HttpResponse<String> module = client.send(HttpRequest.newBuilder(http(gateway, "/static/rallypoint-client.js"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(module.headers().firstValue("Content-Type")).contains("text/javascript; charset=utf-8");
    assertThat(module.body()).contains("export class RallypointClient");
    HttpResponse<String> traversal = client.send(HttpRequest.newBuilder(
        http(gateway, "/static/%2e%2e/%2e%2e/GatewayServer.class")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(traversal.statusCode()).isEqualTo(404);
  }

  private HttpRequest.Builder request(String token) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(http(gateway, PreferencesApi.PATH));
    return token == null ? builder : builder.header("Authorization", "Bearer " + token);
  }

  private HttpResponse<String> get(String token) throws Exception {
    return client.send(request(token).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> put(String token, String body) throws Exception {
    return client.send(request(token).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
