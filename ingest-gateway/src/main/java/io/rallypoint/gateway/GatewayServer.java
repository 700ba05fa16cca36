package io.rallypoint.gateway;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.rallypoint.gateway.admin.AdminApi;
import io.rallypoint.gateway.admin.AdminDao;
import io.rallypoint.gateway.admin.ClusterChanges;
import io.rallypoint.gateway.auth.TokenSigner;
import io.rallypoint.gateway.auth.TokenVerifier;
import io.rallypoint.gateway.chat.MessageDao;
import io.rallypoint.gateway.chat.ReceiptPath;
import io.rallypoint.gateway.chat.SendPath;
import io.rallypoint.gateway.chat.SeqSeed;
import io.rallypoint.gateway.chat.SyncPath;
import io.rallypoint.gateway.connection.Connection;
import io.rallypoint.gateway.connection.ConnectionGuard;
import io.rallypoint.gateway.connection.ConnectionListener;
import io.rallypoint.gateway.deps.ErrorReplies;
import io.rallypoint.gateway.fanout.ClusterBus;
import io.rallypoint.gateway.fanout.ConversationLanes;
import io.rallypoint.gateway.fanout.LiveFanout;
import io.rallypoint.gateway.fanout.LocalConnections;
import io.rallypoint.gateway.frames.FrameHandler;
import io.rallypoint.gateway.frames.FrameRouter;
import io.rallypoint.gateway.http.DemoUsers;
import io.rallypoint.gateway.http.HttpRoutes;
import io.rallypoint.gateway.http.PreferencesApi;
import io.rallypoint.gateway.http.Readiness;
import io.rallypoint.gateway.http.StaticFiles;
import io.rallypoint.gateway.kafka.ConsumerLag;
import io.rallypoint.gateway.kafka.KafkaTopicWriter;
import io.rallypoint.gateway.kafka.UnpersistedMessages;
import io.rallypoint.gateway.location.Consent;
import io.rallypoint.gateway.location.LivePositions;
import io.rallypoint.gateway.location.LocationSharing;
import io.rallypoint.gateway.location.MeetingPointFeed;
import io.rallypoint.gateway.location.PreferenceDao;
import io.rallypoint.gateway.location.RecordingSessionDao;
import io.rallypoint.gateway.membership.MemberDao;
import io.rallypoint.gateway.membership.MembersOnly;
import io.rallypoint.gateway.membership.Membership;
import io.rallypoint.gateway.membership.MembershipChanges;
import io.rallypoint.gateway.metrics.GatewayMetrics;
import io.rallypoint.gateway.presence.Presence;
import io.rallypoint.gateway.protect.RateLimiter;
import io.rallypoint.gateway.store.Keys;
import io.rallypoint.gateway.store.RedisBackend;
import io.rallypoint.gateway.store.RedisChatStore;
import io.rallypoint.gateway.store.RedisLocationStore;
import io.rallypoint.gateway.store.RedisPresenceStore;
import io.rallypoint.gateway.typing.LapseTimer;
import io.rallypoint.gateway.typing.TypingRelay;
import io.rallypoint.gateway.upgrade.WebSocketUpgrade;
import io.rallypoint.gateway.wire.ChatMessageWire;
import io.rallypoint.schemas.db.DatabasePool;
import io.rallypoint.schemas.ops.BuildInfo;
import io.rallypoint.schemas.ops.ServiceMetrics;
import io.rallypoint.schemas.topic.Topic;
import io.rallypoint.schemas.topic.Topics;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway node: owns the Netty server and every client it needs (PostgreSQL pool, Redis
 * connections, Kafka producer), starts them in order and closes them in reverse.
 *
 * <pre>{@code try (GatewayServer gateway = GatewayServer.start(GatewayConfig.from(Env.system()))) { ... }}</pre>
 */
