package io.rallypoint.gateway.location;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Reads {@code user_preferences}. Blocking JDBC: call it off the event loops. */
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
}
