package io.rallypoint.gateway.it;

import static io.rallypoint.gateway.it.Gateways.conversation;
import static io.rallypoint.gateway.it.Gateways.http;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.gateway.http.DemoUsers;
import io.rallypoint.schemas.json.Json;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /demo/users}: off on a plain gateway, and with {@code GATEWAY_DEMO_TOKENS=true} the
 * demo conversation's members with tokens the gateway takes, for requests of this machine only.
 */
class DemoUsersIT {

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  final HttpClient client = HttpClient.newHttpClient();

  @Test
  void aPlainGatewayHasNoDemoUsers() throws Exception {
    // Given a gateway started without GATEWAY_DEMO_TOKENS, with a demo conversation in the database
    String demo = conversation(db, "alice", "bob");
    Map<String, String> env = Gateways.env(db, redis);
    env.put("GATEWAY_DEMO_CONVERSATION", demo);
    try (GatewayServer gateway = Gateways.start(env)) {
      // Then /demo/users is not there, as any unknown path
      HttpResponse<String> reply = get(http(gateway, DemoUsers.PATH));
      assertThat(reply.statusCode()).isEqualTo(404);
      assertThat(reply.body()).doesNotContain("alice").doesNotContain("eyJ");
    }
  }

  @Test
  void withDemoTokensOnTheMembersComeWithTokensTheGatewayTakes() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String carol = "carol-" + suffix;
    String alice = "alice-" + suffix;
    String demo = conversation(db, carol, alice);
    conversation(db, "someone-else-" + suffix); // members of other conversations are never offered
    Map<String, String> env = Gateways.env(db, redis);
    env.put("GATEWAY_DEMO_TOKENS", "true");
    env.put("GATEWAY_DEMO_CONVERSATION", demo);
    try (GatewayServer gateway = Gateways.start(env)) {
      // When the page asks for the demo users
      HttpResponse<String> reply = get(http(gateway, DemoUsers.PATH));

      // Then it gets the members in id order, each with a token, never to be cached
      assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
      assertThat(reply.headers().firstValue("cache-control")).contains("no-store");
      JsonNode body = Json.parse(reply.body());
      assertThat(body.path("conversation").asText()).isEqualTo(demo);
      List<String> users = new ArrayList<>();
      body.path("users").forEach(u -> users.add(u.path("user").asText()));
      assertThat(users).containsExactly(alice, carol);

      // And the token connects as that member, who can use the conversation
      String token = body.path("users").get(0).path("token").asText();
      try (FrameClient ws = Gateways.connect(Gateways.ws(gateway), token)) {
        ws.send("{\"type\":\"presence\",\"id\":\"p1\",\"conversation\":\"" + demo + "\"}");
        JsonNode presence = ws.awaitType("presence");
        assertThat(presence.path("id").asText()).isEqualTo("p1");
        assertThat(presence.path("online").toString()).contains("\"" + alice + "\"");
      }

      // And a request naming another host (a rebound DNS name) or another method gets nothing
      assertThat(rawGet(gateway.port(), "evil.example:" + gateway.port())).startsWith("HTTP/1.1 404").doesNotContain("eyJ");
      assertThat(rawGet(gateway.port(), "127.0.0.1:" + gateway.port())).startsWith("HTTP/1.1 200");
      HttpResponse<String> post = client.send(HttpRequest.newBuilder(http(gateway, DemoUsers.PATH))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    }
  }

  private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A GET of /demo/users with the Host header given (HttpClient does not let a caller set Host). */
  private static String rawGet(int port, String host) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + DemoUsers.PATH + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
