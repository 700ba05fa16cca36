package io.rallypoint.testsupport;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Redis logical database of its own for one test class, on the server named by
 * {@code REDIS_URL} (default: the local service, or an embedded server when there is none; see
 * {@link TestServers}). Databases 1..15 are handed out through lock keys
 * in database 0, so concurrent test JVMs never share one; each is flushed before and after use.
 *
 * <pre>{@code @RegisterExtension static final RedisDatabase redis = new RedisDatabase();}</pre>
 */
public final class RedisDatabase implements BeforeAllCallback, AfterAllCallback {

  private static final String LOCK_PREFIX = "rallypoint:test:db-lock:";
  private static final long LOCK_SECONDS = 3_600;

  private final RedisURI server;
  private final String owner = UUID.randomUUID().toString();
  private int database = -1;

  public RedisDatabase() {
    this.server = TestServers.redis();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    try (RedisClient client = RedisClient.create(server);
        StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> redis = connection.sync();
      for (int db = 1; db < 16 && database < 0; db++) {
        if ("OK".equals(redis.set(LOCK_PREFIX + db, owner, SetArgs.Builder.nx().ex(LOCK_SECONDS)))) {
          database = db;
        }
      }
      if (database < 0) {
        throw new IllegalStateException("all Redis databases 1..15 on " + server + " are taken by other tests");
      }
      redis.select(database);
      redis.flushdb();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (database < 0) {
      return; // the class was skipped before beforeAll ran
    }
    try (RedisClient client = RedisClient.create(server);
        StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> redis = connection.sync();
      redis.select(database);
      redis.flushdb();
      redis.select(0);
      if (owner.equals(redis.get(LOCK_PREFIX + database))) {
        redis.del(LOCK_PREFIX + database);
      }
    }
  }

  /** The database index this class owns. */
  public int database() {
    return database;
  }

  /** {@code redis://host:port/db} for this class's database, the form of {@code REDIS_URL}. */
  public String url() {
    RedisURI uri = RedisURI.builder(server).withDatabase(database).build();
    return "redis://" + uri.getHost() + ":" + uri.getPort() + "/" + database;
  }

  /** A client on this class's database; close it. */
  public RedisClient client() {
    return RedisClient.create(url());
  }
}
