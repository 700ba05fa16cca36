package io.rallypoint.schemas.topic;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
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
    return ensure(admin, topics, (short) 1);
  }

  /** Creates the missing topics with the given replication factor; returns the names it created. */
  public static Set<String> ensure(Admin admin, Collection<? extends Topic<?, ?>> topics, short replicationFactor) {
    try {
      Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      List<NewTopic> missing = topics.stream()
          .filter(t -> !existing.contains(t.name()))
          .map(t -> new NewTopic(t.name(), t.partitions(), replicationFactor).configs(t.config()))
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
      return result.values().keySet();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot list or create topics: " + e.getMessage(), e);
    }
  }
}
