package io.rallypoint.gateway.location;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Reads and writes {@code user_preferences}. Blocking JDBC: call it off the event loops. */
public final class PreferenceRepository {

  private final DataSource dataSource;

  public PreferenceRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The user's {@code location_sharing_enabled}; false when the user has no preferences row. */
  public boolean locationSharingEnabled(String user) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT location_sharing_enabled FROM user_preferences WHERE user_id = ?")) {
      s.setString(1, user);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  /** Sets the user's {@code location_sharing_enabled}, creating the user's row when missing. */
  public void setLocationSharingEnabled(String user, boolean enabled) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "INSERT INTO user_preferences (user_id, location_sharing_enabled, updated_at) VALUES (?, ?, now())"
                + " ON CONFLICT (user_id) DO UPDATE SET location_sharing_enabled = EXCLUDED.location_sharing_enabled,"
                + " updated_at = now()")) {
      s.setString(1, user);
      s.setBoolean(2, enabled);
      s.executeUpdate();
    }
  }
}
