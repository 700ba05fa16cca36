package io.rallypoint.bench;

import io.rallypoint.schemas.config.Env;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The gateway benchmark (not a test): opens N WebSocket connections in groups of M users per
 * conversation (created in PostgreSQL first), sends {@code send} frames at a fixed aggregate rate,
 * open loop, and records with HdrHistogram:
 * <ul>
 *   <li>delivery latency: from a send's <em>intended</em> time to each other member's {@code message}
 *       (matched by the intended time carried in {@code metadata.benchT}), so a sender or gateway
 *       that falls behind shows up as latency instead of as a lower rate (no coordinated omission);</li>
 *   <li>ack latency: from the intended time to the sender's {@code ack} (matched by the frame id).</li>
 * </ul>
 * Only sends intended after the warm-up are measured. Each phase stops by itself after warm-up +
 * duration + at most the drain time, and prints p50/p99/p99.9/max, the achieved send rate,
 * deliveries/s, missing deliveries and errors. The bench conversations are named
 * {@code bench-<run>-<n>} and are left in place (a persister may still be writing their messages).
 *
 * <p>With {@code --baseline true} (the default) the same load first runs against a
 * {@link BaselineServer} in this process, the machine's floor for this traffic, and the gateway's
 * latencies are then also printed as ratios to it.
 *
 * <p>With {@code --share-every} the gateways are measured twice in the run: chat alone, then the
 * same chat while every member shares a position that often (each from an active recording
 * session, consent on), and the second's latencies are printed as ratios to the first's. With
 * {@code --storm N} N more members of the bench conversations connect all at once at
 * {@code --storm-at}, and chat latency in the storm's window is printed against the time before.
 *
 * <pre>{@code int exit = GatewayBench.run(BenchOptions.parse(args, Env.system()), System.out);}</pre>
 */
public final class GatewayBench {

  static final String BASELINE_LABEL = "baseline (in-process Netty broadcast, no Redis/Kafka/PostgreSQL)";
  /** Starts each line of the baseline's report, so the gateway's lines read (and grep) as before. */
  static final String BASELINE_PREFIX = "baseline ";
  /** Starts each line of the chat-alone phase of a {@code --share-every} run. */
  static final String ALONE_PREFIX = "alone ";
  /** Starts each line of the chat-while-sharing phase of a {@code --share-every} run. */
  static final String SHARING_PREFIX = "sharing ";

  private final BenchOptions options;
  private final PrintStream out;
  private final BenchUsers users;

  GatewayBench(BenchOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
    this.users = new BenchUsers(UUID.randomUUID().toString().substring(0, 8), options.connections(),
        options.groupSize());
  }

