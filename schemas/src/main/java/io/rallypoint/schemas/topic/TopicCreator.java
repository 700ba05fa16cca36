package io.rallypoint.schemas.topic;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the registry's topics that do not exist yet; existing ones are left as they are. */
public final class TopicCreator {

  private static final long TIMEOUT_SECONDS = 60;

  private TopicCreator() {}

  /**
   * Creates the missing topics with one replica each (dev and test clusters); returns the names it
   * created.
   */
  public static Set<String> ensure(Admin admin, Collection<? extends Topic<?, ?>> topics) {
    return ensure(admin, topics, TopicReplication.SINGLE);
  }

  /**
   * Creates the missing topics with the given replication (and its {@code min.insync.replicas});
   * returns the names it created.
   */
  public static Set<String> ensure(Admin admin, Collection<? extends Topic<?, ?>> topics, TopicReplication replication) {
    return create(admin, topics.stream().<Topic<?, ?>>map(t -> t.withReplication(replication)).toList());
  }

  /**
   * Waits until every partition of the new topics has a leader that serves requests. A producer
   * that starts right after creation otherwise meets NOT_LEADER_OR_FOLLOWER, and an idempotent
   * one can then get stuck on out-of-order sequence numbers (seen with Kafka 4.3 on one node).
   */
  private static void awaitLeaders(Admin admin, Set<String> names) throws InterruptedException {
    if (names.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        boolean allLed = true;
        for (TopicDescription topic : admin.describeTopics(names).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
            .values()) {
          for (TopicPartitionInfo p : topic.partitions()) {
            allLed &= p.leader() != null && !p.leader().isEmpty();
            partitions.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest());
          }
        }
        if (allLed) {
          // ListOffsets is answered only by a partition's leader: proof it is serving
          admin.listOffsets(partitions).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        last = e;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("topics " + names + " have no serving leader after " + TIMEOUT_SECONDS + " s", last);
  }

  /** Creates the missing topics each as it is described (replication included); returns the names it created. */
  public static Set<String> create(Admin admin, Collection<? extends Topic<?, ?>> topics) {
    try {
      Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      List<NewTopic> missing = topics.stream()
          .filter(t -> !existing.contains(t.name()))
          .map(t -> new NewTopic(t.name(), t.partitions(), t.replication().factor()).configs(t.creationConfig()))
          .toList();
      var result = admin.createTopics(missing);
      for (var entry : result.values().entrySet()) {
        try {
          entry.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + entry.getKey() + ": " + e.getCause().getMessage(), e);
          }
        }
      }
      awaitLeaders(admin, result.values().keySet());
      return result.values().keySet();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot list or create topics: " + e.getMessage(), e);
    }
  }
}
