package io.rallypoint.gateway.bench;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.rallypoint.schemas.config.Env;
import io.rallypoint.schemas.json.Json;
import java.io.PrintStream;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

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
 * Only sends intended after the warm-up are measured. It stops by itself after warm-up + duration
 * + at most the drain time, and prints p50/p99/p99.9/max, the achieved send rate, deliveries/s,
 * missing deliveries and errors. The bench conversations are named {@code bench-<run>-<n>} and are
 * left in place (a persister may still be writing their messages).
 *
 * <pre>{@code int exit = GatewayBench.run(BenchOptions.parse(args, Env.system()), System.out);}</pre>
 */
public final class GatewayBench {

  private static final String TIME_KEY = "\"benchT\":";
  private static final int CONNECT_BATCH = 100;

  private final BenchOptions options;
  private final PrintStream out;
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final Recorder deliveries = new Recorder(3);
  private final Recorder acks = new Recorder(3);
  private final LongAdder delivered = new LongAdder();
  private final LongAdder measuredDeliveries = new LongAdder();
  private final LongAdder acked = new LongAdder();
  private final LongAdder closedEarly = new LongAdder();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final AtomicLong expectedDeliveries = new AtomicLong();
  private volatile long measureFrom = Long.MAX_VALUE;
  private volatile boolean finished;
  private long[] intended = new long[0];

