package io.rallypoint.testsupport;

import io.rallypoint.schemas.db.DatabaseUrl;
import io.rallypoint.schemas.db.Migrations;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A PostgreSQL schema of its own for one test class, in the database named by
 * {@code DATABASE_URL} (default: the local service, or an embedded server when there is none; see
 * {@link TestServers}). It is created before the class, migrated
 * unless asked otherwise, and dropped after it, so test classes never see each other's rows.
 *
 * <pre>{@code @RegisterExtension static final PostgresSchema db = PostgresSchema.migrated();}</pre>
 */
public final class PostgresSchema implements BeforeAllCallback, AfterAllCallback {

  private final boolean migrate;
  private final DatabaseUrl server = TestServers.postgres();
  private String schema;
  private DatabaseUrl url;

  private PostgresSchema(boolean migrate) {
    this.migrate = migrate;
  }

  /** A schema with every migration applied. */
  public static PostgresSchema migrated() {
    return new PostgresSchema(true);
  }

  /** An empty schema (for testing the migrations themselves). */
  public static PostgresSchema empty() {
    return new PostgresSchema(false);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws SQLException {
    String owner = context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    schema = "it_" + owner.substring(0, Math.min(owner.length(), 30)) + "_"
        + UUID.randomUUID().toString().substring(0, 8);
    execute("CREATE SCHEMA " + schema);
    url = server.withParameter("currentSchema", schema);
    if (migrate) {
      Migrations.migrate(dataSource());
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws SQLException {
    if (schema == null) {
      return; // the class was skipped before beforeAll ran
    }
    execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }

  /** The schema's name. */
  public String schema() {
    return schema;
  }

  /** The database URL with this schema as the current one; give it to the service under test. */
  public DatabaseUrl databaseUrl() {
    return url;
  }

  /** {@link #databaseUrl()} in the {@code DATABASE_URL} form a service reads from its environment. */
  public String jdbcUrlWithCredentials() {
    String base = url.jdbcUrl();
    String sep = base.contains("?") ? "&" : "?";
    return base + (url.user() == null ? "" : sep + "user=" + url.user())
        + (url.password() == null ? "" : "&password=" + url.password());
  }

  /** An unpooled data source on this schema. */
  public DataSource dataSource() {
    return url.simpleDataSource();
  }

  /** Runs one SQL statement in this schema (test setup: members, preferences, ...). */
  public void sql(String statement) {
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute(statement);
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed: " + statement, e);
    }
  }

  private void execute(String statement) throws SQLException {
    try (Connection c = server.simpleDataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }
}
