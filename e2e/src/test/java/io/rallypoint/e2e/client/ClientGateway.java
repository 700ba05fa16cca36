package io.rallypoint.e2e.client;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.rallypoint.client.ClientOptions;
import io.rallypoint.client.RallypointClient;
import io.rallypoint.gateway.GatewayConfig;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.schemas.config.Env;
import io.rallypoint.testsupport.KafkaBroker;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A real gateway for the SDK's tests (the test class's PostgreSQL schema and Redis database, the shared broker), its users and conversations. */
final class ClientGateway {

  static final String SECRET = "e2e-secret-for-the-java-client";

  private ClientGateway() {}

  /** A gateway on a free port; {@code extra} overrides its environment. */
  static GatewayServer start(PostgresSchema db, RedisDatabase redis, Map<String, String> extra) {
    KafkaBroker.ensureTopics();
    Map<String, String> env = new HashMap<>();
    env.put("CHAT_JWT_SECRET", SECRET);
    env.put("GATEWAY_PORT", "0");
    env.put("KAFKA_BOOTSTRAP_SERVERS", KafkaBroker.bootstrapServers());
    env.put("DATABASE_URL", db.jdbcUrlWithCredentials());
    env.put("REDIS_URL", redis.url());
    env.put("GATEWAY_MEMBERSHIP_CACHE_TTL", "PT0.2S");
    env.put("GATEWAY_CONSENT_CACHE_TTL", "PT0.2S");
    env.putAll(extra);
    return GatewayServer.start(GatewayConfig.from(Env.of(env)));
  }

  static URI ws(int port) {
    return URI.create("ws://127.0.0.1:" + port + "/ws");
  }

  /** A client token of {@code user}, valid for {@code ttl}. */
  static String token(String user, Duration ttl) {
    return JWT.create().withSubject(user).withExpiresAt(Instant.now().plus(ttl)).sign(Algorithm.HMAC256(SECRET));
  }

  static String token(String user) {
    return token(user, Duration.ofHours(1));
  }

  /** The options of these tests: the defaults, with reconnects quick enough for a test to wait for. */
  static ClientOptions.Builder options(int port, String... conversations) {
    return ClientOptions.builder(ws(port))
        .conversations(List.of(conversations))
        .initialBackoff(Duration.ofMillis(100))
        .maxBackoff(Duration.ofSeconds(1));
  }

  /** A started client of {@code user} telling {@code events}. */
  static RallypointClient client(ClientOptions options, String user, ClientEvents events) {
    RallypointClient client = new RallypointClient(options, token(user));
    client.addListener(events);
    client.start();
    return client;
  }

  /** A user id no other test uses. */
  static String user(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A new conversation with these members. */
  static String conversation(PostgresSchema db, String... members) {
    String id = "ride-" + UUID.randomUUID();
    db.sql("INSERT INTO conversations (id) VALUES ('" + id + "')");
    for (String member : members) {
      db.sql("INSERT INTO conversation_members (conversation_id, user_id) VALUES ('" + id + "', '" + member + "')");
    }
    return id;
  }

  /** The user agrees to share their location. */
  static void consent(PostgresSchema db, String user) {
    db.sql("INSERT INTO user_preferences (user_id, location_sharing_enabled) VALUES ('" + user + "', true)");
  }
}
