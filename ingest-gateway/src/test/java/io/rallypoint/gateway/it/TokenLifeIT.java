package io.rallypoint.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.client.frame.HandshakeRefusedException;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every token has a bounded life: none without {@code exp}, and a connection ends with its token (4001). */
class TokenLifeIT {

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  static GatewayServer gateway;

  @BeforeAll
  static void start() {
    gateway = Gateways.start(Gateways.env(db, redis));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static final String NO_EXP = JWT.create().withSubject("ana").sign(Algorithm.HMAC256(Gateways.SECRET));

  @Test
  void aTokenWithoutExpIsRefusedAtTheUpgradeWith401SayingWhy() throws Exception {
    // When ana's app opens the WebSocket with a correctly signed token that never expires
    assertThatThrownBy(() -> Gateways.connect(Gateways.ws(gateway), NO_EXP))
        .isInstanceOfSatisfying(HandshakeRefusedException.class, e -> assertThat(e.status()).isEqualTo(401));

    // Then the refusal's body tells whoever reads it what is wrong with the token
    HttpResponse<String> refused = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(Gateways.http(gateway, "/ws")).header("Authorization", "Bearer " + NO_EXP).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(refused.body()).contains("no exp").contains("must expire");
  }

  @Test
  void theHttpApiRefusesATokenWithoutExpToo() throws Exception {
    HttpResponse<String> refused = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(Gateways.http(gateway, "/api/preferences/location-sharing"))
            .header("Authorization", "Bearer " + NO_EXP).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.body()).contains("no exp");
    HttpResponse<String> accepted = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(Gateways.http(gateway, "/api/preferences/location-sharing"))
            .header("Authorization", "Bearer " + Gateways.token("ana")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(accepted.statusCode()).isEqualTo(200);
  }

  @Test
  void anOpenConnectionIsClosedWith4001WhenItsTokenExpires() throws Exception {
    // Given ana connected with a token that expires in 2 to 3 seconds (exp is whole seconds)
    Instant expiresAt = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
    String token = JWT.create().withSubject("ana").withExpiresAt(expiresAt).sign(Algorithm.HMAC256(Gateways.SECRET));
    try (FrameClient ana = Gateways.connect(Gateways.ws(gateway), token)) {
      // the connection works until then
      ana.send("{\"type\":\"ping\",\"id\":\"before\"}");
      JsonNode pong = ana.awaitType("pong");
      assertThat(pong.path("id").asText()).isEqualTo("before");

      // When exp passes, Then the gateway closes it with 4001 "token expired", not before
      assertThat(ana.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(4001);
      Instant closedAt = Instant.now();
      assertThat(ana.closeReason().get(1, TimeUnit.SECONDS)).isEqualTo("token expired");
      assertThat(closedAt).isAfterOrEqualTo(expiresAt.minus(Duration.ofMillis(20)));
      assertThat(closedAt).isBefore(expiresAt.plusSeconds(5));
    }

    // And a connection with a fresh token works as before
    try (FrameClient again = Gateways.connect(gateway, "ana")) {
      again.send("{\"type\":\"ping\",\"id\":\"after\"}");
      assertThat(again.awaitType("pong").path("id").asText()).isEqualTo("after");
      assertThat(again.closeCode()).isNotDone();
    }
  }
}
