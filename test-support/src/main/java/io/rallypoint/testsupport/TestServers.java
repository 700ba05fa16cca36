package io.rallypoint.testsupport;

import io.lettuce.core.RedisURI;
import io.rallypoint.embedded.EmbeddedPostgres;
import io.rallypoint.embedded.EmbeddedRedis;
import io.rallypoint.schemas.db.DatabaseUrl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL and Redis of this test JVM: the servers named by {@code DATABASE_URL} and
 * {@code REDIS_URL}; else the local services on 127.0.0.1 (5432, database {@code test}; 6379)
 * when they answer; else real servers started once from the Maven-shipped binaries and stopped
 * when the JVM exits, so the tests run on a machine that has nothing but a JDK.
 */
final class TestServers {

  private static final Logger LOG = LoggerFactory.getLogger(TestServers.class);

  private TestServers() {}

  static DatabaseUrl postgres() {
    return Postgres.URL;
  }

  static RedisURI redis() {
    return Redis.URI;
  }

  private static final class Postgres {
    static final DatabaseUrl URL = resolve();

    private static DatabaseUrl resolve() {
      String env = System.getenv("DATABASE_URL");
      if (env != null && !env.isBlank()) {
        return DatabaseUrl.parse(env);
      }
      DatabaseUrl local = DatabaseUrl.parse(DatabaseUrl.LOCAL_DEFAULT).withParameter("connectTimeout", "2");
      try (Connection c = local.simpleDataSource().getConnection()) {
        return DatabaseUrl.parse(DatabaseUrl.LOCAL_DEFAULT);
      } catch (SQLException e) {
        LOG.info("No PostgreSQL at {} ({}); starting an embedded one for the tests", local, e.getMessage());
      }
      Path dir = ScratchDir.create("rallypoint-test-postgres-");
      EmbeddedPostgres server = EmbeddedPostgres.start(dir, 0);
      ScratchDir.stopAtExit(server::close, dir, "embedded-postgres-stop");
      return DatabaseUrl.parse(server.databaseUrl());
    }
  }

  private static final class Redis {
    static final RedisURI URI = resolve();

    private static RedisURI resolve() {
      String env = System.getenv("REDIS_URL");
      if (env != null && !env.isBlank()) {
        if (env.trim().toLowerCase(java.util.Locale.ROOT).startsWith("redis-cluster://")) {
          // RedisDatabase hands out databases 1..15, which a cluster does not have
          throw new IllegalStateException("REDIS_URL=" + env + " names a Redis Cluster; the tests need a standalone"
              + " Redis there (RedisClusterFixture starts its own cluster)");
        }
        return RedisURI.create(env.trim());
      }
      if (answersPing("127.0.0.1", 6379)) {
        return RedisURI.create("redis://127.0.0.1:6379");
      }
      LOG.info("No Redis at 127.0.0.1:6379; starting an embedded one for the tests");
      Path dir = ScratchDir.create("rallypoint-test-redis-");
      EmbeddedRedis server = EmbeddedRedis.start(dir, 0);
      ScratchDir.stopAtExit(server::close, dir, "embedded-redis-stop");
      return RedisURI.create(server.redisUrl());
    }

    private static boolean answersPing(String host, int port) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(host, port), 1_000);
        socket.setSoTimeout(1_000);
        OutputStream out = socket.getOutputStream();
        out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] reply = in.readNBytes(5);
        return "+PONG".equals(new String(reply, StandardCharsets.US_ASCII));
      } catch (IOException e) {
        return false;
      }
    }
  }

}
