package io.rallypoint.launcher.tokens;

import io.rallypoint.gateway.auth.TokenSigner;
import io.rallypoint.schemas.config.Env;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Mints the JWTs the gateway takes (PROTOCOL section 1.1): HS256 with {@code CHAT_JWT_SECRET},
 * the user in {@code sub}, {@code iat} and {@code exp}; an admin token (section 5) also carries
 * {@code "role": "admin"}. The gateway's {@link TokenSigner} signs; this class checks the user id
 * and the life asked for on the command line.
 */
public final class Tokens {

  /** The longest life a minted token may have: a token is a credential, not an account. */
  public static final Duration MAX_TTL = Duration.ofDays(365);

  private final TokenSigner signer;

  private Tokens(String secret) {
    this.signer = new TokenSigner(secret);
  }

  /** Signs with {@code secret}, the gateway's {@code CHAT_JWT_SECRET}. */
  public static Tokens withSecret(String secret) {
    return new Tokens(secret);
  }

  /**
   * The gateway's secret: {@code CHAT_JWT_SECRET}, else the dev secret {@code up} keeps in its
   * state folder; neither is an error that says what to do.
   */
  public static Tokens fromSecretOf(Env env, Path stateDir) {
    String secret = env.optional("CHAT_JWT_SECRET").filter(s -> !s.isBlank())
        .or(() -> DevSecret.load(stateDir))
        .orElseThrow(() -> new IllegalArgumentException("no secret to sign with: set CHAT_JWT_SECRET to the gateway's"
            + " secret, or run `./rallypoint up` once (it keeps a dev secret in " + stateDir + ")"));
    return new Tokens(secret);
  }

  /** A client token for {@code user} that expires after {@code ttl}. */
  public String user(String user, Duration ttl, Instant now) {
    return signer.user(requireUser(user), requireTtl(ttl), now);
  }

  /** An admin token (claim {@code role} = {@code admin}) naming {@code caller}, that expires after {@code ttl}. */
  public String admin(String caller, Duration ttl, Instant now) {
    return signer.admin(requireUser(caller), requireTtl(ttl), now);
  }

  private static String requireUser(String user) {
    int length = user.codePointCount(0, user.length());
    if (user.isBlank() || length > 128) {
      throw new IllegalArgumentException("a user id is 1 to 128 characters, not blank: '" + user + "'");
    }
    return user;
  }

  private static Duration requireTtl(Duration ttl) {
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("--ttl must be more than zero and at most " + MAX_TTL.toDays() + " days: " + ttl);
    }
    return ttl;
  }
}
