package io.rallypoint.location.app;

import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.rallypoint.location.LocationConfig;
import io.rallypoint.location.access.MeetingPointAccess;
import io.rallypoint.location.query.MeetingPointQuery;
import io.rallypoint.location.topology.LocationTopology;
import io.rallypoint.schemas.db.DatabasePool;
import io.rallypoint.schemas.ops.BuildInfo;
import io.rallypoint.schemas.ops.ServiceMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running location-stream instance: Kafka Streams on {@link LocationTopology}, plus the HTTP port
 * for interactive queries, health and metrics. {@link #start(LocationConfig)} returns once both are
 * started (Streams reaches RUNNING shortly after: see {@link #awaitRunning(Duration)});
 * {@link #close()} stops both.
 */
public final class LocationStreamApp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocationStreamApp.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  static final int PRODUCER_LINGER_MS = 5;
  static final long POLL_MS = 30;
  static final int FETCH_MAX_WAIT_MS = 100;
  static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(5);

  private final HttpServer http;
  private final ExecutorService httpThreads;
  private final HikariDataSource members;
  private final KafkaStreams streams;
  private final KafkaStreamsMetrics streamsMetrics;
  private final PrometheusMeterRegistry registry;
  private final ServiceMetrics serviceMetrics;
  private final HostInfo self;
  private final Object stateChanged = new Object();

  private LocationStreamApp(LocationConfig cfg) {
    try {
      // Bind first: application.server must name the real port (cfg may ask for 0 = any free port).
      http = HttpServer.create(new InetSocketAddress(cfg.httpPort()), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on LOCATION_HTTP_PORT=" + cfg.httpPort() + ": " + e.getMessage(), e);
    }
    self = new HostInfo(cfg.advertisedHost(), http.getAddress().getPort());
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("service", "location-stream");
    serviceMetrics = ServiceMetrics.bind(registry, "location-stream", BuildInfo.current());
    Timer emitLatency = Timer.builder("rallypoint.location.meeting.point.latency")
        .description("from a position update's ingest (its record timestamp) to the meeting point it changed being emitted")
        .serviceLevelObjectives(ServiceMetrics.LATENCY_BUCKETS)
        .register(registry);
    streams = new KafkaStreams(LocationTopology.build(cfg, ms -> emitLatency.record(Math.max(0, ms), TimeUnit.MILLISECONDS)),
        streamsProperties(cfg, self));
    for (KafkaStreams.State state : KafkaStreams.State.values()) {
      Gauge.builder("rallypoint.location.streams.state", () -> streams.state() == state ? 1 : 0)
          .tag("state", state.name()).strongReference(true)
          .description("1 for the Kafka Streams state this instance is in, 0 for the others")
          .register(registry);
    }
    streams.setStateListener((now, before) -> {
      LOG.info("Kafka Streams {} -> {}", before, now);
      synchronized (stateChanged) {
        stateChanged.notifyAll();
      }
    });
    streams.setUncaughtExceptionHandler(e -> {
      LOG.error("stream thread failed; replacing it (exactly-once: its transaction is aborted and redone)", e);
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(registry);
    MeetingPointQuery query = new MeetingPointQuery(streams, self);
    members = membersPool(cfg);
    if (cfg.jwtSecret().isEmpty()) {
      LOG.warn("CHAT_JWT_SECRET is not set: GET /meeting-points answers 401 to every caller");
    }
    new HttpApi(() -> query, new MeetingPointAccess(cfg.jwtSecret(), members), streams::state, registry).register(http);
    // Forwarded queries block on the owner's answer: keep them off the accept thread.
    httpThreads = Executors.newFixedThreadPool(4, Thread.ofPlatform().name("location-http-", 0).daemon().factory());
    http.setExecutor(httpThreads);
  }

  /**
   * Starts an instance: the HTTP port is bound and Kafka Streams started when this returns.
   *
   * @throws UncheckedIOException when the HTTP port cannot be bound
   */
  public static LocationStreamApp start(LocationConfig cfg) {
    LocationStreamApp app = new LocationStreamApp(cfg);
    app.http.start();
    app.streams.start();
    LOG.info("location-stream {} started: HTTP on {}:{}, Kafka {}, stationary after {} within {} m",
        cfg.applicationId(), app.self.host(), app.self.port(), cfg.bootstrapServers(), cfg.stationaryAfter(),
        cfg.stationaryRadiusMeters());
    return app;
  }

  private static HikariDataSource membersPool(LocationConfig cfg) {
    // the meeting points do not need PostgreSQL: the pool starts without it, the API answers 503 meanwhile
    return DatabasePool.open(cfg.database(), new DatabasePool.Settings("location-members", 2, 0,
        Duration.ofSeconds(2), Duration.ofSeconds(1), DatabasePool.Access.READ_ONLY));
  }

  /** The Kafka Streams properties for these settings and this instance's advertised address. */
  static Properties streamsProperties(LocationConfig cfg, HostInfo self) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, cfg.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers());
    p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
    p.put(StreamsConfig.STATE_DIR_CONFIG, cfg.stateDir().toString());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, cfg.streamThreads());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // Changelogs and repartition topics are as durable as the registry's topics: a store restored
    // from a changelog that lived on the one broker that died would be gone.
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) cfg.topicReplication().factor());
    p.put(StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG), cfg.topicReplication().minInsyncReplicas());
    // exactly_once_v2 implies both; said here so no later edit loses them
    p.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
    p.put(StreamsConfig.producerPrefix(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG), true);
    // Under exactly-once, output is visible at each commit: the interval bounds the added latency.
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, cfg.commitInterval().toMillis());
    // Streams' producer default linger.ms is 100: with commits every 50 ms every record then waited
    // for the commit's flush, which sent them all at once and blocked the stream thread on the acks
    // (measured: most of each commit). Sending within a few ms leaves the flush little to wait for.
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), PRODUCER_LINGER_MS);
    // A stream thread with nothing to read blocks in poll up to poll.ms (default 100) before it
    // checks whether a commit is due: at most the commit interval, so an update processed just
    // after a commit waits for the next one at most twice the interval. A poll returns at once
    // when records arrive; shorter waits only spun the thread (100 loops a second when idle).
    p.put(StreamsConfig.POLL_MS_CONFIG, Math.min(POLL_MS, cfg.commitInterval().toMillis()));
    // Positions (written without a transaction) wake a waiting fetch as they arrive. Repartitioned
    // memberships and session ends become readable only at the writer's commit, and the broker may
    // hold a fetch waiting on them up to fetch.max.wait.ms (default 500): 100 ms bounds that delay
    // of a session end. 10 ms made an idle instance send 100 fetches of its 48 partitions a second
    // (a third of an idle `up`'s allocation, 5 % of a core in broker and stream threads).
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), FETCH_MAX_WAIT_MS);
    // The processors forward explicitly and only on change; a record cache would only delay them.
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    // Positions and session ends come through different topics with no common order: never idle
    // waiting for one to catch up with the other.
    p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
    // A record that is not valid JSON for its topic is logged and skipped, not fatal.
    p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // A warm copy of each task's stores on another instance: when a task moves it resumes at once
    // instead of first restoring its changelog (no effect with a single instance).
    p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, cfg.standbyReplicas());
    // An instance that leaves cleanly says so (see close()); one that crashed is noticed after the
    // session timeout (the client default of 45 s froze its groups that long). Members learn of a
    // rebalance from a heartbeat's answer: beating every second lets one finish in about a second.
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int) cfg.sessionTimeout().toMillis());
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), heartbeatMillis(cfg.sessionTimeout()));
    // A crashed instance leaves its exactly-once transaction open, and until the broker aborts it
    // (this long after it began) the task's committed offsets and output stay unreadable for the
    // instance taking over: Streams' 10 s default froze a killed instance's groups for 11 s.
    // Commits come every commit interval, so a healthy transaction lives far shorter than this.
    p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), (int) TRANSACTION_TIMEOUT.toMillis());
    // A static member (Streams adds the thread's index) that comes back after a crash takes its
    // tasks back at once; close() still leaves the group, so a clean stop moves them at once too.
    cfg.instanceId().ifPresent(id -> p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), id));
    return p;
  }

  /** A heartbeat every second, and at least three within the session timeout. */
  static int heartbeatMillis(Duration sessionTimeout) {
    return (int) Math.max(100, Math.min(1_000, sessionTimeout.toMillis() / 3));
  }

  /** The HTTP port actually bound. */
  public int httpPort() {
    return self.port();
  }

  /** The Kafka Streams state (RUNNING when ready). */
  public KafkaStreams.State state() {
    return streams.state();
  }

  /** Waits until Kafka Streams is RUNNING; false when the timeout passes first. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (stateChanged) {
      while (streams.state() != KafkaStreams.State.RUNNING) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || streams.state().hasCompletedShutdown()) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(stateChanged, left);
      }
    }
    return true;
  }

  /**
   * Stops the HTTP port, then Kafka Streams (committing and closing its stores) and leaves the
   * consumer group, so the remaining or next instance takes the tasks over at once instead of after
   * the session timeout.
   */
  @Override
  public void close() {
    http.stop(0);
    httpThreads.shutdownNow();
    boolean closed = streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
        .withTimeout(CLOSE_TIMEOUT));
    streamsMetrics.close();
    serviceMetrics.close();
    registry.close();
    members.close();
    if (!closed) {
      LOG.warn("Kafka Streams did not close within {}", CLOSE_TIMEOUT);
    }
    LOG.info("location-stream stopped");
  }
}
