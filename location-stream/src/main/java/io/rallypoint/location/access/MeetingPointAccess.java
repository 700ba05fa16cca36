package io.rallypoint.location.access;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Decides whether the caller of {@code GET /meeting-points/{conversation}} may read it: a client
 * token (HS256 with {@code CHAT_JWT_SECRET}, {@code exp} required and honoured, the user in
 * {@code sub}: PROTOCOL section 1) whose user is a row of {@code conversation_members}. Thread-safe; the
 * membership query is blocking JDBC.
 */
public final class MeetingPointAccess {

  private static final String BEARER = "Bearer ";
  private static final String IS_MEMBER =
      "SELECT 1 FROM conversation_members WHERE conversation_id = ? AND user_id = ?";

  private final Optional<JWTVerifier> verifier;
  private final DataSource members;

  /** Without a secret no token can be verified, so every caller is refused. */
  public MeetingPointAccess(Optional<String> jwtSecret, DataSource members) {
    this.verifier = jwtSecret.map(secret -> JWT.require(Algorithm.HMAC256(secret)).withClaimPresence("exp").build());
    this.members = members;
  }

  /** Checks the {@code Authorization} header (null when absent) against the conversation's members. */
  public Caller check(String authorization, String conversation) {
    if (verifier.isEmpty()) {
      return new Caller.Unauthenticated("this instance has no CHAT_JWT_SECRET, so it cannot check tokens");
    }
    if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return new Caller.Unauthenticated("send Authorization: Bearer <client token>");
    }
    String user;
    try {
      user = verifier.get().verify(authorization.substring(BEARER.length()).trim()).getSubject();
    } catch (JWTVerificationException e) {
      return new Caller.Unauthenticated("the token is not valid: " + e.getMessage());
    }
    if (user == null || user.isBlank()) {
      return new Caller.Unauthenticated("the token has no sub");
    }
    try (Connection c = members.getConnection(); PreparedStatement s = c.prepareStatement(IS_MEMBER)) {
      s.setString(1, conversation);
      s.setString(2, user);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? new Caller.Member(user) : new Caller.NotMember(user);
      }
    } catch (SQLException e) {
      return new Caller.Unknown("cannot read the conversation's members: " + e.getMessage());
    }
  }
}
