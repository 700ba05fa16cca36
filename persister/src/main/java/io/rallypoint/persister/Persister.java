package io.rallypoint.persister;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.rallypoint.persister.consume.Backoff;
import io.rallypoint.persister.consume.ChatBatchLoop;
import io.rallypoint.persister.consume.ConsumerLoop;
import io.rallypoint.persister.consume.RetryLoop;
import io.rallypoint.persister.consume.TransactionalForwarders;
import io.rallypoint.persister.ops.OpsHttpServer;
import io.rallypoint.persister.ops.PersisterMetrics;
import io.rallypoint.persister.retry.RetryRouter;
import io.rallypoint.persister.write.MessageStore;
import io.rallypoint.schemas.db.DatabasePool;
import io.rallypoint.schemas.ops.BuildInfo;
import io.rallypoint.schemas.ops.ServiceMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One persister instance: a member of the {@code chat.messages}/{@code chat.receipts} consumer
 * group, a member of the retry-tier group, and an HTTP port for health and metrics. Start more
 * instances (same group id) to scale; Kafka shares the partitions among them.
 */
public final class Persister implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Persister.class);

  /**
   * How long the group waits for a member that stopped without leaving (kill -9, a lost host)
   * before its partitions move; a member that stops cleanly leaves at once. The client default of
   * 45 s held a crashed persister's partitions unpersisted that long. Heartbeats come from a
   * background thread, so only a process stalled for 10 s is taken for dead.
   */
  static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);

  /** Members learn of a rebalance from a heartbeat's answer: beating every second lets one finish in about a second. */
  static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
  /**
   * How long the broker may hold the retry tiers' fetch (Kafka's default): a retry waits a second
   * or more anyway, and the chat loops' 100 ms made an idle instance fetch its 36 retry partitions
   * ten times a second.
   */
  static final Duration RETRY_FETCH_WAIT = Duration.ofMillis(500);

  private final HikariDataSource dataSource;
  private final Jdbi jdbi;
  private final Admin admin;
  private final List<Thread> threads = new ArrayList<>();
  private final List<ConsumerLoop> loops = new ArrayList<>();
  private final List<KafkaClientMetrics> clientMetrics = new ArrayList<>();
  private final CompletableFuture<Void> failed = new CompletableFuture<>();
  private final OpsHttpServer http;
  private final ServiceMetrics serviceMetrics;

  private Persister(PersisterConfig config) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.serviceMetrics = ServiceMetrics.bind(registry, "persister", BuildInfo.current());
    PersisterMetrics metrics = new PersisterMetrics(registry);
    this.dataSource = dataSource(config);
    this.jdbi = Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin()).installPlugin(new PostgresPlugin());
    this.admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000));
    MessageStore store = new MessageStore(jdbi, metrics);
    Clock clock = Clock.systemUTC();
    RetryRouter router = new RetryRouter(config.retryDelays(), clock);
    // A stable instance id also names the transactional producers: the restarted instance then
    // fences and aborts at once a transaction its crashed predecessor left open.
    String instance = config.instanceId().orElseGet(() -> UUID.randomUUID().toString());

    // Several loops in one instance write their partitions in parallel, each on its own connection.
    for (int i = 0; i < config.consumers(); i++) {
      KafkaConsumer<byte[], byte[]> chatConsumer = consumer(config, config.groupId(), config.maxBatch(),
          config.batchWait(), "chat-" + i);
      clientMetrics.add(bind(new KafkaClientMetrics(chatConsumer), registry));
      runLoop("persister-chat-" + i, new ChatBatchLoop(chatConsumer,
          TransactionalForwarders.create(config.bootstrapServers(), config.groupId() + "-chat-" + i + "-" + instance),
          new Backoff(config.backoffInitial(), config.backoffMax()), clock, store, router, metrics, "chat-" + i));
    }
    KafkaConsumer<byte[], byte[]> retryConsumer = consumer(config, config.groupId() + "-retry", 100, RETRY_FETCH_WAIT,
        "retry");
    clientMetrics.add(bind(new KafkaClientMetrics(retryConsumer), registry));
    RetryLoop retry = new RetryLoop(retryConsumer,
        TransactionalForwarders.create(config.bootstrapServers(), config.groupId() + "-retry-" + instance),
        new Backoff(config.backoffInitial(), config.backoffMax()), clock, store, router, metrics);
    runLoop("persister-retry", retry);
    this.http = OpsHttpServer.start(config.httpPort(), registry, this::readinessProblem);
    LOG.info("Persister started: group {}, PostgreSQL {}, health and metrics on port {}",
        config.groupId(), config.database(), http.port());
  }

  /** Starts an instance; it runs until {@link #close()}. */
  public static Persister start(PersisterConfig config) {
    return new Persister(config);
  }

  /** The port of {@code /health/ready} and {@code /metrics}. */
  public int httpPort() {
    return http.port();
  }

  /** Completes exceptionally when a consumer loop stops on a fatal error. */
  public CompletableFuture<Void> failure() {
    return failed;
  }

  /**
   * Null when every consumer loop holds an assignment and polls, and PostgreSQL and Kafka answer;
   * else what is wrong.
   */
  public String readinessProblem() {
    if (failed.isDone()) {
      return "a consumer loop stopped: " + failed.exceptionNow().getMessage();
    }
    for (ConsumerLoop loop : loops) {
      String problem = loop.readinessProblem();
      if (problem != null) {
        return problem;
      }
    }
    try {
      jdbi.useHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
    } catch (RuntimeException e) {
      return "PostgreSQL does not answer: " + e.getMessage();
    }
    try {
      admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
    } catch (Exception e) {
      return "Kafka does not answer: " + e.getMessage();
    }
    return null;
  }

  @Override
  public void close() {
    loops.forEach(loop -> {
      try {
        loop.close();
      } catch (Exception e) {
        LOG.warn("Stopping a consumer loop failed", e);
      }
    });
    for (Thread thread : threads) {
      try {
        thread.join(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    clientMetrics.forEach(KafkaClientMetrics::close);
    serviceMetrics.close();
    http.close();
    admin.close(Duration.ofSeconds(5));
    dataSource.close();
    LOG.info("Persister stopped");
  }

  private void runLoop(String name, ConsumerLoop loop) {
    loops.add(loop);
    Thread thread = new Thread(() -> {
      try {
        loop.run();
      } catch (RuntimeException e) {
        LOG.error("{} stopped", name, e);
        failed.completeExceptionally(e);
      }
    }, name);
    threads.add(thread);
    thread.start();
  }

  private static KafkaClientMetrics bind(KafkaClientMetrics metrics, PrometheusMeterRegistry registry) {
    metrics.bindTo(registry);
    return metrics;
  }

  private static KafkaConsumer<byte[], byte[]> consumer(PersisterConfig config, String group, int maxPoll,
      Duration fetchWait, String loop) {
    Map<String, Object> settings = new HashMap<>(Map.ofEntries(
        Map.entry(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()),
        Map.entry(ConsumerConfig.GROUP_ID_CONFIG, group),
        Map.entry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
        // a new group must store everything already on the topic
        Map.entry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
        // retry tiers are written in transactions: never read an aborted forward
        Map.entry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        Map.entry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPoll),
        // enough bytes per partition fetch for a poll to fill a whole batch of chat messages
        Map.entry(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024),
        // fewer, fuller batches: the broker answers at 1 MiB or after the wait (the batch wait for chat)
        Map.entry(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1024 * 1024),
        Map.entry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) Math.max(1, fetchWait.toMillis())),
        Map.entry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis()),
        Map.entry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) HEARTBEAT_INTERVAL.toMillis()),
        Map.entry(ConsumerConfig.CLIENT_ID_CONFIG, group + "-" + UUID.randomUUID().toString().substring(0, 8))));
    config.instanceId().ifPresent(id -> settings.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id + "-" + loop));
    return new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static HikariDataSource dataSource(PersisterConfig config) {
    // a fixed pool: one connection per consumer loop, one for the retry tiers (PersisterConfig checks it)
    return DatabasePool.open(config.database(), new DatabasePool.Settings("persister", config.poolSize(),
        config.poolSize(), Duration.ofSeconds(3), Duration.ofSeconds(2), DatabasePool.Access.READ_WRITE));
  }
}
