package io.rallypoint.gateway.location;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The {@code recording_sessions} table. Blocking JDBC: call it off the event loops. */
public interface RecordingSessionDao {

  /** What a {@code session} frame did to the table. */
  enum Outcome {
    /** Recorded (or already so: a resent frame). */
    RECORDED,
    /** The session id belongs to another user. */
    FORBIDDEN,
    /** {@code started} for a session that has already ended. */
    ALREADY_ENDED
  }

  /** A session's owner and whether it is still going. */
  record Session(String user, boolean active) {}

  /** Records that {@code user} started {@code session} at {@code at}. */
  default Outcome start(String session, String user, Instant at) {
    if (insertStarted(session, user, utc(at)) == 1) {
      return Outcome.RECORDED;
    }
    Session existing = existing(session);
    if (!existing.user().equals(user)) {
      return Outcome.FORBIDDEN;
    }
    return existing.active() ? Outcome.RECORDED : Outcome.ALREADY_ENDED;
  }

  /**
   * Records that {@code user} ended {@code session} at {@code at} (never before it started). A session
   * this table has never seen is created already ended (its {@code started} frame was lost or is late),
   * so it can never become active afterwards. Ending an ended session again changes nothing.
   */
  default Outcome end(String session, String user, Instant at) {
    if (upsertEnded(session, user, utc(at)) == 1) {
      return Outcome.RECORDED;
    }
    return existing(session).user().equals(user) ? Outcome.RECORDED : Outcome.FORBIDDEN;
  }

  /** The session, when the table has it. */
  @SqlQuery("SELECT user_id AS user, ended_at IS NULL AS active FROM recording_sessions WHERE id = :session")
  @RegisterConstructorMapper(Session.class)
  Optional<Session> find(@Bind("session") String session);

  /** Those of {@code users} with a session that has not ended (the partial index on active sessions serves it). */
  @SqlQuery("SELECT DISTINCT user_id FROM recording_sessions WHERE ended_at IS NULL AND user_id = ANY(:users)")
  List<String> activeAmong(@Bind("users") String[] users);

  @SqlUpdate("INSERT INTO recording_sessions (id, user_id, started_at) VALUES (:session, :user, :at) ON CONFLICT (id) DO NOTHING")
  int insertStarted(@Bind("session") String session, @Bind("user") String user, @Bind("at") OffsetDateTime at);

  @SqlUpdate("""
      INSERT INTO recording_sessions AS r (id, user_id, started_at, ended_at) VALUES (:session, :user, :at, :at)
      ON CONFLICT (id) DO UPDATE SET ended_at = GREATEST(r.started_at, EXCLUDED.ended_at)
      WHERE r.user_id = EXCLUDED.user_id AND r.ended_at IS NULL
      """)
  int upsertEnded(@Bind("session") String session, @Bind("user") String user, @Bind("at") OffsetDateTime at);

  private Session existing(String session) {
    return find(session).orElseThrow(() -> new IllegalStateException("session " + session + " vanished"));
  }

  private static OffsetDateTime utc(Instant at) {
    return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
  }
}
