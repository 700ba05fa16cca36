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
import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.client.frame.ClientFrame;
import io.rallypoint.client.frame.FrameJson;
import io.rallypoint.client.frame.FrameWriter;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One run of the bench's load against one set of servers: opens the connections (round-robin over
 * the servers), sends at the rate, open loop, waits a bounded time for the last acks and
 * deliveries, and reports. It holds that run's state (recorders, counters, intended send times),
 * so the baseline run and the gateway run share nothing but the options and the users.
 *
 * <p>Two extra loads ride on the chat load when asked: every member sharing a position every
 * {@code --share-every} from an active recording session ({@link Extra#SHARING}), and a storm of
 * {@code --storm} more members connecting all at once ({@link Extra#STORM}). Latencies are also
 * kept per slice of intended time, so the storm's window can be compared with the time before it.
 */
final class LoadPhase {

  /** What rides on the chat load in this phase. */
  enum Extra { NONE, SHARING, STORM }

  /** The metadata field that carries a send's intended time (nanoTime), read back from the deliveries. */
  private static final String TIME_FIELD = "benchT";
  private static final String TIME_KEY = "\"" + TIME_FIELD + "\":";
  private static final int CONNECT_BATCH = 100;
  private static final int CLIENT_LOOPS = 2;
  /** Latencies are also kept per slice of intended send time this long (the storm's windows). */
  private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
  /** The storm window lasts until this long after its last connection opened (presence pushes follow the opening). */
  private static final long STORM_TAIL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final BenchOptions options;
  private final BenchUsers users;
  private final List<URI> servers;
  private final Extra extra;
  private final String phase;
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
  private volatile long sendStart = Long.MAX_VALUE;
  private Recorder[] deliverySlices = new Recorder[0];
  private Recorder[] ackSlices = new Recorder[0];
  // sharing positions
  private final LongAdder positionsSent = new LongAdder();
  private final LongAdder positionsAccepted = new LongAdder();
  private final LongAdder positionsReceived = new LongAdder();
  private volatile boolean sharingOn;
  // the storm
  private final LongAdder stormOpened = new LongAdder();
  private final LongAdder stormPresenceAnswers = new LongAdder();
  private final LongAdder stormDeliveries = new LongAdder();
  private final LongAdder presencePushes = new LongAdder();
  private final AtomicLong stormLastOpen = new AtomicLong();

  /** A phase of the chat load alone. */
  LoadPhase(BenchOptions options, BenchUsers users, List<URI> servers) {
    this(options, users, servers, Extra.NONE, "chat");
  }

  /** A phase with {@code extra} riding on the chat load; {@code phase} names its recording sessions. */
  LoadPhase(BenchOptions options, BenchUsers users, List<URI> servers, Extra extra, String phase) {
    this.options = options;
    this.users = users;
    this.servers = List.copyOf(servers);
    this.extra = extra;
    this.phase = phase;
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
    // the storm's connections have loops of their own: their handshakes must not queue the chat members' reads
    EventLoopGroup stormGroup = extra == Extra.STORM ? BenchTransport.group(CLIENT_LOOPS) : null;
    try {
      List<Member> members;
      try {
        members = connect(group);
        if (extra == Extra.SHARING) {
          startSessions(members);
        }
      } catch (RuntimeException e) {
        throw new ConnectFailed(e);
      }
      out.printf("%sconnected %d sockets%s%n", prefix, members.size(),
          extra == Extra.SHARING ? ", each with an active recording session" : "");
      Sent sent = send(members, stormGroup);
      sharingOn = false;
      drain(sent);
      finished = true;
      return report(sent);
    } finally {
      finished = true;
      sharingOn = false;
      if (stormGroup != null) {
        stormGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /**
   * Each member starts a recording session ({@code session started}, answered {@code ok}) before
   * sending begins, so its positions are accepted (its consent is on in the database).
   */
  private void startSessions(List<Member> members) {
    Instant at = Instant.now();
    for (int from = 0; from < members.size(); from += CONNECT_BATCH) {
      List<CompletableFuture<Void>> started = new ArrayList<>();
      for (Member member : members.subList(from, Math.min(members.size(), from + CONNECT_BATCH))) {
        started.add(member.startSession(users.session(member.index, phase), at));
      }
      CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
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
        Member member = new Member(i, users.conversation(i), users.groupSizeOf(i), false);
        members.add(member);
        handshakes.add(member.open(group, uri, token));
      }
      CompletableFuture.allOf(handshakes.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
    }
    return members;
  }

  private record Sent(long total, long measured, CpuUse cpu, long start, long from, long end, Storm storm) {}

  /** When the storm started and when its last connection opened (0: not all opened), in nanoTime. */
  private record Storm(long started, long allOpen) {}

  /** Sends at the rate, open loop: each send has an intended time and goes out at it, or at once when late. */
  private Sent send(List<Member> members, EventLoopGroup stormGroup) {
    long interval = Math.max(1, 1_000_000_000L / options.rate());
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
    long from = start + options.warmup().toNanos();
    long end = from + options.duration().toNanos();
    int total = (int) Math.min(Integer.MAX_VALUE - 8, (end - start) / interval + 1);
    intended = new long[total];
    int slices = (int) ((end - start) / SLICE_NANOS) + 2;
    deliverySlices = new Recorder[slices];
    ackSlices = new Recorder[slices];
    for (int i = 0; i < slices; i++) {
      deliverySlices[i] = new Recorder(3);
      ackSlices[i] = new Recorder(3);
    }
    sendStart = start;
    measureFrom = from;
    if (extra == Extra.SHARING) {
      sharingOn = true;
      for (Member member : members) {
        member.shareFrom(start);
      }
    }
    CompletableFuture<Storm> storm = extra == Extra.STORM
        ? stormAt(start + options.stormAt().toNanos(), stormGroup)
        : CompletableFuture.completedFuture(null);
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
    Storm stormed = storm.completeOnTimeout(new Storm(0, 0), 1, TimeUnit.SECONDS).join();
    return new Sent(k, measured, measuring.join().until(sendsEnded), start, from, end, stormed);
  }

  /**
   * At {@code at}, opens {@code --storm} more connections of members of the bench conversations all
   * at once (their tokens signed before), each asking {@code presence} of its conversation when open,
   * as a client does after connecting; completes when every one has opened.
   */
  private CompletableFuture<Storm> stormAt(long at, EventLoopGroup stormGroup) {
    Algorithm algorithm = Algorithm.HMAC256(options.jwtSecret());
    Instant expires = Instant.now().plus(options.warmup()).plus(options.duration()).plus(Duration.ofHours(1));
    List<String> tokens = new ArrayList<>();
    for (int j = 0; j < options.storm(); j++) {
      tokens.add(JWT.create().withSubject(users.stormUser(j)).withExpiresAt(expires).sign(algorithm));
    }
    return CompletableFuture.supplyAsync(() -> {
      long started = System.nanoTime();
      List<CompletableFuture<Void>> handshakes = new ArrayList<>();
      for (int j = 0; j < tokens.size(); j++) {
        Member member = new Member(j, users.stormConversation(j), 0, true);
        handshakes.add(member.open(stormGroup, servers.get(j % servers.size()), tokens.get(j)));
      }
      try {
        CompletableFuture.allOf(handshakes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        return new Storm(started, stormLastOpen.get());
      } catch (Exception e) {
        return new Storm(started, 0);
      }
    }, CompletableFuture.delayedExecutor(Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS));
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
        deliveries.getIntervalHistogram(), acks.getIntervalHistogram(), sent.cpu(), sharingReport(), stormReport(sent));
  }

  private PhaseReport.Sharing sharingReport() {
    return extra != Extra.SHARING ? null
        : new PhaseReport.Sharing(positionsSent.sum(), positionsAccepted.sum(), positionsReceived.sum());
  }

  /** The storm's window: from its start until a second after its last connection opened (the whole rest if not all did). */
  private PhaseReport.StormWindows stormReport(Sent sent) {
    if (extra != Extra.STORM || sent.storm() == null || sent.storm().started() == 0) {
      return null;
    }
    Storm storm = sent.storm();
    long windowEnd = storm.allOpen() == 0 ? sent.end() : Math.min(sent.end(), storm.allOpen() + STORM_TAIL_NANOS);
    int first = slice(sent.from());
    int stormFirst = slice(storm.started());
    int stormEnd = (int) ((windowEnd - sent.start() + SLICE_NANOS - 1) / SLICE_NANOS);
    int last = slice(sent.end() - 1) + 1;
    return new PhaseReport.StormWindows(options.storm(), stormOpened.sum(), stormPresenceAnswers.sum(),
        stormDeliveries.sum(), presencePushes.sum(),
        storm.allOpen() == 0 ? -1 : storm.allOpen() - storm.started(),
        (stormFirst - first) * SLICE_NANOS, (stormEnd - stormFirst) * SLICE_NANOS,
        merged(deliverySlices, first, stormFirst), merged(deliverySlices, stormFirst, stormEnd),
        merged(deliverySlices, stormEnd, last),
        merged(ackSlices, first, stormFirst), merged(ackSlices, stormFirst, stormEnd), merged(ackSlices, stormEnd, last));
  }

  private int slice(long nanos) {
    return (int) Math.max(0, (nanos - sendStart) / SLICE_NANOS);
  }

  private static Histogram merged(Recorder[] slices, int from, int to) {
    Histogram h = new Histogram(3);
    for (int i = Math.max(0, from); i < Math.min(slices.length, to); i++) {
      h.add(slices[i].getIntervalHistogram());
    }
    return h;
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

  private void record(Recorder recorder, Recorder[] slices, long intendedNanos) {
    long micros = Math.max(0, (System.nanoTime() - intendedNanos) / 1_000);
    recorder.recordValue(micros);
    long slice = (intendedNanos - sendStart) / SLICE_NANOS;
    if (slice >= 0 && slice < slices.length) {
      slices[(int) slice].recordValue(micros);
    }
  }

  /**
   * One user's connection: writes its sends (and positions, when sharing), reads acks, messages and
   * errors. A storm member sends nothing but its {@code presence} request.
   */
  private final class Member {

    final int index;
    final String conversation;
    final int groupSize;
    final boolean stormMember;
    volatile Channel channel;
    private volatile String session;
    private volatile CompletableFuture<Void> sessionStarted;
    private int positions;
    private double lat;
    private double lng;

    Member(int index, String conversation, int groupSize, boolean stormMember) {
      this.index = index;
      this.conversation = conversation;
      this.groupSize = groupSize;
      this.stormMember = stormMember;
      this.lat = 48.80 + (index % 100) * 0.001;
      this.lng = 2.30 + (index / 100) * 0.001;
    }

    /** Sends {@code session started}; completes on its {@code ok}, fails on an error. */
    CompletableFuture<Void> startSession(String id, Instant at) {
      session = id;
      sessionStarted = new CompletableFuture<>();
      write(new ClientFrame.Session("s", id, ClientFrame.SessionState.STARTED, at));
      return sessionStarted;
    }

    /** Shares a position every period, jittered (+-20 %), the first at a random point of the first period. */
    void shareFrom(long start) {
      long period = options.shareEvery().toNanos();
      long first = start - System.nanoTime() + ThreadLocalRandom.current().nextLong(period);
      channel.eventLoop().schedule(this::share, Math.max(0, first), TimeUnit.NANOSECONDS);
    }

    private void share() {
      if (!sharingOn || !channel.isActive()) {
        return;
      }
      lat += 0.0001;
      lng += 0.0001;
      positionsSent.increment();
      write(new ClientFrame.Location("l" + positions++, conversation, session, lat, lng, Instant.now()));
      long period = options.shareEvery().toNanos();
      long next = period * 8 / 10 + ThreadLocalRandom.current().nextLong(period * 4 / 10 + 1);
      channel.eventLoop().schedule(this::share, next, TimeUnit.NANOSECONDS);
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
      write(new ClientFrame.Send(String.valueOf(k), conversation, UUID.randomUUID().toString(), "bench " + k,
          FrameJson.object().put(TIME_FIELD, intendedNanos)));
    }

    /** Writes a frame in the client SDK's wire form, as an app's client would. */
    private void write(ClientFrame frame) {
      channel.writeAndFlush(new TextWebSocketFrame(FrameWriter.toJson(frame)), channel.voidPromise());
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
          if (stormMember) {
            stormOpened.increment();
            stormLastOpen.accumulateAndGet(System.nanoTime(), Math::max);
            write(new ClientFrame.Presence("p", conversation));
          }
          open.complete(null);
        } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
          open.completeExceptionally(new IllegalStateException("handshake timed out for connection " + index));
        }
        super.userEventTriggered(ctx, event);
      }

      @Override
      protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
        String text = frame.text();
        if (stormMember) {
          readAsStormMember(text);
          return;
        }
        if (text.startsWith("{\"type\":\"message\"")) {
          long at = number(text, TIME_KEY);
          if (at > 0) {
            delivered.increment();
            if (at >= measureFrom) {
              measuredDeliveries.increment();
              record(deliveries, deliverySlices, at);
            }
          }
        } else if (text.startsWith("{\"type\":\"ack\"")) {
          long k = number(text, "\"id\":");
          if (k >= 0 && k < intended.length) {
            acked.increment();
            if (intended[(int) k] >= measureFrom) {
              record(acks, ackSlices, intended[(int) k]);
            }
          }
        } else if (text.startsWith("{\"type\":\"location\"")) {
          positionsReceived.increment();
        } else if (text.startsWith("{\"type\":\"presence\"")) {
          presencePushes.increment();
        } else if (text.startsWith("{\"type\":\"ok\"")) {
          ok(text);
        } else if (text.startsWith("{\"type\":\"error\"")) {
          error(text);
        }
      }

      private void ok(String text) {
        String id = Json.parse(text).path("id").asText();
        if (id.equals("s") && sessionStarted != null) {
          sessionStarted.complete(null);
        } else if (id.startsWith("l")) {
          positionsAccepted.increment();
        }
      }

      /** Counts the error by code; a refused position or session is named so. */
      private void error(String text) {
        JsonNode error = Json.parse(text);
        String id = error.path("id").asText();
        String code = (id.startsWith("l") ? "location " : id.equals("s") ? "session " : id.equals("p") ? "presence " : "")
            + error.path("code").asText();
        errors.computeIfAbsent(code, c -> new LongAdder()).increment();
        if (id.equals("s") && sessionStarted != null) {
          sessionStarted.completeExceptionally(new IllegalStateException("session of connection " + index
              + " refused: " + text));
        }
      }

      private void readAsStormMember(String text) {
        if (text.startsWith("{\"type\":\"message\"")) {
          stormDeliveries.increment();
        } else if (text.startsWith("{\"type\":\"presence\"") && text.contains("\"id\":\"p\"")) {
          stormPresenceAnswers.increment();
        } else if (text.startsWith("{\"type\":\"error\"")) {
          error(text);
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
