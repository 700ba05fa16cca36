package io.rallypoint.gateway.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.time.Clock;
import java.util.Optional;

/**
 * Checks a client token: a JWT signed HS256 with {@code CHAT_JWT_SECRET}, not expired ({@code exp}
 * is honoured when present), whose {@code sub} is the user id; and an admin token (PROTOCOL
 * section 5): the same, with {@code exp} required and the claim {@code "role": "admin"}. Thread-safe.
 */
public final class TokenVerifier {

  /** The claim that makes a token an admin token, and its value. */
  public static final String ROLE_CLAIM = "role";
  public static final String ADMIN_ROLE = "admin";

  /** What a token may do on the admin API. */
  public enum AdminAccess {
    /** Missing, malformed, wrongly signed, expired, not yet valid, without {@code sub} or {@code exp}: 401. */
    NONE,
    /** A valid token without {@code "role": "admin"}: 403. */
    USER,
    /** A valid admin token. */
    ADMIN
  }

  private final JWTVerifier verifier;
  private final JWTVerifier adminVerifier;

  public TokenVerifier(String secret, Clock clock) {
    Algorithm algorithm = Algorithm.HMAC256(secret);
    this.verifier = ((JWTVerifier.BaseVerification) JWT.require(algorithm)).build(clock);
    this.adminVerifier = ((JWTVerifier.BaseVerification) JWT.require(algorithm)
        .withClaimPresence("exp")
        .withClaimPresence("sub")).build(clock);
  }

  /** The user id, or empty when the token is malformed, wrongly signed, expired or has no subject. */
  public Optional<String> userOf(String token) {
    return verified(verifier, token).map(DecodedJWT::getSubject).filter(subject -> !subject.isBlank());
  }

  /**
   * What the token may do on the admin API, and whose it is (for the logs; null when {@code NONE}).
   * A token without {@code exp} is not valid there.
   */
  public AdminCheck adminAccess(String token) {
    Optional<DecodedJWT> jwt = verified(adminVerifier, token).filter(j -> !j.getSubject().isBlank());
    if (jwt.isEmpty()) {
      return new AdminCheck(AdminAccess.NONE, null);
    }
    Claim role = jwt.get().getClaim(ROLE_CLAIM);
    return new AdminCheck(ADMIN_ROLE.equals(role.asString()) ? AdminAccess.ADMIN : AdminAccess.USER,
        jwt.get().getSubject());
  }

  /** The answer of {@link #adminAccess}: the access and the token's {@code sub}. */
  public record AdminCheck(AdminAccess access, String subject) {}

  private static Optional<DecodedJWT> verified(JWTVerifier verifier, String token) {
    if (token == null || token.isBlank()) {
      return Optional.empty();
    }
    try {
      DecodedJWT jwt = verifier.verify(token);
      return jwt.getSubject() == null ? Optional.empty() : Optional.of(jwt);
    } catch (JWTVerificationException e) {
      return Optional.empty();
    }
  }
}