  public static void main(String[] args) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args, Env.system());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(run(options, System.out));
  }

  /**
   * Runs the benchmark and prints its report to {@code out}. Returns 0 when every send to the
   * gateways was acked and delivered without an error, 1 when some were not, 2 when the setup
   * failed (no database, a gateway refusing connections). The baseline never changes the result: a
   * baseline that fails is reported, and the gateways are measured anyway.
   */
  public static int run(BenchOptions options, PrintStream out) {
    return new GatewayBench(options, out).run();
  }

  private int run() {
    out.printf("gateway bench %s: %d connections in groups of %d (%d conversations) over %s; %d sends/s, warm-up %s,"
            + " measured %s%s%s%s%n", users.run(), options.connections(), options.groupSize(), options.conversations(),
        options.gateways(), options.rate(), options.warmup(), options.duration(),
        options.baseline() ? "; baseline first" : "",
        options.sharing() ? "; chat alone, then chat while every member shares a position every " + options.shareEvery()
            : "",
        options.storm() > 0 ? "; " + options.storm() + " more members connect at once at " + options.stormAt() : "");
    Optional<PhaseReport> baseline = options.baseline() ? runBaseline() : Optional.empty();
    out.println("gateway " + options.gateways() + ":");
    try {
      createConversations();
    } catch (SQLException e) {
      out.println("cannot create the bench conversations in " + options.database() + ": " + e.getMessage());
      return 2;
    }
    PhaseReport gateway;
    PhaseReport alone = null;
    try {
      if (options.sharing()) {
        out.println(ALONE_PREFIX.strip() + ": chat alone");
        alone = new LoadPhase(options, users, options.gateways()).run(out, ALONE_PREFIX);
        alone.print(out, ALONE_PREFIX, options);
        out.println(SHARING_PREFIX.strip() + ": chat while every member shares a position every " + options.shareEvery());
        gateway = new LoadPhase(options, users, options.gateways(), LoadPhase.Extra.SHARING, "share")
            .run(out, SHARING_PREFIX);
        gateway.print(out, SHARING_PREFIX, options);
      } else {
        gateway = new LoadPhase(options, users, options.gateways(),
            options.storm() > 0 ? LoadPhase.Extra.STORM : LoadPhase.Extra.NONE, "chat").run(out, "");
        gateway.print(out, "", options);
      }
    } catch (LoadPhase.ConnectFailed e) {
      out.println(e.getMessage());
      return 2;
    }
    PhaseReport last = gateway;
    if (alone != null) {
      out.println("sharing / alone: " + gateway.ratiosTo(alone));
    }
    baseline.ifPresent(b -> out.println("gateway / baseline: " + last.ratiosTo(b)
        + (b.clean() ? "" : "  (the baseline lost frames or had errors: see its report)")));
    return gateway.clean() && (alone == null || alone.clean()) ? 0 : 1;
  }

  /**
   * The same load against a {@link BaselineServer} started in this process and stopped after; its
   * report, or empty when it could not run (said on {@code out}).
   */
  Optional<PhaseReport> runBaseline() {
    out.println(BASELINE_LABEL + ":");
    try (BaselineServer server = BaselineServer.start(users.conversationByUser()::get)) {
      out.println(BASELINE_PREFIX + "server " + server.describe());
      PhaseReport report = new LoadPhase(options, users, List.of(server.uri())).run(out, BASELINE_PREFIX);
      report.print(out, BASELINE_PREFIX, options);
      return Optional.of(report);
    } catch (LoadPhase.ConnectFailed e) {
      return noBaseline(e.getMessage());
    } catch (RuntimeException e) {
      return noBaseline(e.toString());
    }
  }

  /** The gateway's numbers still count without a baseline: says why there is none, and goes on. */
  private Optional<PhaseReport> noBaseline(String why) {
    out.println(BASELINE_PREFIX + "failed, the gateways are measured without one: " + why);
    return Optional.empty();
  }

  private void createConversations() throws SQLException {
    DataSource dataSource = options.database().simpleDataSource();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement conversations = c.prepareStatement(
              "INSERT INTO conversations (id, title) VALUES (?, 'gateway bench') ON CONFLICT DO NOTHING");
          PreparedStatement members = c.prepareStatement(
              "INSERT INTO conversation_members (conversation_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
        for (int i = 0; i < options.connections(); i += options.groupSize()) {
          conversations.setString(1, users.conversation(i));
          conversations.addBatch();
        }
        conversations.executeBatch();
        for (int i = 0; i < options.connections(); i++) {
          members.setString(1, users.conversation(i));
          members.setString(2, users.user(i));
          members.addBatch();
        }
        for (int j = 0; j < options.storm(); j++) {
          members.setString(1, users.stormConversation(j));
          members.setString(2, users.stormUser(j));
          members.addBatch();
        }
        members.executeBatch();
      }
      if (options.sharing()) {
        try (PreparedStatement consent = c.prepareStatement(
            "INSERT INTO user_preferences (user_id, location_sharing_enabled) VALUES (?, true)"
                + " ON CONFLICT (user_id) DO UPDATE SET location_sharing_enabled = true")) {
          for (int i = 0; i < options.connections(); i++) {
            consent.setString(1, users.user(i));
            consent.addBatch();
          }
          consent.executeBatch();
        }
      }
      c.commit();
    }
  }
}
