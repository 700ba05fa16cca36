package io.rallypoint.persister.consume;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer loop: poll, write, commit, repeat. A batch is committed or rewound before the
 * partitions it came from are revoked or the loop stops, so a rebalance never finds half a batch.
 *
 * <p>When PostgreSQL is unavailable the loop rewinds, pauses every partition and keeps polling
 * (so it stays in the group, far below {@code max.poll.interval.ms}) until the backoff has passed.
 * Stopping is a flag plus {@link Consumer#wakeup()}; the consumer and producer close in
 * {@code finally}.
 *
 * <p>{@link #readinessProblem()} says whether the loop is doing its job: it holds an assignment
 * from the group (possibly empty, when the group has more loops than partitions) and polls.
 */
public abstract class ConsumerLoop implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
  private static final Duration MAX_POLL_WAIT = Duration.ofMillis(500);
  /** A loop that has not come back from poll for this long is stuck (a poll waits at most {@link #MAX_POLL_WAIT}). */
  private static final Duration POLL_GAP_LIMIT = Duration.ofSeconds(15);

  protected final Consumer<byte[], byte[]> consumer;
  protected final TransactionalForwarder forwarder;
  protected final Clock clock;
  private final Backoff backoff;
  private final String name;
  private volatile boolean running = true;
  private volatile boolean assigned;
  private volatile long lastPollNanos = System.nanoTime();
  private Instant pausedUntil;

  ConsumerLoop(String name, Consumer<byte[], byte[]> consumer, TransactionalForwarder forwarder, Backoff backoff,
      Clock clock) {
    this.name = name;
    this.consumer = consumer;
    this.forwarder = forwarder;
    this.backoff = backoff;
    this.clock = clock;
  }

  /** The topics this loop consumes. */
  abstract List<String> topics();

  /** Handles one poll's records; must commit them (now, or before the next rebalance or close) or call {@link #backOff}. */
  abstract void process(ConsumerRecords<byte[], byte[]> records);

  /** A poll brought nothing: a chance to finish work started earlier. */
  void idle() {}

  /** The loop is stopping: finish or abandon what is under way, before the consumer closes. */
  void stopping() {}

  /** Called before each poll: a chance to resume partitions whose wait is over. */
  void beforePoll() {}

  /** Partitions taken away by a rebalance. */
  void revoked(Collection<TopicPartition> partitions) {}

  /** How long the next poll may wait for records. */
  Duration pollWait() {
    return MAX_POLL_WAIT;
  }

  @Override
  public final void run() {
    try {
      consumer.subscribe(topics(), new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
          // Nothing to finish: every batch was committed or rewound before this poll began.
          LOG.info("{}: partitions revoked {}", name, partitions);
          revoked(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
          assigned = false;
          onPartitionsRevoked(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          LOG.info("{}: partitions assigned {}", name, partitions);
          assigned = true;
          if (pausedUntil != null) {
            consumer.pause(partitions);
          }
        }
      });
      while (running) {
        beforePoll();
        Duration wait = pollWait();
        if (pausedUntil != null) {
          Duration left = Duration.between(clock.instant(), pausedUntil);
          wait = left.isNegative() ? Duration.ZERO : (left.compareTo(MAX_POLL_WAIT) < 0 ? left : MAX_POLL_WAIT);
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(wait);
        lastPollNanos = System.nanoTime();
        if (pausedUntil != null) {
          Offsets.rewind(consumer, records);
          if (!clock.instant().isBefore(pausedUntil)) {
            pausedUntil = null;
            consumer.resume(consumer.paused());
            resumedAfterBackoff();
          }
          continue;
        }
        if (records.isEmpty()) {
          idle();
        } else {
          process(records);
        }
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } finally {
      try {
        stopping();
      } catch (RuntimeException e) {
        LOG.warn("{}: could not finish the last batch; it stays uncommitted and will be read again", name, e);
      }
      try {
        // leave the group now (a static member would otherwise keep its partitions until the session timeout)
        consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
      } finally {
        forwarder.close();
      }
    }
  }

  /** Null while the loop holds an assignment from its group and polls; else what is wrong. */
  public final String readinessProblem() {
    if (!assigned) {
      return name + " has no assignment from its consumer group yet";
    }
    long sincePoll = System.nanoTime() - lastPollNanos;
    if (sincePoll > POLL_GAP_LIMIT.toNanos()) {
      return name + " has not polled for " + Duration.ofNanos(sincePoll).toSeconds() + " s";
    }
    return null;
  }

  /** Hook: the pause after a transient failure is over. */
  void resumedAfterBackoff() {}

  /**
   * A transient failure: give the records back, pause every partition and try again after the
   * next backoff pause. Nothing of the batch was committed.
   */
  protected final void backOff(ConsumerRecords<byte[], byte[]> records, String why) {
    Offsets.rewind(consumer, records);
    Duration pause = backoff.nextPause();
    pausedUntil = clock.instant().plus(pause);
    consumer.pause(consumer.assignment());
    LOG.warn("{}: {}; pausing consumption for {} ms", name, why, pause.toMillis());
  }

  /** A batch went through: the next failure starts from the shortest pause again. */
  protected final void succeeded() {
    backoff.reset();
  }

  /** Whether the loop is backing off from a transient failure. */
  final boolean backingOff() {
    return pausedUntil != null;
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
  }
}
