package io.rallypoint.bench;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.rallypoint.schemas.json.Json;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Recorder;

/**
 * One run of the bench's load against one set of servers: opens the connections (round-robin over
 * the servers), sends at the rate, open loop, waits a bounded time for the last acks and
 * deliveries, and reports. It holds that run's state (recorders, counters, intended send times),
 * so the baseline run and the gateway run share nothing but the options and the users.
 */
final class LoadPhase {

  private static final String TIME_KEY = "\"benchT\":";
  private static final int CONNECT_BATCH = 100;
  private static final int CLIENT_LOOPS = 2;

  private final BenchOptions options;
  private final BenchUsers users;
  private final List<URI> servers;
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

  LoadPhase(BenchOptions options, BenchUsers users, List<URI> servers) {
    this.options = options;
    this.users = users;
    this.servers = List.copyOf(servers);
  }

  /** A connection could not be opened: the phase measured nothing. */
  static final class ConnectFailed extends Exception {
    ConnectFailed(RuntimeException cause) {
      super("cannot open the connections: " + cause.getMessage(), cause);
    }
  }

  /** Runs the load once; prints {@code <prefix>connected N sockets} when they are open. */
  PhaseReport run(PrintStream out, String prefix) throws ConnectFailed {
    EventLoopGroup group = BenchTransport.group(CLIENT_LOOPS);
    try {
      List<Member> members;
      try {
        members = connect(group);
      } catch (RuntimeException e) {
        throw new ConnectFailed(e);
      }
      out.printf("%sconnected %d sockets%n", prefix, members.size());
      Sent sent = send(members);
      drain(sent);
      finished = true;
      return report(sent);
    } finally {
      finished = true;
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** Opens every connection (round-robin over the servers), a batch at a time; fails if one cannot. */
  private List<Member> connect(EventLoopGroup group) {
    Algorithm algorithm = Algorithm.HMAC256(options.jwtSecret());
    Instant expires = Instant.now().plus(options.warmup()).plus(options.duration()).plus(Duration.ofHours(1));
    List<Member> members = new ArrayList<>();
    for (int from = 0; from < options.connections(); from += CONNECT_BATCH) {
      List<CompletableFuture<Void>> handshakes = new ArrayList<>();
      for (int i = from; i < Math.min(options.connections(), from + CONNECT_BATCH); i++) {
        URI uri = servers.get(i % servers.size());
        String token = JWT.create().withSubject(users.user(i)).withExpiresAt(expires).sign(algorithm);
        Member member = new Member(i, users.conversation(i), users.groupSizeOf(i));
        members.add(member);
        handshakes.add(member.open(group, uri, token));
      }
      CompletableFuture.allOf(handshakes.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
    }
    return members;
  }

  private record Sent(long total, long measured, CpuUse cpu) {}

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
    // the CPU sample reads every /proc/<pid>/stat (milliseconds): taken on another thread when the
    // measured part starts, so the send loop's first measured sends do not wait for it
    CompletableFuture<CpuUse.Sample> measuring = CompletableFuture.supplyAsync(CpuUse.Sample::take,
        CompletableFuture.delayedExecutor(from - System.nanoTime(), TimeUnit.NANOSECONDS));
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
    CpuUse.Sample sendsEnded = CpuUse.Sample.take();
    return new Sent(k, measured, measuring.join().until(sendsEnded));
  }

  /** Waits (bounded) for the acks and deliveries still on their way. */
  private void drain(Sent sent) {
    long deadline = System.nanoTime() + options.drain().toNanos();
    while (System.nanoTime() < deadline
        && (acked.sum() < sent.total() || delivered.sum() < expectedDeliveries.get())) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  private PhaseReport report(Sent sent) {
    Map<String, Long> errorCounts = new HashMap<>();
    errors.forEach((code, count) -> errorCounts.put(code, count.sum()));
    return new PhaseReport(sent.total(), sent.measured(), delivered.sum(), measuredDeliveries.sum(),
        expectedDeliveries.get() - delivered.sum(), sent.total() - acked.sum(), errorCounts, closedEarly.sum(),
        deliveries.getIntervalHistogram(), acks.getIntervalHistogram(), sent.cpu());
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

  private static void record(Recorder recorder, long intendedNanos) {
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
          .channel(BenchTransport.socketChannel())
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
