package io.rallypoint.gateway.it.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.util.internal.PlatformDependent;
import io.rallypoint.client.frame.FrameClient;
import java.lang.management.BufferPoolMXBean;
import io.rallypoint.gateway.GatewayConfig;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.gateway.it.Gateways;
import io.rallypoint.schemas.config.Env;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fuzzes two real gateway nodes, with their default limits, from many raw connections at once
 * (malformed, random and mutated frames of every kind {@link FrameMutator} makes, ping floods,
 * half-open sockets), while real members keep chatting through both nodes. Checks: no node crashes
 * (health answers, new connections authenticate and chat at the end), the heap after GC stays
 * bounded, every frame with an {@code id} gets exactly one fitting reply unless the gateway closed
 * the connection after it, every close has the code the frames sent justify, and the members'
 * messages keep flowing. The bounded run is CI's; {@code bin/fuzz-gateway} runs a long one
 * ({@link FuzzPlan}).
 */
class GatewayFuzzIT {

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  private static final int NODES = 2;
  private static final long MIB = 1024 * 1024;
  /** How much the heap (after GC) may grow over the run: a leak of a few hundred bytes a frame passes it. */
  private static final long HEAP_GROWTH_BOUND = 64 * MIB;
  /**
   * How much direct memory may grow: Netty's allocator keeps the chunks it took for the load (some
   * 35 MiB for two nodes), so this bound only catches a gross leak; {@link NettyLeaks} catches a buffer not released.
   */
  private static final long DIRECT_GROWTH_BOUND = 128 * MIB;
  private static final Duration MEMBER_EVERY = Duration.ofMillis(500);
  /**
   * The longest a member may go without a message from the others while the fuzz runs (they send 6
   * a second between them). Generous: on a machine loaded far past its cores, the JVM that runs
   * nodes, broker and clients alike is starved for seconds at a time (gaps of 2 to 6 s were seen at
   * a load average of 20 to 40 on 2 cores; 1 s when the machine is calm).
   */
  private static final Duration LONGEST_SILENCE = Duration.ofSeconds(10);
  private static final Duration GENEROUSLY = Duration.ofSeconds(30);

