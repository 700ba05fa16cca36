package io.rallypoint.location.bench;

import io.rallypoint.location.LocationConfig;
import io.rallypoint.location.app.LocationStreamApp;
import io.rallypoint.schemas.event.LocationUpdate;
import io.rallypoint.schemas.frame.MeetingPoint;
import io.rallypoint.schemas.topic.Topics;
import io.rallypoint.testsupport.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Not a test: measures update -> meeting point latency (p50/p99) at a steady rate across many
 * groups, then the update rate the app sustains when flooded. Uses {@code KAFKA_BOOTSTRAP_SERVERS}
 * when set, otherwise an in-process broker (which then shares the CPU with the app).
 *
 * <p>Args: {@code [rate=1000] [groups=1000] [seconds=30] [flood=50000] [commitMs=the default]}.
 */
public final class LatencyBenchmark {

  private static final int MEMBERS = 3;
  private static final long EPOCH_MS = System.currentTimeMillis();
  private static final Map<String, Integer> MOVES = new ConcurrentHashMap<>();

  public static void main(String[] args) throws Exception {
    int rate = arg(args, 0, 1000);
    int groups = arg(args, 1, 1000);
    int seconds = arg(args, 2, 30);
    int flood = arg(args, 3, 50_000);
    Duration commitInterval = Duration.ofMillis(arg(args, 4, (int) LocationConfig.DEFAULT_COMMIT_INTERVAL.toMillis()));
    KafkaBroker.ensureTopics();
    String run = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    Path state = Files.createTempDirectory("location-bench-");
    LocationConfig cfg = LocationConfig.defaults(KafkaBroker.bootstrapServers())
        .withApplicationId(run).withHttpPort(0).withStateDir(state).withCommitInterval(commitInterval);
    System.out.printf("commit interval %d ms%n", commitInterval.toMillis());

    Map<String, Queue<Long>> inFlight = new ConcurrentHashMap<>();
    Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    AtomicLong received = new AtomicLong();
    AtomicBoolean recording = new AtomicBoolean(false);
    AtomicBoolean stop = new AtomicBoolean(false);

    try (LocationStreamApp app = LocationStreamApp.start(cfg);
        KafkaProducer<String, LocationUpdate> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.LINGER_MS_CONFIG, 1),
            Topics.LOCATION_UPDATES.keySerde().serializer(), Topics.LOCATION_UPDATES.valueSerde().serializer())) {
      if (!app.awaitRunning(Duration.ofSeconds(60))) {
        throw new IllegalStateException("the app did not reach RUNNING");
      }
      Thread reader = Thread.ofPlatform().name("bench-reader").start(() -> {
        var topic = Topics.LOCATION_MEETING_POINTS;
        try (KafkaConsumer<String, MeetingPoint> consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, run + "-reader",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5),
            topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
          consumer.subscribe(List.of(topic.name()));
          while (!stop.get()) {
            for (var r : consumer.poll(Duration.ofMillis(50))) {
              long now = System.nanoTime();
              Queue<Long> q = inFlight.get(r.key());
              Long sent = q == null ? null : q.poll();
              received.incrementAndGet();
              if (sent != null && recording.get()) {
                latency.recordValue(Math.max(0, (now - sent) / 1_000));
              }
            }
          }
        }
      });

      // Warm-up: every member of every group shares once (3 points per group), unmeasured.
      long seq = 0;
      for (int g = 0; g < groups; g++) {
        for (int m = 0; m < MEMBERS; m++) {
          send(producer, inFlight, g, m, seq++);
        }
      }
      producer.flush();
      awaitDrained(inFlight, Duration.ofSeconds(120));
      System.out.printf("warm-up done: %d groups x %d members%n", groups, MEMBERS);

      // Steady phase: member 0 of group (i mod groups) moves, `rate` times a second.
      recording.set(true);
      long intervalNanos = 1_000_000_000L / rate;
      long start = System.nanoTime();
      long total = (long) rate * seconds;
      for (long i = 0; i < total; i++) {
        long due = start + i * intervalNanos;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        send(producer, inFlight, (int) (i % groups), 0, seq++);
      }
      producer.flush();
      awaitDrained(inFlight, Duration.ofSeconds(60));
      recording.set(false);
      System.out.printf("steady: %d updates at %d/s across %d groups -> meeting point latency (ms): "
              + "p50=%.1f p90=%.1f p99=%.1f p99.9=%.1f max=%.1f (n=%d)%n",
          total, rate, groups, latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(90) / 1e3,
          latency.getValueAtPercentile(99) / 1e3, latency.getValueAtPercentile(99.9) / 1e3,
          latency.getMaxValue() / 1e3, latency.getTotalCount());

      // Flood phase: as fast as the producer goes; the rate is what the app turns into points.
      long before = received.get();
      long floodStart = System.nanoTime();
      for (int i = 0; i < flood; i++) {
        send(producer, inFlight, i % groups, 1, seq++);
      }
      producer.flush();
      awaitDrained(inFlight, Duration.ofSeconds(300));
      double secs = (System.nanoTime() - floodStart) / 1e9;
      System.out.printf("flood: %d updates -> %d meeting points in %.1f s = %.0f updates/s sustained%n",
          flood, received.get() - before, secs, flood / secs);
      stop.set(true);
      reader.join();
    }
    // The in-process broker (when used) runs non-daemon threads until the JVM exits.
    System.exit(0);
  }

  /**
   * Member m of group g moves a metre further each time, so every update changes the point; {@code at}
   * is strictly increasing (JSON keeps milliseconds, so wall-clock instants could tie).
   */
  private static void send(KafkaProducer<String, LocationUpdate> producer, Map<String, Queue<Long>> inFlight,
      int g, int m, long seq) {
    String conversation = "bench-group-" + g;
    int move = MOVES.merge(conversation + "/" + m, 1, Integer::sum);
    double lat = 48.0 + (g % 100) * 0.01 + m * 0.003 + (move % 1000) * 1e-5;
    double lng = 2.0 + (g / 100) * 0.01 + m * 0.002;
    inFlight.computeIfAbsent(conversation, k -> new ConcurrentLinkedQueue<>()).add(System.nanoTime());
    producer.send(Topics.LOCATION_UPDATES.record(conversation,
        new LocationUpdate(conversation, "user-" + g + "-" + m, "s-" + g + "-" + m, lat, lng, Instant.ofEpochMilli(EPOCH_MS + seq))));
  }

  private static void awaitDrained(Map<String, Queue<Long>> inFlight, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (inFlight.values().stream().anyMatch(q -> !q.isEmpty())) {
      if (System.nanoTime() > deadline) {
        long left = inFlight.values().stream().mapToLong(Queue::size).sum();
        throw new IllegalStateException(left + " updates never produced a meeting point");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  private static int arg(String[] args, int i, int dflt) {
    return args.length > i ? Integer.parseInt(args[i]) : dflt;
  }
}
