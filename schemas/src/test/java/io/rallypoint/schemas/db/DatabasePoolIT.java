package io.rallypoint.schemas.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.rallypoint.schemas.db.DatabasePool.Access;
import io.rallypoint.schemas.db.DatabasePool.Settings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Pools against the local PostgreSQL ({@code DATABASE_URL}, else 127.0.0.1:5432/test), and against none. */
class DatabasePoolIT {

  @Test
  void a_read_only_pool_reads_and_postgresql_refuses_its_writes() throws SQLException {
    try (HikariDataSource pool = DatabasePool.open(DatabaseUrl.fromEnvironmentOrLocal(),
            new Settings("read-only-it", 1, 0, Duration.ofSeconds(3), Duration.ofSeconds(2), Access.READ_ONLY));
        Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT 41 + 1")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(42);
      }
      c.setAutoCommit(false); // rolled back below, should PostgreSQL take it after all
      try {
        assertThatThrownBy(() -> s.execute("CREATE TABLE pool_it (x int)"))
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("read-only transaction");
      } finally {
        c.rollback();
      }
    }
  }

  @Test
  void a_pool_opens_while_postgresql_is_down_and_a_caller_waits_only_its_connection_timeout() {
    // nothing listens on port 1
    try (HikariDataSource pool = DatabasePool.open(DatabaseUrl.parse("postgresql://postgres@127.0.0.1:1/test"),
        new Settings("down-it", 1, 1, Duration.ofMillis(500), Duration.ofMillis(250), Access.READ_WRITE))) {
      long started = System.nanoTime();
      assertThatThrownBy(pool::getConnection).isInstanceOf(SQLException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }
  }
}
