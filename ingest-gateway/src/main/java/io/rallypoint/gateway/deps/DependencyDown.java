package io.rallypoint.gateway.deps;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jdbi.v3.core.JdbiException;

/** A dependency (Kafka, Redis, PostgreSQL) did not answer; the frame was not accepted. */
public final class DependencyDown extends RuntimeException {

  /** A blocking PostgreSQL call (JDBC). */
  @FunctionalInterface
  public interface SqlCall<T> {
    T call() throws SQLException;
  }

  /**
   * Runs a blocking PostgreSQL call; its failure ({@link SQLException}, or Jdbi's
   * {@link JdbiException} around one) becomes {@code DependencyDown("PostgreSQL")}.
   */
  public static <T> T postgres(SqlCall<T> call) {
    try {
      return call.call();
    } catch (SQLException | JdbiException e) {
      throw new DependencyDown("PostgreSQL", e);
    }
  }

  /** {@link #postgres} on the blocking executor, never on an event loop. */
  public static <T> CompletableFuture<T> postgresAsync(SqlCall<T> call, Executor blocking) {
    return CompletableFuture.supplyAsync(() -> postgres(call), blocking);
  }

  private final String dependency;

  public DependencyDown(String dependency, Throwable cause) {
    super(dependency + " is unavailable: " + cause.getMessage(), cause);
    this.dependency = dependency;
  }

  public String dependency() {
    return dependency;
  }
}
