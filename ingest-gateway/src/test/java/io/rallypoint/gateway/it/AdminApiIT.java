package io.rallypoint.gateway.it;

import static io.rallypoint.gateway.it.Gateways.now;
import static io.rallypoint.gateway.it.Gateways.location;
import static io.rallypoint.gateway.it.Gateways.ask;
import static io.rallypoint.gateway.it.Gateways.adminToken;
import static io.rallypoint.gateway.it.Gateways.connect;
import static io.rallypoint.gateway.it.Gateways.conversation;
import static io.rallypoint.gateway.it.Gateways.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.schemas.json.Json;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import io.rallypoint.testsupport.TcpProxy;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin API's contract (PROTOCOL section 5) on two gateway nodes: every route, its answers
 * and what it writes to PostgreSQL, who may call it, idempotence, and the 4xx and 503 answers.
 * Both nodes trust a member list for a minute and a consent for the longest allowed 10 s, so only
 * the change's announcement explains a change counting on the other node within a second.
 */
class AdminApiIT {

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  static GatewayServer north;
  static GatewayServer south;
  static AdminHttp admin;

  @BeforeAll
  static void start() {
    north = Gateways.start(slowCaches(Gateways.env(db, redis)));
    south = Gateways.start(slowCaches(Gateways.env(db, redis)));
    admin = new AdminHttp(north, adminToken());
  }

  static Map<String, String> slowCaches(Map<String, String> env) {
    env.put("GATEWAY_MEMBERSHIP_CACHE_TTL", "PT1M");
    env.put("GATEWAY_CONSENT_CACHE_TTL", "PT10S");
    return env;
  }

