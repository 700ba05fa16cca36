package io.rallypoint.gateway.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import java.time.Duration;
import java.time.Instant;

/**
 * Mints the tokens {@link TokenVerifier} takes: HS256 with {@code CHAT_JWT_SECRET}, the user in
 * {@code sub}, {@code iat} and {@code exp}; an admin token also carries {@code "role": "admin"}.
 * Thread-safe.
 */
public final class TokenSigner {

  private final Algorithm algorithm;

  public TokenSigner(String secret) {
    this.algorithm = Algorithm.HMAC256(secret);
  }

  /** A client token of {@code user}, issued at {@code now}, that expires after {@code ttl}. */
  public String user(String user, Duration ttl, Instant now) {
    return JWT.create().withSubject(user).withIssuedAt(now).withExpiresAt(now.plus(ttl)).sign(algorithm);
  }

  /** An admin token naming {@code caller}, issued at {@code now}, that expires after {@code ttl}. */
  public String admin(String caller, Duration ttl, Instant now) {
    return JWT.create().withSubject(caller).withClaim(TokenVerifier.ROLE_CLAIM, TokenVerifier.ADMIN_ROLE)
        .withIssuedAt(now).withExpiresAt(now.plus(ttl)).sign(algorithm);
  }
}
