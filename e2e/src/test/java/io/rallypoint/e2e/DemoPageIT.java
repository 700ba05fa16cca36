package io.rallypoint.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.rallypoint.e2e.DemoPage.Line;
import io.rallypoint.gateway.GatewayConfig;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.location.LocationConfig;
import io.rallypoint.location.app.LocationStreamApp;
import io.rallypoint.persister.Persister;
import io.rallypoint.persister.PersisterConfig;
import io.rallypoint.schemas.config.Env;
import io.rallypoint.testsupport.KafkaBroker;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import io.rallypoint.testsupport.TcpProxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo page in two headless Chromium windows (two users, two profiles) against a real gateway,
 * persister and location-stream on real Kafka, Redis and PostgreSQL: chat through an offline
 * spell, presence, typing, the live map with the meeting point, and the demo-user picker. Ben reaches the gateway
 * through a TCP proxy, so his connection can really be cut.
 */
class DemoPageIT {

  private static final String SECRET = "e2e-secret-for-the-demo-page";

  @RegisterExtension
  @Order(1)
  static final Browsers browsers = new Browsers();

  @RegisterExtension
  @Order(2)
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  @Order(3)
  static final RedisDatabase redis = new RedisDatabase();

  @TempDir
  static Path stateDir;

  static final String run = UUID.randomUUID().toString().substring(0, 8);
  static final String ana = "ana-" + run;
  static final String ben = "ben-" + run;

  static Persister persister;
  static LocationStreamApp locations;
  static GatewayServer gateway;
  static TcpProxy proxy;
  static DemoPage anaPage;
  static DemoPage benPage;

