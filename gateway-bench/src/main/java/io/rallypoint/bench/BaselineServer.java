package io.rallypoint.bench;

import com.auth0.jwt.JWT;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.rallypoint.gateway.fanout.EventLoopFanout;
import io.rallypoint.schemas.frame.AckFrame;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.frame.ErrorCode;
import io.rallypoint.schemas.frame.ErrorFrame;
import io.rallypoint.schemas.frame.ServerFrame;
import io.rallypoint.schemas.id.UuidV7;
import io.rallypoint.schemas.json.FrameCodec;
import io.rallypoint.schemas.json.Json;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The machine's floor for the bench's traffic: a minimal in-process Netty WebSocket broadcast
 * server that does for a {@code send} only what any chat server must (parse it, give it the
 * conversation's next seq, write one encoded {@code message} frame to every other connected
 * member, {@code ack} the sender), with no Redis, Kafka, PostgreSQL or token check. The user is the
 * unverified {@code sub} of the upgrade's {@code Authorization: Bearer} token; which conversation a
 * user is in comes from the caller.
 */
public final class BaselineServer implements AutoCloseable {

  private static final String PATH = "/ws";
  private static final String BEARER = "bearer ";

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel serverChannel;
  private final int workerLoops;

  private BaselineServer(EventLoopGroup boss, EventLoopGroup workers, Channel serverChannel, int workerLoops) {
    this.boss = boss;
    this.workers = workers;
    this.serverChannel = serverChannel;
    this.workerLoops = workerLoops;
  }

  /**
   * Starts on 127.0.0.1 at an ephemeral port, one worker loop per core, with the bench's transport.
   * {@code conversationOf} gives a user's conversation, or null for a user in none.
   */
  public static BaselineServer start(Function<String, String> conversationOf) {
    Map<String, Room> rooms = new ConcurrentHashMap<>();
    int workerLoops = Runtime.getRuntime().availableProcessors();
    EventLoopGroup boss = BenchTransport.group(1);
    EventLoopGroup workers = BenchTransport.group(workerLoops);
    WebSocketServerProtocolConfig webSocket = WebSocketServerProtocolConfig.newBuilder()
        .websocketPath(PATH)
        .maxFramePayloadLength(65_536)
        .build();
    ChannelFuture bound = new ServerBootstrap()
        .group(boss, workers)
        .channel(BenchTransport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8_192),
                new WebSocketServerProtocolHandler(webSocket), new MemberConnection(conversationOf, rooms));
          }
        })
        .bind("127.0.0.1", 0)
        .awaitUninterruptibly();
    if (!bound.isSuccess()) {
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IllegalStateException("cannot listen on 127.0.0.1: " + bound.cause(), bound.cause());
    }
    return new BaselineServer(boss, workers, bound.channel(), workerLoops);
  }

  /** Where clients connect: {@code ws://127.0.0.1:<port>/ws}. */
  public URI uri() {
    int port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
    return URI.create("ws://127.0.0.1:" + port + PATH);
  }

  /** A line saying what serves the baseline, for the bench's report. */
  public String describe() {
    return uri() + ", " + BenchTransport.name() + ", " + workerLoops + " worker loops";
  }

  /** Closes the port and every connection, and stops the event loops. */
  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    boss.terminationFuture().syncUninterruptibly();
    workers.terminationFuture().syncUninterruptibly();
  }

  /** The unverified {@code sub} of the request's bearer token, or null. */
  private static String userOf(HttpHeaders headers) {
    String header = headers.get(HttpHeaderNames.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return null;
    }
    try {
      return JWT.decode(header.substring(BEARER.length()).trim()).getSubject();
    } catch (JWTDecodeException e) {
      return null;
    }
  }

  /** One connection: joins its user's conversation once the handshake is done, and handles its {@code send}s. */
  private static final class MemberConnection extends SimpleChannelInboundHandler<TextWebSocketFrame> {

    private final Function<String, String> conversationOf;
    private final Map<String, Room> rooms;
    private String user;
    private Room room;

    MemberConnection(Function<String, String> conversationOf, Map<String, Room> rooms) {
      this.conversationOf = conversationOf;
      this.rooms = rooms;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete handshake) {
        user = userOf(handshake.requestHeaders());
        if (user == null) {
          ctx.close(); // the real gateway refuses the upgrade; this one learns who it is only now
          return;
        }
        String conversation = conversationOf.apply(user);
        if (conversation != null) {
          room = rooms.computeIfAbsent(conversation, Room::new);
          room.members.add(ctx.channel());
        }
      }
      super.userEventTriggered(ctx, event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
      JsonNode send;
      try {
        send = Json.parse(frame.text());
      } catch (UncheckedIOException e) {
        reply(ctx, new ErrorFrame(null, ErrorCode.BAD_REQUEST, "frame is not valid JSON"));
        return;
      }
      String id = send.path("id").textValue();
      if (!"send".equals(send.path("type").textValue())
          || !send.path("clientMsgId").isTextual() || !send.path("body").isTextual()) {
        reply(ctx, new ErrorFrame(id, ErrorCode.BAD_REQUEST,
            "the baseline server takes only send frames with a clientMsgId and a body"));
        return;
      }
      if (room == null || !room.conversation.equals(send.path("conversation").textValue())) {
        reply(ctx, new ErrorFrame(id, ErrorCode.FORBIDDEN, "not a member of this conversation"));
        return;
      }
      ObjectNode metadata = send.get("metadata") instanceof ObjectNode given ? given : Json.object();
      reply(ctx, room.broadcast(id, user, send.get("clientMsgId").textValue(), send.get("body").textValue(),
          metadata, ctx.channel()));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a client that resets its socket is gone; nothing else to do for it here
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (room != null) {
        room.members.remove(ctx.channel());
      }
      super.channelInactive(ctx);
    }

    private static void reply(ChannelHandlerContext ctx, ServerFrame frame) {
      ctx.writeAndFlush(new TextWebSocketFrame(FrameCodec.encode(frame)), ctx.voidPromise());
    }
  }

  /** A conversation: its connected members and its last seq. */
  private static final class Room {

    final String conversation;
    final Set<Channel> members = ConcurrentHashMap.newKeySet();
    private long seq; // guarded by this

    Room(String conversation) {
      this.conversation = conversation;
    }

    /**
     * Gives the message the next seq and queues its frame to every other member, the way the
     * gateway does ({@link EventLoopFanout}). Under the room's lock, so every member's loop queues
     * the conversation's frames in seq order.
     */
    synchronized AckFrame broadcast(String id, String sender, String clientMsgId, String body, ObjectNode metadata,
        Channel origin) {
      ChatMessage message = new ChatMessage(conversation, UuidV7.next().toString(), ++seq, sender, clientMsgId,
          body, metadata, Instant.now());
      EventLoopFanout.write(members, member -> member != origin, Channel::eventLoop, FrameCodec.encode(message),
          (member, frame) -> member.writeAndFlush(frame.retainedDuplicate(), member.voidPromise()));
      return new AckFrame(id, clientMsgId, message.messageId(), message.seq(), message.sentAt());
    }
  }
}