  @AfterAll
  static void stop() {
    north.close();
    south.close();
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static List<String> rows(String sql, String parameter) throws SQLException {
    try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, parameter);
      List<String> rows = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          rows.add(r.getString(1));
        }
      }
      return rows;
    }
  }

  private static List<String> storedMembers(String conversation) throws SQLException {
    return rows("SELECT user_id FROM conversation_members WHERE conversation_id = ? ORDER BY user_id", conversation);
  }

  private static JsonNode json(HttpResponse<String> response) {
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    return Json.parse(response.body());
  }

  private static void assertNoContent(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
    assertThat(response.body()).isEmpty();
  }

  private static void assertError(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode error = json(response);
    assertThat(error.path("code").asText()).isEqualTo(code);
    assertThat(error.path("message").asText()).isNotBlank();
  }

  @Test
  void aConversationIsCreatedItsMembersAddedListedAndRemovedEachCallIdempotent() throws Exception {
    String ride = unique("ride");
    String path = "/admin/conversations/" + ride;

    // Creating it, twice: 204 both times, one row
    assertNoContent(admin.put(path, "{}"));
    assertNoContent(admin.put(path, "{}"));
    assertThat(rows("SELECT id FROM conversations WHERE id = ?", ride)).containsExactly(ride);
    assertThat(json(admin.get(path + "/members")).toString()).isEqualTo("{\"members\":[]}");

    // Adding members (carol twice), through either node
    assertNoContent(admin.put(path + "/members/carol", "{}"));
    assertNoContent(admin.put(path + "/members/carol", "{}"));
    assertNoContent(new AdminHttp(south, adminToken()).put(path + "/members/Zed", "{}"));
    assertNoContent(admin.put(path + "/members/ana", "{}"));
    assertThat(storedMembers(ride)).containsExactlyInAnyOrder("ana", "carol", "Zed");

    // Listing them: 200, in user id order (code points: upper case first)
    HttpResponse<String> listed = admin.get(path + "/members");
    assertThat(listed.statusCode()).isEqualTo(200);
    assertThat(json(listed).toString()).isEqualTo("{\"members\":[\"Zed\",\"ana\",\"carol\"]}");

    // Removing carol, twice, and someone who never was a member
    assertNoContent(admin.delete(path + "/members/carol"));
    assertNoContent(admin.delete(path + "/members/carol"));
    assertNoContent(admin.delete(path + "/members/nobody"));
    assertThat(storedMembers(ride)).containsExactlyInAnyOrder("ana", "Zed");
    assertThat(json(admin.get(path + "/members")).toString()).isEqualTo("{\"members\":[\"Zed\",\"ana\"]}");
  }

  @Test
  void identifiersArePercentEncodedInThePath() throws Exception {
    String ride = "ride/" + UUID.randomUUID() + " café";
    String encoded = "ride%2F" + ride.substring(5, 41) + "%20caf%C3%A9";

    assertNoContent(admin.put("/admin/conversations/" + encoded, "{}"));
    assertNoContent(admin.put("/admin/conversations/" + encoded + "/members/o%27brien", "{}"));

    assertThat(storedMembers(ride)).containsExactly("o'brien");
    assertThat(json(admin.get("/admin/conversations/" + encoded + "/members")).path("members").get(0).asText())
        .isEqualTo("o'brien");
  }

  @Test
  void anUnknownConversationIs404AndNothingIsWritten() throws Exception {
    String ghost = unique("ghost");

    assertError(admin.put("/admin/conversations/" + ghost + "/members/carol", "{}"), 404, "not_found");
    assertError(admin.delete("/admin/conversations/" + ghost + "/members/carol"), 404, "not_found");
    assertError(admin.get("/admin/conversations/" + ghost + "/members"), 404, "not_found");

    assertThat(rows("SELECT id FROM conversations WHERE id = ?", ghost)).isEmpty();
    assertThat(storedMembers(ghost)).isEmpty();
  }

  @Test
  void withoutAValidTokenEveryRouteIs401AndWithAUsersTokenItIs403AndNothingChanges() throws Exception {
    String ride = conversation(db, "ana");
    String expired = JWT.create().withSubject("backend").withClaim("role", "admin")
        .withExpiresAt(Instant.now().minusSeconds(1)).sign(Algorithm.HMAC256(Gateways.SECRET));
    String withoutExpiry = JWT.create().withSubject("backend").withClaim("role", "admin")
        .sign(Algorithm.HMAC256(Gateways.SECRET));
    String otherSecret = JWT.create().withSubject("backend").withClaim("role", "admin")
        .withExpiresAt(Instant.now().plusSeconds(60)).sign(Algorithm.HMAC256("not-the-secret"));
    List<String[]> calls = List.of(
        new String[] {"PUT", "/admin/conversations/" + unique("new"), "{}"},
        new String[] {"PUT", "/admin/conversations/" + ride + "/members/mallory", "{}"},
        new String[] {"DELETE", "/admin/conversations/" + ride + "/members/ana", null},
        new String[] {"GET", "/admin/conversations/" + ride + "/members", null},
        new String[] {"PUT", "/admin/users/ana/preferences", "{\"locationSharingEnabled\":true}"},
        new String[] {"GET", "/admin/no-such-route", null});

    for (String[] call : calls) {
      for (String bad : new String[] {null, "not-a-jwt", expired, withoutExpiry, otherSecret}) {
        HttpResponse<String> refused = call(new AdminHttp(north, bad), call);
        assertError(refused, 401, "forbidden");
        assertThat(refused.headers().firstValue("WWW-Authenticate")).contains("Bearer");
      }
      assertError(call(new AdminHttp(north, token("ana")), call), 403, "forbidden");
      // an admin token in the query is not read: the admin API takes the header only
      AdminHttp noHeader = new AdminHttp(north, null);
      assertError(noHeader.send(noHeader.request(call[1] + "?token=" + adminToken()).GET()), 401, "forbidden");
    }

    assertThat(storedMembers(ride)).containsExactly("ana");
    assertThat(rows("SELECT user_id FROM user_preferences WHERE user_id = ?", "ana")).isEmpty();
  }

  private static HttpResponse<String> call(AdminHttp client, String[] call) {
    HttpRequest.Builder request = client.request(call[1]);
    if (call[2] != null) {
      request.header("Content-Type", "application/json");
    }
    return client.send(request.method(call[0],
        call[2] == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(call[2])));
  }

  @Test
  void badInputIsAClear4xxAndNothingIsWritten() throws Exception {
    String ride = conversation(db, "ana");
    String members = "/admin/conversations/" + ride + "/members/";

    assertError(admin.put(members + "carol", "not json"), 400, "bad_request");
    assertError(admin.put(members + "carol", "[]"), 400, "bad_request");
    assertError(admin.put(members + "carol", "{} {}"), 400, "bad_request");
    assertError(admin.send(admin.request(members + "carol").header("Content-Type", "text/plain")
        .PUT(HttpRequest.BodyPublishers.ofString("{}"))), 400, "bad_request");
    assertError(admin.put(members + "a".repeat(129), "{}"), 400, "bad_request");
    assertError(admin.put(members + "%C3", "{}"), 400, "bad_request"); // not UTF-8
    assertError(admin.put(members + "nul%00", "{}"), 400, "bad_request");
    assertError(admin.put("/admin/users/carol/preferences", "{\"locationSharingEnabled\":\"yes\"}"), 400,
        "bad_request");
    assertError(admin.put("/admin/users/carol/preferences", "{}"), 400, "bad_request");
    assertError(admin.get("/admin/conversations/" + ride), 405, "bad_request");
    HttpResponse<String> post = admin.send(admin.request(members + "carol").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertError(post, 405, "bad_request");
    assertThat(post.headers().firstValue("Allow")).contains("PUT, DELETE");
    assertError(admin.get("/admin/conversations"), 404, "not_found");

    assertThat(storedMembers(ride)).containsExactly("ana");
    assertThat(rows("SELECT user_id FROM user_preferences WHERE user_id = ?", "carol")).isEmpty();
  }

  @Test
  void consentSetThroughOneNodeCountsOnTheOtherWithinASecond() throws Exception {
    // Given dana sharing from south, refused for want of consent (which south now trusts for 10 s)
    String dana = unique("dana");
    String ride = conversation(db, dana);
    String session = "rec-" + UUID.randomUUID();
    try (FrameClient ws = connect(south, dana)) {
      assertThat(ask(ws, "{\"type\":\"session\",\"id\":\"s\",\"session\":\"" + session
          + "\",\"state\":\"started\",\"at\":\"" + now() + "\"}").path("type").asText()).isEqualTo("ok");
      assertThat(ask(ws, location("l0", ride, session)).path("code").asText()).isEqualTo("consent_required");

      // When the backend turns it on through north
      long start = System.nanoTime();
      assertNoContent(admin.put("/admin/users/" + dana + "/preferences", "{\"locationSharingEnabled\": true}"));

      // Then south accepts her next position within a second, and the table has it
      assertAnsweredWithinASecond(ws, ride, session, start, "ok");
      assertThat(rows("SELECT location_sharing_enabled::text FROM user_preferences WHERE user_id = ?", dana))
          .containsExactly("true");

      // And turning it off refuses the next one on south within a second
      start = System.nanoTime();
      assertNoContent(admin.put("/admin/users/" + dana + "/preferences", "{\"locationSharingEnabled\": false}"));
      assertAnsweredWithinASecond(ws, ride, session, start, "consent_required");
    }
  }

  /** Asserts that a location frame sent now and then every 50 ms is answered {@code wanted} within a second of {@code start}. */
  private static void assertAnsweredWithinASecond(FrameClient ws, String ride, String session, long start, String wanted) {
    AtomicInteger attempt = new AtomicInteger();
    Duration left = Duration.ofSeconds(1).minusNanos(System.nanoTime() - start);
    await().atMost(left).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50)).until(() -> {
      JsonNode answer = ask(ws, location("l-" + wanted + attempt.incrementAndGet(), ride, session));
      return wanted.equals(answer.path("type").asText().equals("ok") ? "ok" : answer.path("code").asText());
    });
  }

  @Test
  void whenPostgresOrRedisDoesNotAnswerACallIs503AndItsRetrySucceeds() throws Exception {
    String ride = conversation(db, "ana");
    try (TcpProxy postgres = TcpProxy.toServerOf(db.jdbcUrlWithCredentials());
        TcpProxy redisProxy = TcpProxy.toServerOf(redis.url())) {
      Map<String, String> env = Gateways.env(db, redis);
      env.put("DATABASE_URL", postgres.via(db.jdbcUrlWithCredentials()));
      env.put("REDIS_URL", redisProxy.via(redis.url()));
      try (GatewayServer cut = Gateways.start(env)) {
        AdminHttp viaCut = new AdminHttp(cut, adminToken());

        postgres.cut();
        assertError(viaCut.put("/admin/conversations/" + ride + "/members/carol", "{}"), 503, "unavailable");
        assertError(viaCut.get("/admin/conversations/" + ride + "/members"), 503, "unavailable");
        postgres.restore();
        // as a client does, retry until PostgreSQL answers again (the pool's first use of a
        // connection the cut broke fails too, once)
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
            .until(() -> viaCut.get("/admin/conversations/" + ride + "/members"), r -> r.statusCode() == 200);

        // PostgreSQL takes the change, Redis cannot announce it: 503 (south never heard of it)
        try (FrameClient carol = connect(south, "carol")) {
          redisProxy.cut();
          HttpResponse<String> unannounced = viaCut.put("/admin/conversations/" + ride + "/members/carol", "{}");
          assertError(unannounced, 503, "unavailable");
          assertThat(json(unannounced).path("message").asText()).as(unannounced.body()).contains("Redis");
          assertThat(storedMembers(ride)).containsExactly("ana", "carol");
          redisProxy.restore();

          // Then the retry changes nothing in PostgreSQL but is announced: carol on south hears of it
          assertNoContent(awaitAnswer(viaCut, ride));
          JsonNode joined = carol.await(f -> "membership".equals(f.path("type").asText()));
          assertThat(joined.path("state").asText()).isEqualTo("joined");
          assertThat(joined.path("conversation").asText()).isEqualTo(ride);
        }
      }
    }
  }

  /** The retried call, once the node's Redis connection is back (Lettuce reconnects with a backoff). */
  private static HttpResponse<String> awaitAnswer(AdminHttp client, String ride) {
    return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> client.put("/admin/conversations/" + ride + "/members/carol", "{}"), r -> r.statusCode() != 503);
  }
}
