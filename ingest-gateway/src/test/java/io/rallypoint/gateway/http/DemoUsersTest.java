package io.rallypoint.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.gateway.auth.TokenSigner;
import io.rallypoint.gateway.auth.TokenVerifier;
import io.rallypoint.schemas.json.Json;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DemoUsersTest {

  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 50_000);

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1:8080", "127.0.0.1", "localhost:8080", "LocalHost", "[::1]:8080", "127.1.2.3:1"})
  void aRequestFromThisMachineNamingThisMachineIsAnswered(String host) {
    assertThat(DemoUsers.fromThisMachine(LOOPBACK, host)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"evil.example:8080", "localhost.evil.example", "127.0.0.1.nip.io", "10.0.0.5:8080", "",
      "127.0.0.1:8080, evil.example"})
  void aHostNameADnsAnswerCouldRebindHereIsNot(String host) {
    // a page of another site whose name now resolves to 127.0.0.1 still sends its own name as Host
    assertThat(DemoUsers.fromThisMachine(LOOPBACK, host)).isFalse();
  }

  @Test
  void aPeerOnAnotherMachineIsNotAnsweredWhateverItsHostSays() {
    assertThat(DemoUsers.fromThisMachine(new InetSocketAddress("192.168.1.20", 50_000), "127.0.0.1:8080")).isFalse();
    assertThat(DemoUsers.fromThisMachine(null, "127.0.0.1:8080")).isFalse();
    assertThat(DemoUsers.fromThisMachine(LOOPBACK, null)).isFalse();
  }

  @Test
  void eachMemberGetsATokenOfTheirOwnThatTheGatewayTakesForAnHour() {
    Instant now = Instant.parse("2026-12-02T10:00:00Z");
    DemoUsers users = new DemoUsers("demo", null, new TokenSigner("s3cret"), Runnable::run,
        Clock.fixed(now, ZoneOffset.UTC));

    JsonNode body = Json.parse(users.body(List.of("alice", "bob")));

    assertThat(body.path("conversation").asText()).isEqualTo("demo");
    assertThat(body.path("expiresAt").asText()).isEqualTo("2026-12-02T11:00:00.000Z");
    TokenVerifier verifier = new TokenVerifier("s3cret", Clock.fixed(now.plusSeconds(3_599), ZoneOffset.UTC));
    assertThat(body.path("users")).hasSize(2);
    for (int i = 0; i < 2; i++) {
      JsonNode entry = body.path("users").get(i);
      assertThat(verifier.verify(entry.path("token").asText()))
          .isEqualTo(new TokenVerifier.Valid(entry.path("user").asText(), now.plus(DemoUsers.TOKEN_TTL)));
    }
    assertThat(body.path("users").get(0).path("user").asText()).isEqualTo("alice");
    TokenVerifier later = new TokenVerifier("s3cret", Clock.fixed(now.plusSeconds(3_601), ZoneOffset.UTC));
    assertThat(later.verify(body.path("users").get(0).path("token").asText()))
        .isInstanceOf(TokenVerifier.Refused.class);
  }
}
