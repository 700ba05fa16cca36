package io.rallypoint.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.rallypoint.gateway.auth.TokenVerifier.AdminAccess;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TokenVerifierTest {

  private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
  private final TokenVerifier verifier = new TokenVerifier("s3cret", Clock.fixed(NOW, ZoneOffset.UTC));

  private static final Algorithm SECRET = Algorithm.HMAC256("s3cret");

  private static String reason(TokenVerifier.Result result) {
    assertThat(result).isInstanceOf(TokenVerifier.Refused.class);
    return ((TokenVerifier.Refused) result).reason();
  }

  @Test
  void aValidTokenYieldsItsSubjectAndWhenItExpires() {
    String token = JWT.create().withSubject("ana").withExpiresAt(NOW.plusSeconds(60)).sign(SECRET);

    TokenVerifier.Result result = verifier.verify(token);

    assertThat(result).isEqualTo(new TokenVerifier.Valid("ana", NOW.plusSeconds(60)));
    assertThat(verifier.remaining((TokenVerifier.Valid) result)).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void aTokenWithoutExpiryIsRefusedSayingSo() {
    String token = JWT.create().withSubject("ana").sign(SECRET);

    assertThat(reason(verifier.verify(token))).contains("no exp").contains("must expire");
  }

  @Test
  void expiredNotYetValidWronglySignedSubjectlessAndGarbageTokensAreRefusedWithTheirReason() {
    String expired = JWT.create().withSubject("ana").withExpiresAt(NOW.minusSeconds(1)).sign(SECRET);
    String notYet = JWT.create().withSubject("ana").withNotBefore(NOW.plusSeconds(5)).withExpiresAt(NOW.plusSeconds(60))
        .sign(SECRET);
    String otherSecret = JWT.create().withSubject("ana").withExpiresAt(NOW.plusSeconds(60)).sign(Algorithm.HMAC256("not-it"));
    String noSubject = JWT.create().withExpiresAt(NOW.plusSeconds(60)).sign(SECRET);
    String otherAlgorithm = JWT.create().withSubject("ana").withExpiresAt(NOW.plusSeconds(60))
        .sign(Algorithm.HMAC512("s3cret"));

    assertThat(reason(verifier.verify(expired))).contains("expired");
    assertThat(reason(verifier.verify(notYet))).contains("not valid yet");
    assertThat(reason(verifier.verify(otherSecret))).contains("not signed");
    assertThat(reason(verifier.verify(noSubject))).contains("no sub");
    assertThat(reason(verifier.verify(otherAlgorithm))).contains("not signed");
    assertThat(reason(verifier.verify("not.a.jwt"))).contains("not a JWT");
    assertThat(reason(verifier.verify(""))).isEqualTo("no token");
    assertThat(reason(verifier.verify(null))).isEqualTo("no token");
  }

  @Test
  void theTokenComesFromTheBearerHeaderOrTheQuery() {
    HttpRequest header = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/ws?token=fromquery");
    header.headers().set("Authorization", "Bearer fromheader");
    HttpRequest query = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/ws?token=fromquery");
    HttpRequest lowerCase = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/ws");
    lowerCase.headers().set("authorization", "bearer abc");
    HttpRequest none = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/ws");
    none.headers().set("Authorization", "Basic dXNlcjpwYXNz");

    assertThat(BearerToken.of(header)).contains("fromheader");
    assertThat(BearerToken.of(query)).contains("fromquery");
    assertThat(BearerToken.of(lowerCase)).contains("abc");
    assertThat(BearerToken.of(none)).isEmpty();
  }

  @Test
  void anAdminTokenIsAValidTokenWithExpiryAndTheAdminRole() {
    String admin = JWT.create().withSubject("backend").withClaim("role", "admin")
        .withExpiresAt(NOW.plusSeconds(60)).sign(Algorithm.HMAC256("s3cret"));

    assertThat(verifier.adminAccess(admin).access()).isEqualTo(AdminAccess.ADMIN);
    assertThat(verifier.adminAccess(admin).subject()).isEqualTo("backend");
  }

  @Test
  void aValidTokenWithoutTheAdminRoleIsAUsersToken() {
    String noRole = JWT.create().withSubject("ana").withExpiresAt(NOW.plusSeconds(60)).sign(Algorithm.HMAC256("s3cret"));
    String otherRole = JWT.create().withSubject("ana").withClaim("role", "member")
        .withExpiresAt(NOW.plusSeconds(60)).sign(Algorithm.HMAC256("s3cret"));
    String roleList = JWT.create().withSubject("ana").withArrayClaim("role", new String[] {"admin"})
        .withExpiresAt(NOW.plusSeconds(60)).sign(Algorithm.HMAC256("s3cret"));
    String upperCase = JWT.create().withSubject("ana").withClaim("role", "ADMIN")
        .withExpiresAt(NOW.plusSeconds(60)).sign(Algorithm.HMAC256("s3cret"));

    assertThat(verifier.adminAccess(noRole).access()).isEqualTo(AdminAccess.USER);
    assertThat(verifier.adminAccess(otherRole).access()).isEqualTo(AdminAccess.USER);
    assertThat(verifier.adminAccess(roleList).access()).isEqualTo(AdminAccess.USER);
    assertThat(verifier.adminAccess(upperCase).access()).isEqualTo(AdminAccess.USER);
  }

  @Test
  void anAdminTokenWithoutExpiryOrSubjectExpiredOrWronglySignedIsNoToken() {
    String noExpiry = JWT.create().withSubject("backend").withClaim("role", "admin").sign(Algorithm.HMAC256("s3cret"));
    String noSubject = JWT.create().withClaim("role", "admin").withExpiresAt(NOW.plusSeconds(60))
        .sign(Algorithm.HMAC256("s3cret"));
    String expired = JWT.create().withSubject("backend").withClaim("role", "admin")
        .withExpiresAt(NOW.minusSeconds(1)).sign(Algorithm.HMAC256("s3cret"));
    String notYet = JWT.create().withSubject("backend").withClaim("role", "admin").withNotBefore(NOW.plusSeconds(5))
        .withExpiresAt(NOW.plusSeconds(60)).sign(Algorithm.HMAC256("s3cret"));
    String otherSecret = JWT.create().withSubject("backend").withClaim("role", "admin")
        .withExpiresAt(NOW.plusSeconds(60)).sign(Algorithm.HMAC256("not-it"));

    for (String token : new String[] {noExpiry, noSubject, expired, notYet, otherSecret, "garbage", ""}) {
      assertThat(verifier.adminAccess(token).access()).as(token).isEqualTo(AdminAccess.NONE);
    }
  }

  @Test
  void theAdminTokenComesFromTheHeaderOnly() {
    HttpRequest query = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/admin/x?token=fromquery");
    HttpRequest header = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/admin/x?token=fromquery");
    header.headers().set("Authorization", "Bearer fromheader");

    assertThat(BearerToken.fromHeader(query)).isEmpty();
    assertThat(BearerToken.fromHeader(header)).contains("fromheader");
  }
}
