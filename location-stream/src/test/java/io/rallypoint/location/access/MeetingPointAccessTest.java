package io.rallypoint.location.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Which callers are turned away before the membership is looked up (no database needed). */
class MeetingPointAccessTest {

  private static final String SECRET = "unit-secret";

  /** A data source that must not be asked: these callers never reach the membership query. */
  private static final PGSimpleDataSource UNREACHABLE = new PGSimpleDataSource() {
    @Override
    public java.sql.Connection getConnection() throws SQLException {
      throw new AssertionError("the membership must not be looked up");
    }
  };

  private final MeetingPointAccess access = new MeetingPointAccess(Optional.of(SECRET), UNREACHABLE);

  @Test
  void no_or_another_kind_of_authorization_is_unauthenticated() {
    assertThat(access.check(null, "ride")).isInstanceOf(Caller.Unauthenticated.class);
    assertThat(access.check("Basic YWxpY2U6cHc=", "ride")).isInstanceOf(Caller.Unauthenticated.class);
  }

  @Test
  void a_token_signed_with_another_secret_expired_or_without_exp_or_sub_is_unauthenticated() {
    Instant later = Instant.now().plusSeconds(600);
    assertThat(access.check(bearer(JWT.create().withSubject("alice").withExpiresAt(later), "other"), "ride"))
        .isInstanceOf(Caller.Unauthenticated.class);
    assertThat(access.check(bearer(JWT.create().withSubject("alice").withExpiresAt(Instant.now().minusSeconds(600)), SECRET), "ride"))
        .isInstanceOf(Caller.Unauthenticated.class);
    assertThat(access.check(bearer(JWT.create().withSubject("alice"), SECRET), "ride"))
        .isInstanceOf(Caller.Unauthenticated.class);
    assertThat(access.check(bearer(JWT.create().withExpiresAt(later), SECRET), "ride"))
        .isInstanceOf(Caller.Unauthenticated.class);
  }

  @Test
  void without_a_secret_nobody_is_let_in() {
    MeetingPointAccess unconfigured = new MeetingPointAccess(Optional.empty(), UNREACHABLE);
    String token = bearer(JWT.create().withSubject("alice").withExpiresAt(Instant.now().plusSeconds(600)), SECRET);
    assertThat(unconfigured.check(token, "ride")).isInstanceOf(Caller.Unauthenticated.class);
  }

  @Test
  void a_valid_token_goes_on_to_the_membership_check() {
    String token = bearer(JWT.create().withSubject("alice").withExpiresAt(Instant.now().plusSeconds(600)), SECRET);
    MeetingPointAccess down = new MeetingPointAccess(Optional.of(SECRET), new PGSimpleDataSource() {
      @Override
      public java.sql.Connection getConnection() throws SQLException {
        throw new SQLException("database down");
      }
    });
    assertThat(down.check(token, "ride")).isEqualTo(new Caller.Unknown("cannot read the conversation's members: database down"));
  }

  private static String bearer(com.auth0.jwt.JWTCreator.Builder token, String secret) {
    return "Bearer " + token.sign(Algorithm.HMAC256(secret));
  }
}
