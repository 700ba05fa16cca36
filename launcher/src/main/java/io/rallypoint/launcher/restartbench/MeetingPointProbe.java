package io.rallypoint.launcher.restartbench;

import io.rallypoint.schemas.event.LocationUpdate;
import io.rallypoint.schemas.frame.MeetingPoint;
import io.rallypoint.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;

/**
 * Moving groups and their meeting points: one member per group walks north a step every interval
 * ({@code location.updates}, as the gateway writes them), and every meeting point that comes back
 * on {@code location.meeting-points} (read_committed, as the gateway reads it) is timed, so the
 * bench can tell when a group's point moved again and the longest it stood still.
 */
final class MeetingPointProbe implements AutoCloseable {

  private static final double START_LAT = 10.0;
  private static final double STEP = 1e-4;

  private final List<String> groups;
  private final Duration interval;
  private final KafkaProducer<String, LocationUpdate> producer;
  private final KafkaConsumer<String, MeetingPoint> consumer;
  private final AtomicLong step = new AtomicLong();
  private final Map<String, List<long[]>> arrivals = new ConcurrentHashMap<>(); // {nanoTime, step}
  private final Thread sender;
  private final Thread receiver;
  private volatile boolean running = true;

  MeetingPointProbe(String bootstrap, List<String> groups, Duration interval) {
    this.groups = List.copyOf(groups);
    this.interval = interval;
    groups.forEach(g -> arrivals.put(g, new CopyOnWriteArrayList<>()));
    var updates = Topics.LOCATION_UPDATES;
    producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 5),
        updates.keySerde().serializer(), updates.valueSerde().serializer());
    var points = Topics.LOCATION_MEETING_POINTS;
    consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
        points.keySerde().deserializer(), points.valueSerde().deserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(points.name()).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    sender = Thread.ofPlatform().daemon().name("bench-location-sender").start(this::send);
    receiver = Thread.ofPlatform().daemon().name("bench-meeting-points").start(this::receive);
  }

  /** The step the walkers are at now: a point of a later step moved after this moment. */
  long stepNow() {
    return step.get();
  }

  /** Seconds from {@code fromNanos} until every group's point reached {@code afterStep}; throws past the timeout. */
  double awaitAllMovedPast(long afterStep, long fromNanos, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      long latest = 0;
      boolean all = true;
      for (String g : groups) {
        long[] first = arrivals.get(g).stream().filter(a -> a[1] > afterStep).findFirst().orElse(null);
        if (first == null) {
          all = false;
          break;
        }
        latest = Math.max(latest, first[0]);
      }
      if (all) {
        return JarProcess.seconds(latest - fromNanos);
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("not every group's meeting point moved within " + timeout);
  }

  /**
   * The longest any group's meeting point stood still between {@code fromNanos} and {@code toNanos}
   * (a pause that began before {@code fromNanos} counts whole), in seconds.
   */
  double longestFreeze(long fromNanos, long toNanos) {
    double longest = 0;
    for (String g : groups) {
      List<Long> times = new ArrayList<>(arrivals.get(g).stream().map(a -> a[0]).filter(t -> t <= toNanos).toList());
      times.add(toNanos);
      long previous = times.stream().filter(t -> t <= fromNanos).reduce((a, b) -> b).orElse(fromNanos);
      for (long t : times) {
        if (t > fromNanos) {
          longest = Math.max(longest, JarProcess.seconds(t - previous));
          previous = t;
        }
      }
    }
    return longest;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    sender.join();
    receiver.join();
    producer.close(Duration.ofSeconds(5));
  }

  private void send() {
    while (running) {
      long s = step.incrementAndGet();
      for (int i = 0; i < groups.size(); i++) {
        String g = groups.get(i);
        producer.send(Topics.LOCATION_UPDATES.record(g,
            new LocationUpdate(g, "walker", "bench-session", START_LAT + s * STEP, i * 0.01, Instant.now())));
      }
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void receive() {
    try {
      while (running) {
        for (var record : consumer.poll(Duration.ofMillis(100))) {
          List<long[]> seen = arrivals.get(record.key());
          MeetingPoint p = record.value();
          if (seen != null && p != null && p.lat() != null) {
            seen.add(new long[] {System.nanoTime(), Math.round((p.lat() - START_LAT) / STEP)});
          }
        }
      }
    } catch (org.apache.kafka.common.errors.WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }
}
