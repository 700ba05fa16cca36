package io.rallypoint.gateway.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.time.Clock;
import java.util.Optional;

/**
 * Checks a client token: a JWT signed HS256 with {@code CHAT_JWT_SECRET}, not expired ({@code exp}
 * is honoured when present), whose {@code sub} is the user id. Thread-safe.
 */
public final class TokenVerifier {

  private final JWTVerifier verifier;

  public TokenVerifier(String secret, Clock clock) {
    this.verifier = ((JWTVerifier.BaseVerification) JWT.require(Algorithm.HMAC256(secret))).build(clock);
  }

  /** The user id, or empty when the token is malformed, wrongly signed, expired or has no subject. */
  public Optional<String> userOf(String token) {
    if (token == null || token.isBlank()) {
      return Optional.empty();
    }
    try {
      DecodedJWT jwt = verifier.verify(token);
      String subject = jwt.getSubject();
      return subject == null || subject.isBlank() ? Optional.empty() : Optional.of(subject);
    } catch (JWTVerificationException e) {
      return Optional.empty();
    }
  }
}
