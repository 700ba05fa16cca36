package io.rallypoint.schemas.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import io.rallypoint.schemas.db.DatabasePool.Access;
import io.rallypoint.schemas.db.DatabasePool.Settings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DatabasePoolTest {

  @Test
  void a_pool_takes_the_database_url_with_its_credentials_and_every_setting_of_its_service() {
    HikariConfig config = DatabasePool.config(DatabaseUrl.parse("postgresql://chat:s3cr%40t@db.internal:6543/rallypoint"),
        new Settings("gateway-db", 8, 8, Duration.ofSeconds(3), Duration.ofSeconds(5), Access.READ_WRITE));

    assertThat(config.getJdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/rallypoint");
    assertThat(config.getUsername()).isEqualTo("chat");
    assertThat(config.getPassword()).isEqualTo("s3cr@t");
    assertThat(config.getPoolName()).isEqualTo("gateway-db");
    assertThat(config.getMaximumPoolSize()).isEqualTo(8);
    assertThat(config.getMinimumIdle()).isEqualTo(8);
    assertThat(config.getConnectionTimeout()).isEqualTo(3_000);
    assertThat(config.getValidationTimeout()).isEqualTo(5_000);
    assertThat(config.isReadOnly()).isFalse();
    assertThat(config.getInitializationFailTimeout()).as("starts while PostgreSQL is down").isEqualTo(-1);
    assertThat(config.getTransactionIsolation()).as("never detected from a first connection that may break")
        .isEqualTo("TRANSACTION_READ_COMMITTED");
  }

  @Test
  void a_read_only_pool_without_credentials_lets_the_driver_choose_the_user() {
    HikariConfig config = DatabasePool.config(DatabaseUrl.parse("jdbc:postgresql://h:1/d"),
        new Settings("location-members", 2, 0, Duration.ofSeconds(2), Duration.ofSeconds(1), Access.READ_ONLY));

    assertThat(config.getUsername()).isNull();
    assertThat(config.getPassword()).isNull();
    assertThat(config.getMinimumIdle()).isZero();
    assertThat(config.isReadOnly()).isTrue();
  }

  @Test
  void settings_hikaricp_would_quietly_change_are_refused_with_the_pool_named() {
    assertThatThrownBy(() -> new Settings("persister", 3, 4, Duration.ofSeconds(3), Duration.ofSeconds(2),
        Access.READ_WRITE)).hasMessageContaining("persister").hasMessageContaining("minIdle");
    assertThatThrownBy(() -> new Settings("persister", 3, 3, Duration.ofMillis(100), Duration.ofSeconds(2),
        Access.READ_WRITE)).hasMessageContaining("persister").hasMessageContaining("PT0.25S");
  }
}
