package io.rallypoint.gateway;

import io.rallypoint.gateway.store.RedisEndpoints;
import io.rallypoint.schemas.config.Env;
import io.rallypoint.schemas.db.DatabaseUrl;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a gateway needs to know, parsed once from the environment with documented defaults
 * (see {@link #from(Env)}). Invalid values fail at start with a message naming the variable.
 *
 * @param port                   {@code GATEWAY_PORT} (8080): WebSocket + HTTP port; 0 picks a free one
 * @param jwtSecret              {@code CHAT_JWT_SECRET} (required): HS256 secret of client tokens
 * @param kafkaBootstrapServers  {@code KAFKA_BOOTSTRAP_SERVERS} (127.0.0.1:9092)
 * @param databaseUrl            {@code DATABASE_URL} (postgresql://postgres@127.0.0.1:5432/test)
 * @param redisUrl               {@code REDIS_URL} (redis://127.0.0.1:6379; redis-cluster://host:port,... for a cluster)
 * @param maxFrameBytes          {@code GATEWAY_MAX_FRAME_BYTES} (65536): larger frames close the socket with 1009
 * @param maxBodyChars           {@code GATEWAY_MAX_BODY_CHARS} (4000): longer {@code send} bodies get {@code too_large}
 * @param rateLimitPerSecond     {@code GATEWAY_RATE_LIMIT_PER_SECOND} (20): frames a user may send per second, sustained
 * @param rateLimitBurst         {@code GATEWAY_RATE_LIMIT_BURST} (40): frames a user may send at once
 * @param abuseCloseAfter        {@code GATEWAY_ABUSE_CLOSE_AFTER} (100): the fewest rate-limited frames within the abuse
 *                               window that close a connection with 1008 (with nothing admitted meanwhile)
 * @param abuseWindow            {@code GATEWAY_ABUSE_WINDOW} (PT10S): a connection that has had no frame admitted for
 *                               this long while it kept sending (and was refused at least {@code abuseCloseAfter}
 *                               times) is closed with 1008; a burst that is then admitted never is
 * @param outboundHighWaterBytes {@code GATEWAY_OUTBOUND_HIGH_WATER_BYTES} (1048576): unsent bytes at which a slow reader is cut
 * @param idleTimeout            {@code GATEWAY_IDLE_TIMEOUT} (PT120S): a connection that sends nothing for this long is closed
 * @param membershipCacheTtl     {@code GATEWAY_MEMBERSHIP_CACHE_TTL} (PT5S): how long a conversation's member list is trusted
 * @param kafkaTimeout           {@code GATEWAY_KAFKA_TIMEOUT} (PT10S): how long a send waits for Kafka before {@code unavailable}
 * @param kafkaLinger            {@code GATEWAY_KAFKA_LINGER} (PT0.002S, at most PT1S): how long the Kafka producer waits
 *                               to fill a batch; fewer, larger batches cost the broker less, and every ack waits
 *                               up to this long (delivery does not: it happens before the Kafka write)
 * @param idempotencyTtl         {@code GATEWAY_IDEMPOTENCY_TTL} (P7D): how long a clientMsgId is remembered in Redis
 * @param dbPoolSize             {@code GATEWAY_DB_POOL_SIZE} (8): PostgreSQL connections
 * @param redisChannelPrefix     {@code GATEWAY_REDIS_CHANNEL_PREFIX} (rallypoint): pub/sub channel prefix; the
 *                               Redis database index is appended, as pub/sub ignores databases
 * @param consentCacheTtl        {@code GATEWAY_CONSENT_CACHE_TTL} (PT5S, at most PT10S): how long a user's
 *                               {@code location_sharing_enabled} is trusted; PROTOCOL wants a change within 10 s
 * @param transport              {@code GATEWAY_TRANSPORT} (auto): the socket I/O of the connections, {@code io_uring},
 *                               {@code epoll} or {@code nio}; auto takes the first this machine has, in that order
 * @param workerThreads          {@code GATEWAY_WORKER_THREADS} (0: one per core): event loops serving the connections
 * @param redisMaxPendingSends   {@code GATEWAY_REDIS_MAX_PENDING_SENDS} (2000): sends this node may have waiting for
 *                               Redis's accept script; past it, a send is answered {@code unavailable} at once
 *                               instead of queueing for up to the 3 s command timeout
 * @param seqReseedGap           {@code GATEWAY_SEQ_RESEED_GAP} (100): how far above the highest known seq a
 *                               conversation's counter restarts after Redis lost it or may have (see SeqSeed)
 * @param persisterGroupId       {@code PERSISTER_GROUP_ID} (rallypoint-persister): the persister's consumer group,
 *                               whose committed offsets tell which chat.messages records are stored
 * @param typingRateLimitPerSecond {@code GATEWAY_TYPING_RATE_LIMIT_PER_SECOND} (2): typing frames a user may send per
 *                               second, sustained; a limit of its own, so typing never takes a token a send could use
 * @param typingRateLimitBurst   {@code GATEWAY_TYPING_RATE_LIMIT_BURST} (6): typing frames a user may send at once
 * @param presenceNodeTtl        {@code GATEWAY_PRESENCE_NODE_TTL} (PT20S, PT1S..PT24S): a node whose presence heartbeat
 *                               is older than this is dead and the others send offline for its users; the node renews
 *                               it every quarter of this, and looks for dead nodes as often, so the users of a node
 *                               that died go offline within 1.25 times this (PROTOCOL: within 30 s)
 * @param demoTokens             {@code GATEWAY_DEMO_TOKENS} (false): true serves {@code GET /demo/users}, the members
 *                               of {@code demoConversation} each with a fresh one-hour token, to requests from this
 *                               machine: the demo page's user picker. For development ({@code rallypoint up}) only
 * @param demoConversation       {@code GATEWAY_DEMO_CONVERSATION} (demo): whose members {@code /demo/users} offers
 * @param locationApplicationId  {@code LOCATION_APPLICATION_ID} (rallypoint-location-stream): the location-stream's
 *                               Kafka Streams application id, whose consumer lag the gateway exports with the persister's
 * @param lagInterval            {@code GATEWAY_LAG_INTERVAL} (PT5S, PT1S..PT5M): how often the consumer lag of those
 *                               groups is read from the broker's committed offsets
 */
public record GatewayConfig(
    int port,
    String jwtSecret,
    String kafkaBootstrapServers,
    DatabaseUrl databaseUrl,
    String redisUrl,
    int maxFrameBytes,
    int maxBodyChars,
    int rateLimitPerSecond,
    int rateLimitBurst,
    int abuseCloseAfter,
    Duration abuseWindow,
    int outboundHighWaterBytes,
    Duration idleTimeout,
    Duration membershipCacheTtl,
    Duration kafkaTimeout,
    Duration kafkaLinger,
    Duration idempotencyTtl,
    int dbPoolSize,
    String redisChannelPrefix,
    Duration consentCacheTtl,
    String transport,
    int workerThreads,
    int redisMaxPendingSends,
    int seqReseedGap,
    String persisterGroupId,
    int typingRateLimitPerSecond,
    int typingRateLimitBurst,
    Duration presenceNodeTtl,
    boolean demoTokens,
    String demoConversation,
    String locationApplicationId,
    Duration lagInterval) {

  /** The conversation's latest messages kept in Redis for sync (PROTOCOL: "the latest 50"). */
  public static final int RECENT_MESSAGES = 50;

  /** The longest node TTL whose detection (1.25 times it) stays within PROTOCOL's 30 s. */
  public static final Duration MAX_PRESENCE_NODE_TTL = Duration.ofSeconds(24);

  public GatewayConfig {
    Objects.requireNonNull(jwtSecret, "jwtSecret");
    Objects.requireNonNull(kafkaBootstrapServers, "kafkaBootstrapServers");
    Objects.requireNonNull(databaseUrl, "databaseUrl");
    Objects.requireNonNull(redisUrl, "redisUrl");
    Objects.requireNonNull(consentCacheTtl, "consentCacheTtl");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(kafkaLinger, "kafkaLinger");
    Objects.requireNonNull(persisterGroupId, "persisterGroupId");
    Objects.requireNonNull(redisChannelPrefix, "redisChannelPrefix");
    Objects.requireNonNull(abuseWindow, "abuseWindow");
    Objects.requireNonNull(presenceNodeTtl, "presenceNodeTtl");
    Objects.requireNonNull(demoConversation, "demoConversation");
    Objects.requireNonNull(locationApplicationId, "locationApplicationId");
    Objects.requireNonNull(lagInterval, "lagInterval");
    if (lagInterval.compareTo(Duration.ofSeconds(1)) < 0 || lagInterval.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new IllegalArgumentException("GATEWAY_LAG_INTERVAL must be between PT1S and PT5M, not " + lagInterval);
    }
    if (!Transport.NAMES.contains(transport)) {
      throw new IllegalArgumentException("GATEWAY_TRANSPORT must be one of " + String.join(", ", Transport.NAMES)
          + ", not '" + transport + "'");
    }
    if (jwtSecret.isBlank()) {
      throw new IllegalArgumentException("CHAT_JWT_SECRET must not be blank");
    }
    if (consentCacheTtl.isNegative() || consentCacheTtl.compareTo(Duration.ofSeconds(10)) > 0) {
      throw new IllegalArgumentException("GATEWAY_CONSENT_CACHE_TTL must be between PT0S and PT10S (PROTOCOL: a"
          + " consent change takes effect within 10 s), not " + consentCacheTtl);
    }
    if (kafkaLinger.isNegative() || kafkaLinger.compareTo(Duration.ofSeconds(1)) > 0) {
      throw new IllegalArgumentException("GATEWAY_KAFKA_LINGER must be between PT0S and PT1S (every ack waits for"
          + " it), not " + kafkaLinger);
    }
    if (redisChannelPrefix.contains("{") || redisChannelPrefix.contains("}")) {
      throw new IllegalArgumentException("GATEWAY_REDIS_CHANNEL_PREFIX must not contain { or } (a channel's hash tag"
          + " is its conversation), not '" + redisChannelPrefix + "'");
    }
    if (presenceNodeTtl.compareTo(Duration.ofSeconds(1)) < 0 || presenceNodeTtl.compareTo(MAX_PRESENCE_NODE_TTL) > 0) {
      throw new IllegalArgumentException("GATEWAY_PRESENCE_NODE_TTL must be between PT1S and " + MAX_PRESENCE_NODE_TTL
          + " (PROTOCOL: a dead node's users go offline within 30 s), not " + presenceNodeTtl);
    }
    int demoLength = demoConversation.codePointCount(0, demoConversation.length());
    if (demoConversation.isBlank() || demoLength > 128) {
      throw new IllegalArgumentException("GATEWAY_DEMO_CONVERSATION must be a conversation id (1 to 128 characters),"
          + " not '" + demoConversation + "'");
    }
    RedisEndpoints.parse(redisUrl); // fails now, with the URL in the message, rather than at first use
  }

  /** Reads the gateway's variables; throws {@link IllegalArgumentException} naming the one that is wrong. */
  public static GatewayConfig from(Env env) {
    String secret = env.optional("CHAT_JWT_SECRET")
        .orElseThrow(() -> new IllegalArgumentException("CHAT_JWT_SECRET is required (the HS256 secret of client tokens)"));
    return new GatewayConfig(
        env.integer("GATEWAY_PORT", 8080, 0, 65_535),
        secret,
        env.string("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
        DatabaseUrl.parse(env.string("DATABASE_URL", DatabaseUrl.LOCAL_DEFAULT)),
        env.string("REDIS_URL", "redis://127.0.0.1:6379"),
        env.integer("GATEWAY_MAX_FRAME_BYTES", 65_536, 1_024, 16 * 1_048_576),
        env.integer("GATEWAY_MAX_BODY_CHARS", 4_000, 1, 16 * 1_048_576),
        env.integer("GATEWAY_RATE_LIMIT_PER_SECOND", 20, 1, 1_000_000),
        env.integer("GATEWAY_RATE_LIMIT_BURST", 40, 1, 1_000_000),
        env.integer("GATEWAY_ABUSE_CLOSE_AFTER", 100, 1, 1_000_000),
        env.duration("GATEWAY_ABUSE_WINDOW", Duration.ofSeconds(10)),
        env.integer("GATEWAY_OUTBOUND_HIGH_WATER_BYTES", 1_048_576, 4_096, 1 << 30),
        env.duration("GATEWAY_IDLE_TIMEOUT", Duration.ofSeconds(120)),
        env.duration("GATEWAY_MEMBERSHIP_CACHE_TTL", Duration.ofSeconds(5)),
        env.duration("GATEWAY_KAFKA_TIMEOUT", Duration.ofSeconds(10)),
        env.duration("GATEWAY_KAFKA_LINGER", Duration.ofMillis(2)),
        env.duration("GATEWAY_IDEMPOTENCY_TTL", Duration.ofDays(7)),
        env.integer("GATEWAY_DB_POOL_SIZE", 8, 1, 1_000),
        env.string("GATEWAY_REDIS_CHANNEL_PREFIX", "rallypoint"),
        env.duration("GATEWAY_CONSENT_CACHE_TTL", Duration.ofSeconds(5)),
        env.string("GATEWAY_TRANSPORT", "auto"),
        env.integer("GATEWAY_WORKER_THREADS", 0, 0, 1_024),
        env.integer("GATEWAY_REDIS_MAX_PENDING_SENDS", 2_000, 1, 1_000_000),
        env.integer("GATEWAY_SEQ_RESEED_GAP", 100, 0, 1_000_000),
        env.string("PERSISTER_GROUP_ID", "rallypoint-persister"),
        env.integer("GATEWAY_TYPING_RATE_LIMIT_PER_SECOND", 2, 1, 1_000_000),
        env.integer("GATEWAY_TYPING_RATE_LIMIT_BURST", 6, 1, 1_000_000),
        env.duration("GATEWAY_PRESENCE_NODE_TTL", Duration.ofSeconds(20)),
        flag(env, "GATEWAY_DEMO_TOKENS"),
        env.string("GATEWAY_DEMO_CONVERSATION", "demo"),
        env.string("LOCATION_APPLICATION_ID", "rallypoint-location-stream"),
        env.duration("GATEWAY_LAG_INTERVAL", Duration.ofSeconds(5)));
  }

  /** {@code true} or {@code false} (the default when unset); anything else stops the start. */
  private static boolean flag(Env env, String name) {
    String value = env.string(name, "false").strip();
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false, not '" + value + "'");
    };
  }

  /** The low water mark that makes a cut-off connection writable again: half the high one. */
  public int outboundLowWaterBytes() {
    return outboundHighWaterBytes / 2;
  }
}
