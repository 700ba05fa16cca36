package io.rallypoint.gateway.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.RegisteredClaims;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.AlgorithmMismatchException;
import com.auth0.jwt.exceptions.IncorrectClaimException;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.MissingClaimException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Checks a client token: a JWT signed HS256 with {@code CHAT_JWT_SECRET}, whose {@code sub} is the
 * user id, with an {@code exp} (required: every token has a bounded life) that has not passed;
 * {@code nbf} and {@code iat} are honoured too, without leeway. A refusal says why, for the 401's
 * body. An admin token (PROTOCOL section 5) is such a token with the claim {@code "role": "admin"}.
 * Thread-safe.
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

  /** The answer of {@link #adminAccess}: the access and the token's {@code sub}. */
  public record AdminCheck(AdminAccess access, String subject) {}

  /** What a token is worth. */
  public sealed interface Result permits Valid, Refused {}

  /** A valid token of {@code user}, good until {@code expiresAt}. */
  public record Valid(String user, Instant expiresAt) implements Result {}

  /** Not a valid token; {@code reason} is for the person holding it. */
  public record Refused(String reason) implements Result {}

  private final JWTVerifier verifier;
  private final Clock clock;

  public TokenVerifier(String secret, Clock clock) {
    this.verifier = ((JWTVerifier.BaseVerification) JWT.require(Algorithm.HMAC256(secret))
        .withClaimPresence(RegisteredClaims.EXPIRES_AT))
        .build(clock);
    this.clock = clock;
  }

  public Result verify(String token) {
    if (token == null || token.isBlank()) {
      return new Refused("no token");
    }
    DecodedJWT jwt;
    try {
      jwt = verifier.verify(token);
    } catch (TokenExpiredException e) {
      return new Refused("the token expired at " + e.getExpiredOn());
    } catch (MissingClaimException e) {
      return new Refused("the token has no " + e.getClaimName() + " claim: every token must expire (exp is required)");
    } catch (IncorrectClaimException e) {
      return new Refused("the token's " + e.getClaimName() + " claim is not met: the token is not valid yet");
    } catch (SignatureVerificationException | AlgorithmMismatchException e) {
      return new Refused("the token is not signed HS256 with this gateway's secret");
    } catch (JWTDecodeException e) {
      return new Refused("the token is not a JWT");
    } catch (JWTVerificationException e) {
      return new Refused("the token is not valid: " + e.getMessage());
    }
    String subject = jwt.getSubject();
    if (subject == null || subject.isBlank()) {
      return new Refused("the token has no sub (user id)");
    }
    return new Valid(subject, jwt.getExpiresAtAsInstant());
  }

  /**
   * What the token may do on the admin API, and whose it is (for the logs; null when {@code NONE}):
   * a token {@link #verify} takes is an admin's when its {@code role} is {@code admin}.
   */
  public AdminCheck adminAccess(String token) {
    if (token == null || !(verify(token) instanceof Valid valid)) {
      return new AdminCheck(AdminAccess.NONE, null);
    }
    Claim role = JWT.decode(token).getClaim(ROLE_CLAIM);
    return new AdminCheck(ADMIN_ROLE.equals(role.asString()) ? AdminAccess.ADMIN : AdminAccess.USER, valid.user());
  }

  /** How long a valid token has left, by this verifier's clock (negative once expired). */
  public Duration remaining(Valid token) {
    return Duration.between(clock.instant(), token.expiresAt());
  }
}