  @BeforeAll
  static void start() {
    KafkaBroker.ensureTopics();
    String kafka = KafkaBroker.bootstrapServers();
    persister = Persister.start(new PersisterConfig(kafka, db.databaseUrl(), 0, "e2e-persister-" + run, 500,
        List.of(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800)), Duration.ofMillis(100),
        Duration.ofSeconds(1), 2, 1, PersisterConfig.DEFAULT_BATCH_WAIT));
    locations = LocationStreamApp.start(LocationConfig.defaults(kafka)
        .withApplicationId("e2e-location-" + run).withHttpPort(0).withStateDir(stateDir));
    gateway = GatewayServer.start(GatewayConfig.from(Env.of(gatewayEnv())));
    proxy = TcpProxy.to("127.0.0.1", gateway.port());
    anaPage = browsers.open("ana");
    benPage = browsers.open("ben");
  }

  @AfterAll
  static void stop() {
    // the windows are closed by the Browsers extension, after this
    closeQuietly(proxy);
    closeQuietly(gateway);
    closeQuietly(locations);
    closeQuietly(persister);
  }

  @Test
  void twoUsersChatThroughAnOfflineSpellAndEndWithTheSameHistory() {
    String ride = conversation();
    // Given ana (direct) and ben (through the proxy) on the demo page
    anaPage.open(direct(), token(ana), ride);
    benPage.open(proxied(), token(ben), ride);
    eventually().until(() -> anaPage.connection().equals("open") && benPage.connection().equals("open"));

    // When ana writes, then ben sees it and ana sees it acked and then read (two ticks)
    anaPage.type("hi ben");
    eventually().until(() -> shown(benPage, "hi ben"));
    eventually().until(() -> anaPage.statusOf("hi ben").equals("read"));
    benPage.type("hi ana");
    eventually().until(() -> shown(anaPage, "hi ana"));

    // When ben's connection is cut and stays down
    proxy.cut();
    eventually().until(() -> !benPage.connection().equals("open"));
    // then what he types is kept and shown as pending
    benPage.type("are you there?");
    benPage.type("I am in a tunnel");
    eventually().until(() -> benPage.statusOf("are you there?").equals("pending")
        && benPage.statusOf("I am in a tunnel").equals("pending"));
    // while ana goes on writing
    anaPage.type("where are you?");
    eventually().until(() -> shown(anaPage, "where are you?"));
    assertThat(benPage.statusOf("where are you?")).isEqualTo("absent");

    // When the network comes back
    proxy.restore();

    // Then ben's messages are sent (same clientMsgId, so once) and he catches up by sync
    List<String> expected = List.of("hi ben", "hi ana", "are you there?", "I am in a tunnel", "where are you?");
    eventually().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(benPage.connection()).isEqualTo("open");
      assertSameHistory(expected);
    });

    // And a reload loads the same history by sync, and the database holds each message once
    benPage.reload();
    eventually().untilAsserted(() -> assertSameHistory(expected));
    eventually().untilAsserted(() -> assertThat(storedMessages(ride)).isEqualTo(List.of(5L, 5L)));
  }

  @Test
  void twoUsersShareTheirLocationsAndSeeTheMeetingPoint() {
    String ride = conversation();
    anaPage.open(direct(), token(ana), ride);
    benPage.open(direct(), token(ben), ride);
    eventually().until(() -> anaPage.connection().equals("open") && benPage.connection().equals("open"));

    // When both turn sharing on and start walking (which starts a recording session)
    for (DemoPage page : List.of(anaPage, benPage)) {
      page.shareLocation();
      eventually().until(page::sharingLocation);
      page.startWalking();
      eventually().until(page::walking);
    }

    // Then both see a meeting point counting both of them, drawn with the fair point
    eventually().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      for (DemoPage page : List.of(anaPage, benPage)) {
        assertThat(page.meetingPointMembers()).as(page.meetingInfo()).isEqualTo(2);
        assertThat(page.meetingPointDrawn()).isTrue();
        assertThat(page.meetingInfo()).contains(ana).contains(ben);
      }
    });
  }

  @Test
  void twoMembersSeeEachOtherOnlineTypingAndOnTheMap() {
    // Given two members of their own (no connection of another test counts for them) on the demo page
    String ana = "cleo-" + run;
    String ben = "dan-" + run;
    String ride = conversation(ana, ben);
    anaPage.open(direct(), token(ana), ride);
    benPage.open(direct(), token(ben), ride);
    eventually().until(() -> anaPage.connection().equals("open") && benPage.connection().equals("open"));

    // Then each sees the other online
    eventually().untilAsserted(() -> {
      assertThat(anaPage.member(ben).online()).as("ana sees ben online: %s", anaPage.members()).isTrue();
      assertThat(benPage.member(ana).online()).as("ben sees ana online: %s", benPage.members()).isTrue();
    });

    // When ana types without sending, ben sees her typing (and ana does not see herself typing)
    anaPage.typeOnly("on my w");
    eventually().untilAsserted(() -> {
      assertThat(benPage.member(ana).typing()).isTrue();
      assertThat(benPage.typingLine()).isEqualTo(ana + " is typing…");
    });
    assertThat(anaPage.member(ana).typing()).isFalse();
    assertThat(anaPage.typingLine()).isEmpty();
    // and once she sends, it stops
    anaPage.typeOnly("ay");
    anaPage.send();
    eventually().until(() -> shown(benPage, "on my way"));
    eventually().untilAsserted(() -> {
      assertThat(benPage.member(ana).typing()).isFalse();
      assertThat(benPage.typingLine()).isEmpty();
    });

    // When ben shares his location while recording
    benPage.shareLocation();
    eventually().until(benPage::sharingLocation);
    benPage.startWalking();
    eventually().until(benPage::walking);

    // Then ana sees him on the map as a named dot, and recording in the member list
    eventually().untilAsserted(() -> {
      assertThat(anaPage.memberDotDrawn(ben)).isTrue();
      assertThat(anaPage.member(ben).recording()).isTrue();
    });
    assertThat(anaPage.memberDotDrawn(ana)).as("ana is drawn as 'me', not as a member").isFalse();

    // When ben leaves, ana sees him offline
    benPage.openWithoutToken(direct());
    eventually().untilAsserted(() -> assertThat(anaPage.member(ben).online()).isFalse());
  }

  @Test
  void withoutATokenAPlainGatewayShowsTheTokenFormAndNoPicker() {
    // Given a gateway without GATEWAY_DEMO_TOKENS (as in production)
    anaPage.openWithoutToken(direct());
    // Then the page asks for a token and offers nobody
    eventually().until(anaPage::tokenFormShown);
    assertThat(anaPage.pickerUsers()).isEmpty();
  }

  @Test
  void withoutATokenADevelopmentGatewayOffersItsDemoUsersToPickFrom() throws Exception {
    // Given a gateway with GATEWAY_DEMO_TOKENS=true (as under rallypoint up) whose demo group is a ride
    // of two members of its own (this gateway stops with them perhaps still counted online)
    String ana = "erin-" + run;
    String ben = "finn-" + run;
    String ride = conversation(ana, ben);
    Map<String, String> env = gatewayEnv();
    env.put("GATEWAY_DEMO_TOKENS", "true");
    env.put("GATEWAY_DEMO_CONVERSATION", ride);
    try (GatewayServer development = GatewayServer.start(GatewayConfig.from(Env.of(env)))) {
      String base = "http://127.0.0.1:" + development.port();

      // When ana and ben open the page without a token
      anaPage.openWithoutToken(base);
      benPage.openWithoutToken(base);

      // Then it offers the ride's members instead of a token form
      eventually().untilAsserted(() -> {
        assertThat(anaPage.pickerUsers()).containsExactly(ana, ben);
        assertThat(anaPage.tokenFormShown()).isFalse();
      });

      // And picking signs each in as that member, in the ride, seeing the other online
      anaPage.pick(ana);
      eventually().until(() -> benPage.pickerUsers().size() == 2);
      benPage.pick(ben);
      eventually().untilAsserted(() -> {
        assertThat(anaPage.connection()).isEqualTo("open");
        assertThat(anaPage.whoami()).isEqualTo("signed in as " + ana);
        assertThat(benPage.whoami()).isEqualTo("signed in as " + ben);
        assertThat(anaPage.member(ben).online()).isTrue();
      });
      anaPage.type("picked");
      eventually().until(() -> shown(benPage, "picked"));
      // the pages leave the development gateway before it stops
      anaPage.openWithoutToken(direct());
      benPage.openWithoutToken(direct());
    }
  }

  /** Both pages show the same confirmed lines, in seq order, each body once. */
  private static void assertSameHistory(List<String> expectedBodies) {
    List<Line> anas = anaPage.lines();
    List<Line> bens = benPage.lines();
    assertThat(bens).as("ben's lines").allSatisfy(l -> assertThat(l.seq()).isNotNull());
    assertThat(anas).as("ana's lines").allSatisfy(l -> assertThat(l.seq()).isNotNull());
    assertThat(bens.stream().map(DemoPageIT::sameOnBothSides).toList())
        .isEqualTo(anas.stream().map(DemoPageIT::sameOnBothSides).toList());
    assertThat(anas.stream().map(Line::body).toList()).containsExactlyInAnyOrderElementsOf(expectedBodies);
    assertThat(anas.stream().map(Line::seq).toList()).isSorted().doesNotHaveDuplicates();
  }

  /** The line is on the page and confirmed by the gateway (one tick or two). */
  private static boolean shown(DemoPage page, String body) {
    return List.of("sent", "read").contains(page.statusOf(body));
  }

  private static String sameOnBothSides(Line line) {
    return line.seq() + " " + line.sender() + " " + line.body();
  }

  /** [rows, distinct clientMsgIds] stored by the persister for the conversation. */
  private static List<Long> storedMessages(String conversation) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT count(*), count(DISTINCT (sender_id, client_msg_id)) FROM messages WHERE conversation_id = ?")) {
      s.setString(1, conversation);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return List.of(rs.getLong(1), rs.getLong(2));
      }
    }
  }

  /** The gateway's variables: a plain gateway, as in production (no demo users). */
  private static Map<String, String> gatewayEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("CHAT_JWT_SECRET", SECRET);
    env.put("GATEWAY_PORT", "0");
    env.put("KAFKA_BOOTSTRAP_SERVERS", KafkaBroker.bootstrapServers());
    env.put("DATABASE_URL", db.jdbcUrlWithCredentials());
    env.put("REDIS_URL", redis.url());
    env.put("GATEWAY_MEMBERSHIP_CACHE_TTL", "PT0.2S");
    env.put("GATEWAY_CONSENT_CACHE_TTL", "PT1S");
    return env;
  }

  private static String conversation() {
    return conversation(ana, ben);
  }

  private static String conversation(String... members) {
    String id = "ride-" + UUID.randomUUID().toString().substring(0, 8);
    db.sql("INSERT INTO conversations (id) VALUES ('" + id + "')");
    for (String member : members) {
      db.sql("INSERT INTO conversation_members (conversation_id, user_id) VALUES ('" + id + "', '" + member + "')");
    }
    return id;
  }

  private static String token(String user) {
    return JWT.create().withSubject(user).withExpiresAt(Instant.now().plusSeconds(3_600))
        .sign(Algorithm.HMAC256(SECRET));
  }

  private static String direct() {
    return "http://127.0.0.1:" + gateway.port();
  }

  private static String proxied() {
    return "http://127.0.0.1:" + proxy.port();
  }

  private static ConditionFactory eventually() {
    return await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).ignoreExceptions();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      org.slf4j.LoggerFactory.getLogger(DemoPageIT.class).warn("could not close {}", closeable, e);
    }
  }
}
