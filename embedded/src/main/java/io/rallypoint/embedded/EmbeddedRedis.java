package io.rallypoint.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * A real {@code redis-server} (the binary Maven ships in {@code embedded-redis}) run as a child
 * process on 127.0.0.1, with an append-only file in a directory of ours: the conversations'
 * sequence counters and idempotency keys live in Redis, so they must survive a restart.
 */
public final class EmbeddedRedis implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedis.class);

  private static final String PID_FILE = "redis.pid";

  private final RedisServer server;
  private final int port;

  private EmbeddedRedis(RedisServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /**
   * Starts a server on {@code port} (0: a free one, chosen again if another process binds it
   * first) keeping its data (AOF, fsync every second) in {@code dataDir}.
   */
  public static EmbeddedRedis start(Path dataDir, int port) {
    if (port == 0) {
      return FreePorts.retryingBind(free -> start(dataDir, free));
    }
    try {
      Files.createDirectories(dataDir);
      Path pidFile = dataDir.resolve(PID_FILE);
      stopLeftover(dataDir);
      RedisServer server = RedisServer.newRedisServer()
          .bind("127.0.0.1")
          .port(port)
          .setting("dir " + dataDir.toAbsolutePath())
          .setting("appendonly yes")
          .setting("appendfsync everysec")
          // no RDB snapshots: the AOF already keeps everything, and a snapshot forks the server
          // and rewrites the whole data set every minute while chat traffic runs
          .setting("save \"\"")
          // The AOF is rewritten (compacted) in a forked child each time it doubles; each chat
          // message adds about 0.5 KB to it. At 3,500 sends/s a rewrite of 290 MB took 11 s of a
          // core, a third of it LZF-compressing the RDB preamble: no compression (a larger file, the
          // CPU left for traffic), and a rewrite only when the file has tripled.
          .setting("rdbcompression no")
          .setting("auto-aof-rewrite-percentage 200")
          .setting("pidfile " + pidFile.toAbsolutePath())
          .build();
      server.start();
      LOG.info("Embedded Redis ready on 127.0.0.1:{} (data in {})", port, dataDir);
      return new EmbeddedRedis(server, port);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded Redis in " + dataDir + " on port " + port, e);
    }
  }

  /** The port it listens on. */
  public int port() {
    return port;
  }

  /** Stops a server an earlier, killed run left running on this data directory (it holds the port and the data). */
  public static void stopLeftover(Path dataDir) {
    StaleServer.stopIfRunning(dataDir.resolve(PID_FILE), "redis");
  }

  /** {@code REDIS_URL} of this server. */
  public String redisUrl() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (IOException e) {
      throw new UncheckedIOException("stopping the embedded Redis failed", e);
    }
  }
}
