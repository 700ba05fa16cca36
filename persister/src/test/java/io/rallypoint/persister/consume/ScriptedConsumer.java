package io.rallypoint.persister.consume;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * A {@link MockConsumer} over partition logs, driven by a script.
 *
 * <p>A poll returns every record of each assigned, unpaused partition from its position on, as a
 * broker would: a seek back reads the records again (a plain MockConsumer hands each added record
 * out once). Commits go into the {@link Journal} as {@code commit chat.messages-0@3}, with the
 * partitions the consumer no longer holds named. As in KafkaConsumer (not MockConsumer), a
 * partition given up is no longer paused, and comes back unpaused.
 *
 * <p>The script is a list of steps, each run at the start of the first poll at which its condition
 * holds (so on the loop's own thread, between two of its polls); a step whose condition does not
 * hold within {@link #STEP_TIMEOUT} fails the test. When the last step has run the loop is stopped.
 */
final class ScriptedConsumer extends MockConsumer<byte[], byte[]> {

  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);

  private record Step(String what, BooleanSupplier when, Runnable then) {}

  private final Journal journal;
  private final Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> logs = new HashMap<>();
  private final Map<String, Integer> deliveries = new HashMap<>();
  private final Set<TopicPartition> paused = new HashSet<>();
  private final Deque<Step> steps = new ArrayDeque<>();
  private Runnable whenDone = () -> {};
  private long stepDeadline;
  private Duration wait;
  private int commitsToRefuse;

  ScriptedConsumer(Journal journal) {
    super("earliest");
    this.journal = journal;
  }

  /** Appends a record to a partition's log; returns its offset. */
  long append(TopicPartition tp, byte[] key, byte[] value, Headers headers) {
    List<ConsumerRecord<byte[], byte[]>> log = log(tp);
    long offset = log.size();
    log.add(new ConsumerRecord<>(tp.topic(), tp.partition(), offset, 0L, TimestampType.CREATE_TIME,
        key == null ? -1 : key.length, value == null ? -1 : value.length, key, value, headers, Optional.empty()));
    return offset;
  }

  long append(TopicPartition tp, byte[] key, byte[] value) {
    return append(tp, key, value, new RecordHeaders());
  }

  /** The group gives this consumer exactly these partitions (the loop's rebalance listener runs). */
  void rebalanceTo(TopicPartition... partitions) {
    Arrays.stream(partitions).forEach(this::log);
    rebalance(List.of(partitions));
  }

  /** The next {@code count} commits fail as a group coordinator that does not answer would make them. */
  void refuseCommits(int count) {
    commitsToRefuse = count;
  }

  /** How many polls have returned the record at this offset. */
  int deliveries(TopicPartition tp, long offset) {
    return deliveries.getOrDefault(tp + "@" + offset, 0);
  }

  /** The wait the loop asked of the poll now under way. */
  Duration pollWait() {
    return wait;
  }

  /** The group's committed offset of a partition, or -1 when it has none. */
  long committedOffset(TopicPartition tp) {
    OffsetAndMetadata committed = committed(Set.of(tp)).get(tp);
    return committed == null ? -1 : committed.offset();
  }

  /** A step run at the next poll. */
  ScriptedConsumer then(String what, Runnable action) {
    return when(what, () -> true, action);
  }

  /** A step run at the first poll at which {@code condition} holds. */
  ScriptedConsumer when(String what, BooleanSupplier condition, Runnable action) {
    steps.add(new Step(what, condition, action));
    return this;
  }

  /** Runs the loop on this thread until the script is over, then stops it the way the service does. */
  void run(ConsumerLoop loop) {
    whenDone = loop::close;
    loop.run();
    if (!steps.isEmpty()) {
      throw new AssertionError("the loop stopped before: " + steps.peek().what() + "\njournal:\n" + journal);
    }
  }

  @Override
  public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
    wait = timeout;
    step();
    for (TopicPartition tp : assignment()) {
      if (!paused().contains(tp)) {
        long from = position(tp);
        log(tp).stream().filter(r -> r.offset() >= from).forEach(this::addRecord);
      }
    }
    ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
    records.forEach(r -> deliveries.merge(r.topic() + "-" + r.partition() + "@" + r.offset(), 1, Integer::sum));
    return records;
  }

  @Override
  public synchronized void rebalance(Collection<TopicPartition> newAssignment) {
    super.rebalance(newAssignment);
    paused.retainAll(newAssignment);
  }

  @Override
  public synchronized void pause(Collection<TopicPartition> partitions) {
    super.pause(partitions);
    paused.addAll(partitions);
  }

  @Override
  public synchronized void resume(Collection<TopicPartition> partitions) {
    super.resume(partitions);
    paused.removeAll(partitions);
  }

  @Override
  public synchronized Set<TopicPartition> paused() {
    return Set.copyOf(paused);
  }

  @Override
  public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (commitsToRefuse > 0) {
      commitsToRefuse--;
      journal.add("commit refused");
      throw new TimeoutException("the group coordinator did not answer");
    }
    super.commitSync(offsets);
    journal.add(describe(offsets));
  }

  /** The offsets a producer's transaction committed for this consumer's group. */
  synchronized void committedInTransaction(Map<TopicPartition, OffsetAndMetadata> offsets) {
    super.commitSync(offsets);
    journal.add(describe(offsets));
  }

  @Override
  public void close(CloseOptions options) {
    super.close(options);
    journal.add("consumer closed (" + options.groupMembershipOperation() + ")");
  }

  private void step() {
    Step next = steps.peek();
    if (next == null) {
      whenDone.run();
      return;
    }
    if (next.when().getAsBoolean()) {
      steps.poll();
      stepDeadline = 0;
      next.then().run();
      return;
    }
    long now = System.nanoTime();
    if (stepDeadline == 0) {
      stepDeadline = now + STEP_TIMEOUT.toNanos();
    } else if (now - stepDeadline > 0) {
      throw new AssertionError("never happened: " + next.what() + "\njournal:\n" + journal);
    }
    Thread.yield(); // the loop's writer thread may be the one to move
  }

  private List<ConsumerRecord<byte[], byte[]>> log(TopicPartition tp) {
    return logs.computeIfAbsent(tp, p -> {
      updateBeginningOffsets(Map.of(p, 0L));
      return new ArrayList<>();
    });
  }

  private String describe(Map<TopicPartition, OffsetAndMetadata> offsets) {
    Set<TopicPartition> held = assignment();
    String committed = offsets.entrySet().stream()
        .map(e -> e.getKey() + "@" + e.getValue().offset()).sorted().collect(Collectors.joining(" "));
    String notHeld = offsets.keySet().stream().filter(tp -> !held.contains(tp))
        .map(TopicPartition::toString).sorted().collect(Collectors.joining(" "));
    return "commit " + committed + (notHeld.isEmpty() ? "" : " (not held: " + notHeld + ")");
  }
}
