package io.rallypoint.schemas.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.Objects;

/**
 * Builds a service's PostgreSQL connection pool (HikariCP) from its {@link DatabaseUrl}: the one
 * place every service does it, with each service's own settings spelled out by the caller.
 *
 * <p>Every pool starts even while PostgreSQL is down: the service comes up, its readiness says
 * PostgreSQL does not answer, and the pool connects once it does.
 */
public final class DatabasePool {

  /** HikariCP raises any timeout below this to it. */
  private static final Duration SHORTEST_TIMEOUT = Duration.ofMillis(250);

  private DatabasePool() {}

  /** Whether the pool's connections may write. */
  public enum Access {
    READ_WRITE,
    /** Every connection is read-only: PostgreSQL refuses a write through it. */
    READ_ONLY
  }

  /**
   * How one service's pool behaves.
   *
   * @param name              the pool's name in logs and thread names
   * @param maxSize           the most connections it opens
   * @param minIdle           connections it keeps open while idle ({@code maxSize}: a fixed-size pool)
   * @param connectionTimeout how long a caller waits for a connection before it fails
   * @param validationTimeout how long checking that a connection is alive may take
   * @param access            read-write, or read-only connections
   */
  public record Settings(String name, int maxSize, int minIdle, Duration connectionTimeout,
      Duration validationTimeout, Access access) {

    public Settings {
      Objects.requireNonNull(access, "access");
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("a pool needs a name");
      }
      if (maxSize < 1 || minIdle < 0 || minIdle > maxSize) {
        throw new IllegalArgumentException("pool " + name + " needs 0 <= minIdle <= maxSize and maxSize >= 1, got "
            + minIdle + " and " + maxSize);
      }
      if (connectionTimeout.compareTo(SHORTEST_TIMEOUT) < 0 || validationTimeout.compareTo(SHORTEST_TIMEOUT) < 0) {
        throw new IllegalArgumentException("pool " + name + " needs timeouts of at least " + SHORTEST_TIMEOUT
            + ", got " + connectionTimeout + " and " + validationTimeout);
      }
    }
  }

  /** Opens the pool; it connects in the background, so this returns even while PostgreSQL is down. */
  public static HikariDataSource open(DatabaseUrl database, Settings settings) {
    return new HikariDataSource(config(database, settings));
  }

  /** The HikariCP configuration of {@link #open}. */
  static HikariConfig config(DatabaseUrl database, Settings settings) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName(settings.name());
    hikari.setJdbcUrl(database.jdbcUrl());
    if (database.user() != null) {
      hikari.setUsername(database.user());
    }
    if (database.password() != null) {
      hikari.setPassword(database.password());
    }
    hikari.setMaximumPoolSize(settings.maxSize());
    hikari.setMinimumIdle(settings.minIdle());
    hikari.setConnectionTimeout(settings.connectionTimeout().toMillis());
    hikari.setValidationTimeout(settings.validationTimeout().toMillis());
    hikari.setReadOnly(settings.access() == Access.READ_ONLY);
    hikari.setInitializationFailTimeout(-1); // start while PostgreSQL is down; readiness says so
    // PostgreSQL's default, said so that HikariCP never asks the first connection for it: when that
    // question failed (the database went away right after the login), HikariCP kept -1 as the level
    // and could not set up a connection again until a restart (brettwooldridge/HikariCP#1944; seen as
    // a gateway answering 503 with total=0 connections long after PostgreSQL was back)
    hikari.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    return hikari;
  }
}
