package io.rallypoint.schemas.db;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings a database to the schema of PROTOCOL section 3 with the versioned scripts in
 * {@code db/migration}. Safe to run from every service at start: Flyway takes a lock, applies
 * what is missing and leaves the rest.
 */
public final class Migrations {

  private Migrations() {}

  /** Migrates the connection's current schema (its {@code search_path}); returns the version reached. */
  public static String migrate(DataSource dataSource) {
    MigrateResult result = Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .failOnMissingLocations(true)
        .load()
        .migrate();
    return result.targetSchemaVersion == null ? result.initialSchemaVersion : result.targetSchemaVersion;
  }
}