  private GatewayBench(BenchOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
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
   * Runs the benchmark and prints its report to {@code out}. Returns 0 when every send was acked
   * and delivered without an error, 1 when some were not, 2 when the setup failed (no database,
   * a gateway refusing connections).
   */
  public static int run(BenchOptions options, PrintStream out) {
    return new GatewayBench(options, out).run();
  }

  private int run() {
    out.printf("gateway bench %s: %d connections in groups of %d (%d conversations) over %s; %d sends/s, warm-up %s,"
            + " measured %s%n", run, options.connections(), options.groupSize(), options.conversations(),
        options.gateways(), options.rate(), options.warmup(), options.duration());
    try {
      createConversations();
    } catch (SQLException e) {
      out.println("cannot create the bench conversations in " + options.database() + ": " + e.getMessage());
      return 2;
    }
    EventLoopGroup group = Epoll.isAvailable()
        ? new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory())
        : new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    try {
      List<Member> members;
      try {
        members = connect(group);
      } catch (RuntimeException e) {
        out.println("cannot open the connections: " + e.getMessage());
        return 2;
      }
      out.printf("connected %d sockets%n", members.size());
      Sent sent = send(members);
      drain(sent);
      finished = true;
      return report(sent);
    } finally {
      finished = true;
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private String user(int connection) {
    return "bench-" + run + "-u" + connection;
  }

  private String conversation(int connection) {
    return "bench-" + run + "-" + connection / options.groupSize();
  }

  private int groupSizeOf(int connection) {
    int first = connection / options.groupSize() * options.groupSize();
    return Math.min(options.groupSize(), options.connections() - first);
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
          conversations.setString(1, conversation(i));
          conversations.addBatch();
        }
        conversations.executeBatch();
        for (int i = 0; i < options.connections(); i++) {
          members.setString(1, conversation(i));
          members.setString(2, user(i));
          members.addBatch();
        }
        members.executeBatch();
      }
      c.commit();
    }
  }

  /** Opens every connection (round-robin over the gateways), a batch at a time; fails if one cannot. */
  private List<Member> connect(EventLoopGroup group) {
    Algorithm algorithm = Algorithm.HMAC256(options.jwtSecret());
    Instant expires = Instant.now().plus(options.warmup()).plus(options.duration()).plus(Duration.ofHours(1));
    List<Member> members = new ArrayList<>();
    for (int from = 0; from < options.connections(); from += CONNECT_BATCH) {
      List<CompletableFuture<Void>> handshakes = new ArrayList<>();
      for (int i = from; i < Math.min(options.connections(), from + CONNECT_BATCH); i++) {
        URI uri = options.gateways().get(i % options.gateways().size());
        String token = JWT.create().withSubject(user(i)).withExpiresAt(expires).sign(algorithm);
        Member member = new Member(i, conversation(i), groupSizeOf(i));
        members.add(member);
        handshakes.add(member.open(group, uri, token));
      }
      CompletableFuture.allOf(handshakes.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
    }
    return members;
  }

  private record Sent(long total, long measured, long startNanos, long measureFromNanos, long endNanos) {}

  /** Sends at the rate, open loop: each send has an intended time and goes out at it, or at once when late. */
  private Sent send(List<Member> members) {
    long interval = Math.max(1, 1_000_000_000L / options.rate());
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
    long from = start + options.warmup().toNanos();
    long end = from + options.duration().toNanos();
    int total = (int) Math.min(Integer.MAX_VALUE - 8, (end - start) / interval + 1);
    intended = new long[total];
    measureFrom = from;
    long measured = 0;
    int k = 0;
    for (; k < total; k++) {
      long at = start + k * interval;
      if (at >= end) {
        break;
      }
      long wait = at - System.nanoTime();
      if (wait > 20_000) {
        LockSupport.parkNanos(wait - 10_000);
      }
      while (System.nanoTime() < at) {
        Thread.onSpinWait();
      }
      Member member = members.get(k % members.size());
      intended[k] = at;
      expectedDeliveries.addAndGet(member.groupSize - 1);
      if (at >= from) {
        measured++;
      }
      member.send(k, at);
    }
    return new Sent(k, measured, start, from, end);
  }

  /** Waits (bounded) for the acks and deliveries still on their way. */
  private void drain(Sent sent) {
    long deadline = System.nanoTime() + options.drain().toNanos();
    while (System.nanoTime() < deadline
        && (acked.sum() < sent.total() || delivered.sum() < expectedDeliveries.get())) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  private int report(Sent sent) {
    double seconds = options.duration().toNanos() / 1e9;
    Histogram delivery = deliveries.getIntervalHistogram();
    Histogram ack = acks.getIntervalHistogram();
    long missingAcks = sent.total() - acked.sum();
    long missingDeliveries = expectedDeliveries.get() - delivered.sum();
    Map<String, Long> errorCounts = new TreeMap<>();
    errors.forEach((code, count) -> errorCounts.put(code, count.sum()));
    out.printf("sent %d (%d measured): %.0f sends/s achieved (target %d)%n", sent.total(), sent.measured(),
        sent.measured() / seconds, options.rate());
    out.printf("deliveries %d (%d measured): %.0f deliveries/s; missing deliveries %d, missing acks %d%n",
        delivered.sum(), measuredDeliveries.sum(), measuredDeliveries.sum() / seconds, missingDeliveries, missingAcks);
    out.printf("errors %s, connections closed early %d%n", errorCounts, closedEarly.sum());
    print("delivery latency", delivery);
    print("ack latency     ", ack);
    boolean clean = missingAcks == 0 && missingDeliveries == 0 && errorCounts.isEmpty() && closedEarly.sum() == 0;
    return clean ? 0 : 1;
  }

  private void print(String what, Histogram h) {
    out.printf("%s ms: p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  (n=%d)%n", what,
        h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
        h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0, h.getTotalCount());
  }

  /** Reads the number after {@code key} in {@code text}, or -1. */
  private static long number(String text, String key) {
    int i = text.indexOf(key);
    if (i < 0) {
      return -1;
    }
    long value = 0;
    boolean any = false;
    for (int p = i + key.length(); p < text.length(); p++) {
      char c = text.charAt(p);
      if (c == '"' && !any) {
        continue; // a quoted number (the frame id)
      }
      if (c < '0' || c > '9') {
        break;
      }
      value = value * 10 + (c - '0');
      any = true;
    }
    return any ? value : -1;
  }

  private void record(Recorder recorder, long intendedNanos) {
    recorder.recordValue(Math.max(0, (System.nanoTime() - intendedNanos) / 1_000));
  }

  /** One user's connection: writes its sends, reads acks, messages and errors. */
  private final class Member {

    final int index;
    final String conversation;
    final int groupSize;
    volatile Channel channel;

    Member(int index, String conversation, int groupSize) {
      this.index = index;
      this.conversation = conversation;
      this.groupSize = groupSize;
    }

    CompletableFuture<Void> open(EventLoopGroup group, URI uri, String token) {
      CompletableFuture<Void> open = new CompletableFuture<>();
      WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
          .webSocketUri(uri)
          .customHeaders(new DefaultHttpHeaders().add(HttpHeaderNames.AUTHORIZATION, "Bearer " + token))
          .maxFramePayloadLength(1 << 20)
          .handshakeTimeoutMillis(20_000)
          .build();
      new Bootstrap()
          .group(group)
          .channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65_536),
                  new WebSocketClientProtocolHandler(config), new Reader(open));
            }
          })
          .connect(uri.getHost(), uri.getPort())
          .addListener(f -> {
            if (!f.isSuccess()) {
              open.completeExceptionally(f.cause());
            }
          });
      return open;
    }

    void send(int k, long intendedNanos) {
      String frame = "{\"type\":\"send\",\"id\":\"" + k + "\",\"conversation\":\"" + conversation
          + "\",\"clientMsgId\":\"" + UUID.randomUUID() + "\",\"body\":\"bench " + k + "\",\"metadata\":{"
          + TIME_KEY + intendedNanos + "}}";
      channel.writeAndFlush(new TextWebSocketFrame(frame), channel.voidPromise());
    }

    private final class Reader extends SimpleChannelInboundHandler<TextWebSocketFrame> {
      private final CompletableFuture<Void> open;

      Reader(CompletableFuture<Void> open) {
        this.open = open;
      }

      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
          channel = ctx.channel();
          open.complete(null);
        } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
          open.completeExceptionally(new IllegalStateException("handshake timed out for connection " + index));
        }
        super.userEventTriggered(ctx, event);
      }

      @Override
      protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
        String text = frame.text();
        if (text.startsWith("{\"type\":\"message\"")) {
          long at = number(text, TIME_KEY);
          if (at > 0) {
            delivered.increment();
            if (at >= measureFrom) {
              measuredDeliveries.increment();
              record(deliveries, at);
            }
          }
        } else if (text.startsWith("{\"type\":\"ack\"")) {
          long k = number(text, "\"id\":");
          if (k >= 0 && k < intended.length) {
            acked.increment();
            if (intended[(int) k] >= measureFrom) {
              record(acks, intended[(int) k]);
            }
          }
        } else if (text.startsWith("{\"type\":\"error\"")) {
          String code = Json.parse(text).path("code").asText();
          errors.computeIfAbsent(code, c -> new LongAdder()).increment();
        }
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!finished) {
          closedEarly.increment();
        }
        open.completeExceptionally(new IllegalStateException("connection " + index + " closed during the handshake"));
        super.channelInactive(ctx);
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        open.completeExceptionally(cause);
        ctx.close();
      }
    }
  }
}
