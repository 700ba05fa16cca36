package io.rallypoint.gateway.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.client.frame.Endpoint;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.client.frame.ServerFrames;
import io.rallypoint.schemas.json.Json;
import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.rallypoint.gateway.GatewayConfig;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.schemas.config.Env;
import io.rallypoint.testsupport.KafkaBroker;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Starts gateways on the test class's PostgreSQL schema, Redis database and the shared broker. */
public final class Gateways {

  public static final String SECRET = "test-secret-for-the-gateway";

  private Gateways() {}

  /** The environment of a gateway on a free port against the test infrastructure. */
  public static Map<String, String> env(PostgresSchema db, RedisDatabase redis) {
    return env(db, redis.url());
  }

  /** {@link #env} on the Redis at {@code redisUrl} (a Redis Cluster's {@code redis-cluster://} URL, say). */
  static Map<String, String> env(PostgresSchema db, String redisUrl) {
    KafkaBroker.ensureTopics();
    Map<String, String> env = new HashMap<>();
    env.put("CHAT_JWT_SECRET", SECRET);
    env.put("GATEWAY_PORT", "0");
    env.put("KAFKA_BOOTSTRAP_SERVERS", KafkaBroker.bootstrapServers());
    env.put("DATABASE_URL", db.jdbcUrlWithCredentials());
    env.put("REDIS_URL", redisUrl);
    env.put("GATEWAY_MEMBERSHIP_CACHE_TTL", "PT0.2S");
    return env;
  }

  /** {@link #env}, with a rate limit no test's bursts reach (tests that send many frames at once). */
  static Map<String, String> unthrottledEnv(PostgresSchema db, RedisDatabase redis) {
    Map<String, String> env = env(db, redis);
    env.put("GATEWAY_RATE_LIMIT_PER_SECOND", "1000");
    env.put("GATEWAY_RATE_LIMIT_BURST", "1000");
    return env;
  }

  public static GatewayServer start(Map<String, String> env) {
    return GatewayServer.start(GatewayConfig.from(Env.of(env)));
  }

  public static String token(String user) {
    return JWT.create().withSubject(user).withExpiresAt(Instant.now().plusSeconds(3_600)).sign(Algorithm.HMAC256(SECRET));
  }

  /** A token of the app's backend for the admin API (PROTOCOL section 5): {@code "role": "admin"}, with exp. */
  static String adminToken() {
    return JWT.create().withSubject("backend").withClaim("role", "admin")
        .withExpiresAt(Instant.now().plusSeconds(3_600)).sign(Algorithm.HMAC256(SECRET));
  }

  public static URI ws(GatewayServer gateway) {
    return URI.create("ws://127.0.0.1:" + gateway.port() + "/ws");
  }

  public static URI http(GatewayServer gateway, String path) {
    return URI.create("http://127.0.0.1:" + gateway.port() + path);
  }

  public static FrameClient connect(GatewayServer gateway, String user) {
    return connect(ws(gateway), token(user));
  }

  /**
   * A connection to {@code ws} with {@code Authorization: Bearer <token>} that drops pushed presence
   * frames, as a client that shows no presence would, so a test of something else need not skip them.
   */
  static FrameClient connect(URI ws, String token) {
    return FrameClient.connectSkipping(Endpoint.bearer(ws, token), ServerFrames::isPresencePush);
  }

  /** {@link #connect}, keeping the pushed presence frames a test client drops otherwise. */
  static FrameClient connectSeeingPresence(GatewayServer gateway, String user) {
    return FrameClient.connect(Endpoint.bearer(ws(gateway), token(user)));
  }

  /** A user id no other test uses. */
  public static String user(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A {@code typing} frame ({@code started} or {@code stopped}), without an id. */
  static String typing(String conversation, String state) {
    return "{\"type\":\"typing\",\"conversation\":\"" + conversation + "\",\"state\":\"" + state + "\"}";
  }

  /** A pushed frame of {@code type} about {@code user} in {@code conversation}. */
  static java.util.function.Predicate<JsonNode> about(String type, String conversation, String user) {
    return f -> type.equals(f.path("type").asText()) && conversation.equals(f.path("conversation").asText())
        && user.equals(f.path("user").asText());
  }

  /** A new conversation with these members. */
  public static String conversation(PostgresSchema db, String... members) {
    String id = "conv-" + UUID.randomUUID();
    db.sql("INSERT INTO conversations (id) VALUES ('" + id + "')");
    for (String member : members) {
      db.sql("INSERT INTO conversation_members (conversation_id, user_id) VALUES ('" + id + "', '" + member + "')");
    }
    return id;
  }

  /** A send frame as a client writes it. */
  static String send(String id, String conversation, String clientMsgId, String body) {
    return "{\"type\":\"send\",\"id\":\"" + id + "\",\"conversation\":\"" + conversation + "\",\"clientMsgId\":\""
        + clientMsgId + "\",\"body\":\"" + body + "\"}";
  }

  /** Sends a frame that has an {@code id} and returns the reply carrying that id. */
  static JsonNode ask(FrameClient ws, String frame) {
    String id = Json.parse(frame).path("id").asText();
    ws.send(frame);
    return ws.await(f -> id.equals(f.path("id").asText()));
  }

  /** A {@code location} frame at one fixed point, stamped now. */
  static String location(String id, String conversation, String session) {
    return "{\"type\":\"location\",\"id\":\"" + id + "\",\"conversation\":\"" + conversation + "\",\"session\":\""
        + session + "\",\"lat\":48.85,\"lng\":2.35,\"at\":\"" + now() + "\"}";
  }

  /** Now, in milliseconds, as the gateway writes times. */
  static Instant now() {
    return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
  }
}
