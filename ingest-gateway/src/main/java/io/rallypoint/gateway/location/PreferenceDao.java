package io.rallypoint.gateway.location;

import java.util.Optional;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The {@code user_preferences} table. Blocking JDBC: call it off the event loops. */
public interface PreferenceDao {

  /** The user's {@code location_sharing_enabled}; false when the user has no preferences row. */
  default boolean locationSharingEnabled(String user) {
    return findLocationSharing(user).orElse(false);
  }

  @SqlQuery("SELECT location_sharing_enabled FROM user_preferences WHERE user_id = :user")
  Optional<Boolean> findLocationSharing(@Bind("user") String user);

  /** Sets the user's {@code location_sharing_enabled}, creating the user's row when missing. */
  @SqlUpdate("""
      INSERT INTO user_preferences (user_id, location_sharing_enabled, updated_at) VALUES (:user, :enabled, now())
      ON CONFLICT (user_id) DO UPDATE SET location_sharing_enabled = EXCLUDED.location_sharing_enabled, updated_at = now()
      """)
  void setLocationSharingEnabled(@Bind("user") String user, @Bind("enabled") boolean enabled);
}
