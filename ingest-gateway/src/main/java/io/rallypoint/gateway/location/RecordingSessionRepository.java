package io.rallypoint.gateway.location;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import javax.sql.DataSource;

/** Reads and writes {@code recording_sessions}. Blocking JDBC: call it off the event loops. */
public final class RecordingSessionRepository {

  /** What a {@code session} frame did to the table. */
  public enum Outcome {
    /** Recorded (or already so: a resent frame). */
    RECORDED,
    /** The session id belongs to another user. */
    FORBIDDEN,
    /** {@code started} for a session that has already ended. */
    ALREADY_ENDED
  }

  /** A session's owner and whether it is still going. */
  public record Session(String user, boolean active) {}

  private final DataSource dataSource;

  public RecordingSessionRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Records that {@code user} started {@code session} at {@code at}. */
  public Outcome start(String session, String user, Instant at) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("INSERT INTO recording_sessions (id, user_id, started_at)"
            + " VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
      s.setString(1, session);
      s.setString(2, user);
      s.setObject(3, utc(at));
      if (s.executeUpdate() == 1) {
        return Outcome.RECORDED;
      }
    }
    Session existing = find(session).orElseThrow(() -> new SQLException("session " + session + " vanished"));
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
  public Outcome end(String session, String user, Instant at) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("INSERT INTO recording_sessions AS r (id, user_id, started_at, ended_at)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE"
            + " SET ended_at = GREATEST(r.started_at, EXCLUDED.ended_at)"
            + " WHERE r.user_id = EXCLUDED.user_id AND r.ended_at IS NULL")) {
      s.setString(1, session);
      s.setString(2, user);
      s.setObject(3, utc(at));
      s.setObject(4, utc(at));
      if (s.executeUpdate() == 1) {
        return Outcome.RECORDED;
      }
    }
    Session existing = find(session).orElseThrow(() -> new SQLException("session " + session + " vanished"));
    return existing.user().equals(user) ? Outcome.RECORDED : Outcome.FORBIDDEN;
  }

  /** The session, when the table has it. */
  public Optional<Session> find(String session) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT user_id, ended_at IS NULL FROM recording_sessions WHERE id = ?")) {
      s.setString(1, session);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(new Session(rs.getString(1), rs.getBoolean(2))) : Optional.empty();
      }
    }
  }

  private static OffsetDateTime utc(Instant at) {
    return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
  }
}