  @Test
  void twoNodesSurviveTheFuzzAnswerEveryFrameOnceAndKeepTheMembersChatting() throws Exception {
    FuzzPlan plan = FuzzPlan.fromSystem();
    System.out.println("fuzz plan: " + plan);
    FuzzStats stats = new FuzzStats();
    Random random = new Random(plan.seed());
    GatewayConfig config = GatewayConfig.from(Env.of(Gateways.env(db, redis)));
    FuzzConnection.AbuseRule abuse = new FuzzConnection.AbuseRule(config.abuseCloseAfter(), config.abuseWindow());
    NettyLeaks leaks = NettyLeaks.watch();
    List<GatewayServer> nodes = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      nodes.add(Gateways.start(Gateways.env(db, redis)));
    }
    try {
      // Given four members chatting in two conversations that span both nodes
      String run = UUID.randomUUID().toString().substring(0, 8);
      List<String> members = List.of("m0-" + run, "m1-" + run, "m2-" + run, "m3-" + run);
      String rides = Gateways.conversation(db, members.get(0), members.get(1), members.get(2));
      String hikes = Gateways.conversation(db, members.get(2), members.get(3), members.get(1));
      Map<String, List<String>> conversationsOf = Map.of(members.get(0), List.of(rides),
          members.get(1), List.of(rides, hikes), members.get(2), List.of(hikes, rides), members.get(3), List.of(hikes));
      List<ChattingMember> chatting = new ArrayList<>();
      List<FrameClient> memberClients = new ArrayList<>();
      for (int i = 0; i < members.size(); i++) {
        FrameClient ws = Gateways.connect(nodes.get(i % NODES), members.get(i));
        memberClients.add(ws);
        chatting.add(new ChattingMember(members.get(i), ws, conversationsOf.get(members.get(i)), MEMBER_EVERY,
            stats::violation));
      }
      // and fuzz users with conversations of their own (half of them consenting to location sharing)
      int slots = plan.connections();
      List<String> fuzzUsers = new ArrayList<>();
      for (int i = 0; i < slots; i++) {
        fuzzUsers.add("fuzz" + i + "-" + run);
      }
      String even = Gateways.conversation(db, fuzzUsers.stream().filter(u -> fuzzUsers.indexOf(u) % 2 == 0)
          .toArray(String[]::new));
      String odd = Gateways.conversation(db, fuzzUsers.stream().filter(u -> fuzzUsers.indexOf(u) % 2 == 1)
          .toArray(String[]::new));
      String everyone = Gateways.conversation(db, fuzzUsers.toArray(String[]::new));
      String stranger = Gateways.conversation(db, "nobody-" + run);
      for (int i = 0; i < slots; i += 2) {
        db.sql("INSERT INTO user_preferences (user_id, location_sharing_enabled) VALUES ('" + fuzzUsers.get(i) + "', true)");
      }
      // (platform threads: the fuzz clients' virtual threads share as many carriers as there are cores)
      List<Thread> memberThreads = chatting.stream().map(m -> Thread.ofPlatform().name("member-" + m.user()).start(m))
          .toList();
      await().atMost(GENEROUSLY).until(() -> chatting.stream().allMatch(m -> m.receivedCount() > 0));
      long heapBefore = heapAfterGc();
      long directBefore = directMemory();

      // When the fuzz connections and half-open sockets go at both nodes
      AtomicBoolean stop = new AtomicBoolean();
      int floods = slots / 2;
      double floodFramesPerSecond = 1.1 * plan.frames() / plan.duration().toSeconds() / floods;
      List<Thread> fuzzThreads = new ArrayList<>();
      for (int slot = 0; slot < slots; slot++) {
        FuzzConnection.Role role = slot % 2 == 0 ? FuzzConnection.Role.FLOOD
            : slot % 4 == 1 ? FuzzConnection.Role.PACED : FuzzConnection.Role.BREAKER;
        String user = fuzzUsers.get(slot);
        FrameMutator.Target target = new FrameMutator.Target(user, List.of(slot % 2 == 0 ? even : odd, everyone), stranger);
        int node = (slot + slot / 4) % NODES; // each node gets floods, paced connections and breakers alike
        FuzzConnection connection = new FuzzConnection(slot, role, nodes.get(node).port(), Gateways.token(user),
            target, random.nextLong(), stats, abuse, stop::get, floodFramesPerSecond);
        fuzzThreads.add(Thread.ofVirtual().name("fuzz-" + slot).start(connection));
      }
      HalfOpenSockets halfOpen = new HalfOpenSockets(i -> nodes.get(i).port(), NODES,
          n -> Gateways.token("half" + n + "-" + run), random.nextLong(), stats, stop::get, 250);
      Thread halfOpenThread = Thread.ofVirtual().name("half-open").start(halfOpen);
      long fuzzStart = System.nanoTime();
      AtomicBoolean dumped = new AtomicBoolean();
      try {
        await().atMost(plan.deadline()).pollInterval(Duration.ofMillis(200)).until(() -> {
          if (!dumped.get() && (stats.violationCount() > 0
              || chatting.stream().anyMatch(m -> m.silentFor(fuzzStart).compareTo(LONGEST_SILENCE) > 0))) {
            dumped.set(true);
            System.out.println(threadDump()); // what the nodes were doing when things first went wrong
          }
          return stats.frames() >= plan.frames() && System.nanoTime() - fuzzStart >= plan.duration().toNanos()
              || stats.violationCount() > 0;
        });
      } finally {
        stop.set(true);
      }
      long fuzzEnd = System.nanoTime();
      Duration fuzzTook = Duration.ofNanos(fuzzEnd - fuzzStart);
      for (Thread thread : fuzzThreads) {
        assertThat(thread.join(GENEROUSLY.multipliedBy(2))).as("fuzz thread %s ended", thread.getName()).isTrue();
      }
      halfOpenThread.join(GENEROUSLY);
      stats.note("fuzz took", fuzzTook.toMillis() + " ms (" + stats.frames() * 1_000 / Math.max(1, fuzzTook.toMillis())
          + " frames/s)");

      // Then the members' messages kept flowing: each acked once, received by every other member, no long silence
      chatting.forEach(ChattingMember::stopSending);
      await().atMost(GENEROUSLY).untilAsserted(() -> {
        for (ChattingMember sender : chatting) {
          for (ChattingMember.Sent message : sender.sent()) {
            assertThat(sender.acks(message.clientMsgId())).as("acks of %s's %s", sender.user(), message).isEqualTo(1);
            for (ChattingMember other : chatting) {
              if (other != sender && other.conversations().contains(message.conversation())) {
                assertThat(other.hasReceived(message.clientMsgId())).as("%s received %s's %s", other.user(),
                    sender.user(), message).isTrue();
              }
            }
          }
        }
      });
      chatting.forEach(ChattingMember::stop);
      for (Thread thread : memberThreads) {
        thread.join(GENEROUSLY);
      }
      long sentByMembers = chatting.stream().mapToLong(m -> m.sent().size()).sum();
      List<String> silences = new ArrayList<>();
      for (ChattingMember member : chatting) {
        Duration silence = member.longestSilence(fuzzStart, fuzzEnd);
        silences.add(member.user() + " " + silence.toMillis() + " ms");
        if (silence.compareTo(LONGEST_SILENCE) > 0) {
          stats.violation("members' messages stopped flowing for longer than " + LONGEST_SILENCE + ": "
              + member.silenceDetails(fuzzStart, fuzzEnd));
        }
      }
      stats.note("members", sentByMembers + " messages sent, all acked once and received by the others; longest"
          + " silences: " + silences);

      // And both nodes are alive: health answers, and a member who connects now authenticates and chats
      HttpClient http = HttpClient.newHttpClient();
      for (GatewayServer node : nodes) {
        for (String path : List.of("/health/live", "/health/ready")) {
          await().atMost(GENEROUSLY).until(() -> http.send(HttpRequest.newBuilder(Gateways.http(node, path)).build(),
              HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        }
      }
      String newcomer = "newcomer-" + run;
      db.sql("INSERT INTO conversation_members (conversation_id, user_id) VALUES ('" + rides + "', '" + newcomer + "')");
      try (FrameClient fresh = Gateways.connect(nodes.get(1), newcomer);
          FrameClient m0 = Gateways.connect(nodes.get(0), members.get(0))) {
        String clientMsgId = UUID.randomUUID().toString();
        fresh.send("{\"type\":\"send\",\"id\":\"hello\",\"conversation\":\"" + rides + "\",\"clientMsgId\":\"" + clientMsgId
            + "\",\"body\":\"still here?\"}");
        assertThat(fresh.awaitType("ack").path("clientMsgId").asText()).isEqualTo(clientMsgId);
        assertThat(m0.await(f -> clientMsgId.equals(f.path("clientMsgId").asText())).path("body").asText())
            .isEqualTo("still here?");
      }

      // And once every fuzz and half-open socket is closed, the nodes hold only the members' connections
      halfOpen.close();
      memberClients.forEach(FrameClient::close);
      for (GatewayServer node : nodes) {
        await().atMost(GENEROUSLY).until(() -> node.connectionCount() == 0);
      }
      long heapAfter = heapAfterGc();
      long directAfter = directMemory();
      List<String> leaked = leaks.collected();
      stats.note("buffers leaked (Netty's detector)", String.valueOf(leaked.size()));
      stats.note("heap after GC", heapBefore / MIB + " MiB before, " + heapAfter / MIB + " MiB after");
      stats.note("direct memory", directBefore / MIB + " MiB before, " + directAfter / MIB + " MiB after");
      assertThat(stats.violations()).as("violations (%d in all; seed %d)", stats.violationCount(), plan.seed()).isEmpty();
      assertThat(stats.frames()).as("fuzz frames written within %s (seed %d)", plan.deadline(), plan.seed())
          .isGreaterThanOrEqualTo(plan.frames());
      assertThat(leaked).as("Netty's leak reports").isEmpty();
      assertThat(heapAfter - heapBefore).as("heap growth after GC").isLessThan(HEAP_GROWTH_BOUND);
      assertThat(directAfter - directBefore).as("direct memory growth").isLessThan(DIRECT_GROWTH_BOUND);
      assertThat(stats.closes("open until the end")).as("connections open at the end, every reply checked")
          .isGreaterThanOrEqualTo(slots / 2);
    } finally {
      System.out.println(stats.report(plan));
      nodes.forEach(GatewayServer::close);
      leaks.close();
    }
  }

  /** The heap in use after full collections (the gateways run in this JVM). */
  private static long heapAfterGc() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /** Direct memory in use: Netty's own count (when it tracks it) and the JDK's direct buffers. */
  private static long directMemory() {
    long netty = Math.max(0, PlatformDependent.usedDirectMemory());
    return netty + ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(pool -> pool.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
  }

  /** The platform threads' stacks (event loops, executors); virtual threads are the fuzz clients. */
  private static String threadDump() {
    StringBuilder out = new StringBuilder("threads when things first went wrong:\n");
    for (java.lang.management.ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false, 40)) {
      out.append('"').append(info.getThreadName()).append("\" ").append(info.getThreadState()).append('\n');
      for (StackTraceElement frame : info.getStackTrace()) {
        out.append("    at ").append(frame).append('\n');
      }
    }
    return out.toString();
  }
}