public final class GatewayServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
  private static final Duration DEPENDENCY_TIMEOUT = Duration.ofSeconds(3);
  /** How long Redis remembers a recording session's state (PostgreSQL is asked again after). */
  private static final Duration SESSION_STATE_TTL = Duration.ofDays(1);
  /** How long Redis keeps a conversation's latest meeting point after its last update. */
  private static final Duration MEETING_POINT_TTL = Duration.ofDays(7);

  private final String nodeId;
  private final Channel serverChannel;
  private final ChannelGroup channels;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final PrometheusMeterRegistry registry;
  private final LocalConnections local;
  /** Everything else this node opened, closed last-opened-first. */
  private final Deque<AutoCloseable> resources;

  private GatewayServer(String nodeId, Channel serverChannel, ChannelGroup channels, EventLoopGroup boss,
      EventLoopGroup workers, PrometheusMeterRegistry registry, LocalConnections local, Deque<AutoCloseable> resources) {
    this.nodeId = nodeId;
    this.serverChannel = serverChannel;
    this.channels = channels;
    this.boss = boss;
    this.workers = workers;
    this.registry = registry;
    this.local = local;
    this.resources = resources;
  }

  /** Starts a node and binds its port; throws with a clear message when it cannot. */
  public static GatewayServer start(GatewayConfig config) {
    Deque<AutoCloseable> resources = new ArrayDeque<>();
    try {
      return start(config, resources);
    } catch (RuntimeException | InterruptedException e) {
      closeAll(resources);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("gateway failed to start: " + e.getMessage(), e);
    }
  }

  private static GatewayServer start(GatewayConfig config, Deque<AutoCloseable> resources) throws InterruptedException {
    String nodeId = UUID.randomUUID().toString();
    Clock clock = Clock.systemUTC();
    ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();
    resources.push(blocking::close);

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    resources.push(registry::close);
    resources.push(ServiceMetrics.bind(registry, "gateway", BuildInfo.current()));

    // a fixed pool; connections are checked within HikariCP's default 5 s
    HikariDataSource database = DatabasePool.open(config.databaseUrl(), new DatabasePool.Settings("gateway-db",
        config.dbPoolSize(), config.dbPoolSize(), DEPENDENCY_TIMEOUT, Duration.ofSeconds(5),
        DatabasePool.Access.READ_WRITE));
    resources.push(database);
    Jdbi jdbi = Jdbi.create(database).installPlugin(new SqlObjectPlugin()).installPlugin(new PostgresPlugin());

    RedisBackend redis = RedisBackend.connect(config.redisUrl(), DEPENDENCY_TIMEOUT);
    resources.push(redis);

    KafkaTopicWriter topics = KafkaTopicWriter.connect(config.kafkaBootstrapServers(), config.kafkaTimeout(), config.kafkaLinger());
    resources.push(topics);
    Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) DEPENDENCY_TIMEOUT.toMillis(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) DEPENDENCY_TIMEOUT.toMillis()));
    resources.push(() -> admin.close(Duration.ofSeconds(2)));
    ConsumerLag lag = new ConsumerLag(admin, lagGroups(config), Topics.CHAT_MESSAGES_DLQ.name(), DEPENDENCY_TIMEOUT,
        registry, Clock.systemUTC());
    resources.push(lag);
    lag.start(config.lagInterval());

    Transport transport = Transport.named(config.transport());
    EventLoopGroup boss = transport.group(1);
    EventLoopGroup workers = transport.group(config.workerThreads());

    Keys keys = new Keys(config.redisChannelPrefix(), redis.database());
    ClusterBus bus = new ClusterBus(redis.pubSub(), redis.commands(), redis.cluster(), keys, nodeId);
    Membership membership = new Membership(jdbi.onDemand(MemberDao.class), blocking, config.membershipCacheTtl(),
        System::nanoTime);
    LocalConnections local = new LocalConnections(bus, membership::knownMembers);
    LiveFanout live = new LiveFanout(local, bus);
    GatewayMetrics metrics = new GatewayMetrics(registry, local::connectionCount, local::conversationCount);

    RedisChatStore store = new RedisChatStore(redis.commands(), keys, nodeId, config.idempotencyTtl(),
        GatewayConfig.RECENT_MESSAGES, redis.cluster());
    RedisLocationStore locationStore = new RedisLocationStore(redis.commands(), keys, SESSION_STATE_TTL, MEETING_POINT_TTL);
    PreferenceDao preferences = jdbi.onDemand(PreferenceDao.class);
    Consent consent = new Consent(preferences, blocking, config.consentCacheTtl(), System::nanoTime);
    ErrorReplies replies = new ErrorReplies(System::nanoTime);
    LivePositions positions = new LivePositions(live, consent, locationStore, clock);
    LocationSharing location = new LocationSharing(consent, jdbi.onDemand(RecordingSessionDao.class), locationStore,
        topics, replies, metrics, blocking, positions);
    ScheduledExecutorService presenceBeats = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("gateway-presence").factory());
    resources.push(presenceBeats::shutdownNow);
    Presence presence = new Presence(nodeId, new RedisPresenceStore(redis.commands(), keys), membership, live,
        location::recordingAmong, replies, config.presenceNodeTtl(), presenceBeats);
    TypingRelay typing = new TypingRelay(live, LapseTimer.on(workers.next()));
    MessageDao messages = jdbi.onDemand(MessageDao.class);
    UnpersistedMessages unpersisted = new UnpersistedMessages(UnpersistedMessages.consumer(config.kafkaBootstrapServers()),
        admin, config.persisterGroupId(), config.kafkaTimeout(), System::nanoTime);
    resources.push(unpersisted);
    SendPath send = new SendPath(store, SeqSeed.oneAtATime(SeqSeed.recovering(messages, unpersisted, config.seqReseedGap(), blocking)),
        local,
        new ConversationLanes(workers), topics, location, replies, metrics, config.maxBodyChars(),
        config.redisMaxPendingSends(), clock);
    ReceiptPath receipts = new ReceiptPath(store, local, topics, replies, metrics, clock);
    SyncPath sync = new SyncPath(store, messages, replies, metrics, blocking, config.outboundHighWaterBytes() / 2);
    MembersOnly members = new MembersOnly(membership, local, replies);
    FrameRouter router = new FrameRouter(
        members.wrap("the message", send::handle),
        members.wrap("the read receipt", receipts::handle),
        members.wrap("the sync", sync::handle),
        members.wrap("the location frame", location::location),
        location::session,
        members.wrap("the meetingPoint frame", location::meetingPoint),
        members.wrap("the typing frame", typing::handle),
        members.wrap("the presence request", presence.requests()));
    ClusterChanges changes = new ClusterChanges(new MembershipChanges(membership, local), consent, bus);
    bus.start((conversation, frame, except) -> {
      if (except == null) {
        long sentAt = ChatMessageWire.sentAtMillis(frame); // -1: not a message (a receipt, a change)
        metrics.delivered(sentAt < 0 ? local.deliver(conversation, frame, null)
            : local.deliverMessage(conversation, frame, sentAt, null));
      } else if (positions.freshRelayed(conversation, except, frame)) {
        metrics.delivered(local.deliverToOthers(conversation, frame, except));
      }
    }, changes::received, DEPENDENCY_TIMEOUT);
    presence.start(DEPENDENCY_TIMEOUT);
    resources.push(presence);
    MeetingPointFeed meetingPoints = new MeetingPointFeed(
        MeetingPointFeed.consumer(config.kafkaBootstrapServers(), DEPENDENCY_TIMEOUT), locationStore, local, metrics);
    meetingPoints.start();
    resources.push(meetingPoints);

    FrameHandler frames = new FrameHandler(router);
    TokenVerifier tokens = new TokenVerifier(config.jwtSecret(), clock);
    WebSocketUpgrade upgrade = new WebSocketUpgrade(tokens, membership, local,
        new RateLimiter(config.rateLimitBurst(), config.rateLimitPerSecond(), config.abuseWindow(),
            config.abuseCloseAfter(), System::nanoTime),
        new RateLimiter(config.typingRateLimitBurst(), config.typingRateLimitPerSecond(), config.abuseWindow(),
            config.abuseCloseAfter(), System::nanoTime),
        ConnectionListener.all(List.of(presence.connections(), typing)), metrics, frames,
        config.maxFrameBytes(), GatewayInitializer.HTTP_ROUTES, GatewayInitializer.WS_UPGRADE);
    AdminApi adminApi = new AdminApi(tokens, jdbi.onDemand(AdminDao.class), preferences, changes, blocking);
    HttpRoutes routes = new HttpRoutes(new Readiness(admin, redis.commands(), database, blocking, DEPENDENCY_TIMEOUT),
        registry, new StaticFiles(), new PreferencesApi(tokens, preferences, consent, blocking),
        demoUsers(config, jdbi.onDemand(MemberDao.class), blocking, clock), adminApi);

    ChannelGroup channels = new DefaultChannelGroup("gateway-connections", GlobalEventExecutor.INSTANCE);
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(boss, workers)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
            new WriteBufferWaterMark(config.outboundLowWaterBytes(), config.outboundHighWaterBytes()))
        .childHandler(new GatewayInitializer(channels, config.idleTimeout(), new ConnectionGuard(metrics), routes,
            upgrade));
    Channel serverChannel;
    try {
      serverChannel = bootstrap.bind(config.port()).sync().channel();
    } catch (Exception e) { // Netty rethrows the BindException unchecked
      if (e instanceof InterruptedException) {
        throw (InterruptedException) e;
      }
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IllegalStateException("cannot listen on GATEWAY_PORT=" + config.port() + ": " + e.getMessage(), e);
    }
    GatewayServer server = new GatewayServer(nodeId, serverChannel, channels, boss, workers, registry, local, resources);
    LOG.info("gateway {} listening on port {} ({}), {}, Kafka {}", nodeId, server.port(),
        transport.name(), redis, config.kafkaBootstrapServers());
    return server;
  }

  /** The port the node listens on (the real one when configured with 0). */
  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /** This node's id (in logs and in its pub/sub messages). */
  public String nodeId() {
    return nodeId;
  }

  /** The node's meters (also served at {@code /metrics}). */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** WebSocket connections open on this node. */
  public int connectionCount() {
    return local.connectionCount();
  }

  /** Stops accepting, says goodbye (1001) to every client, then closes the clients of Kafka, Redis and PostgreSQL. */
  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    for (Channel channel : channels) {
      Connection connection = channel.attr(Connection.KEY).get();
      if (connection != null) {
        connection.close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE);
      } else {
        channel.close();
      }
    }
    channels.newCloseFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    closeAll(resources);
    LOG.info("gateway {} stopped", nodeId);
  }

  /** {@code GET /demo/users} when {@code GATEWAY_DEMO_TOKENS} is on (development only), else a 404. */
  /**
   * The consumer groups whose lag the gateway exports, with the topics each reads (PROTOCOL section
   * 2.3): the persister's two groups and the location-stream's application.
   */
  static Map<String, List<String>> lagGroups(GatewayConfig config) {
    return Map.of(
        config.persisterGroupId(), List.of(Topics.CHAT_MESSAGES.name(), Topics.CHAT_RECEIPTS.name()),
        config.persisterGroupId() + "-retry", Topics.CHAT_MESSAGES_RETRIES.stream().map(Topic::name).toList(),
        config.locationApplicationId(), List.of(Topics.LOCATION_UPDATES.name(), Topics.RECORDING_SESSIONS.name()));
  }

  private static HttpRoutes.Route demoUsers(GatewayConfig config, MemberDao members, Executor blocking, Clock clock) {
    if (!config.demoTokens()) {
      return HttpRoutes.NOT_FOUND;
    }
    LOG.warn("GATEWAY_DEMO_TOKENS is on: {} hands out tokens of the members of conversation {} to this machine;"
        + " never in production", DemoUsers.PATH, config.demoConversation());
    return new DemoUsers(config.demoConversation(), members, new TokenSigner(config.jwtSecret()), blocking, clock)::serve;
  }

  private static void closeAll(Deque<AutoCloseable> resources) {
    while (!resources.isEmpty()) {
      AutoCloseable resource = resources.pop();
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("error while closing {}", resource, e);
      }
    }
  }
}
