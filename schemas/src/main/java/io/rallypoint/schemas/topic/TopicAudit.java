package io.rallypoint.schemas.topic;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;

/** Reads the registry's topics from a cluster ({@link TopicDiff}) and fixes the differences that are safe. */
public final class TopicAudit {

  private static final long TIMEOUT_SECONDS = 60;

  private TopicAudit() {}

  /** Every difference between the cluster and these topics, topic by topic. */
  public static List<TopicDiff.Difference> check(Admin admin, Collection<? extends Topic<?, ?>> topics) {
    Map<String, TopicDiff.Observed> observed = observe(admin, topics.stream().map(Topic::name).toList());
    List<TopicDiff.Difference> all = new ArrayList<>();
    for (Topic<?, ?> topic : topics) {
      all.addAll(TopicDiff.compare(topic, Optional.ofNullable(observed.get(topic.name()))));
    }
    return all;
  }

  /**
   * Applies the safe fixes among {@code differences}: topic settings through
   * incrementalAlterConfigs (set, or delete an override the registry does not have). Returns the
   * differences it fixed; creating and refused ones are not touched here.
   */
  public static List<TopicDiff.Difference> applyConfigs(Admin admin, List<TopicDiff.Difference> differences) {
    Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>();
    List<TopicDiff.Difference> fixed = new ArrayList<>();
    for (TopicDiff.Difference d : differences) {
      if (d.fix() != TopicDiff.Fix.ALTER_CONFIG) {
        continue;
      }
      AlterConfigOp op = d.expected() == null
          ? new AlterConfigOp(new ConfigEntry(d.what(), ""), AlterConfigOp.OpType.DELETE)
          : new AlterConfigOp(new ConfigEntry(d.what(), d.expected()), AlterConfigOp.OpType.SET);
      ops.computeIfAbsent(new ConfigResource(ConfigResource.Type.TOPIC, d.topic()), k -> new ArrayList<>()).add(op);
      fixed.add(d);
    }
    if (!ops.isEmpty()) {
      await(() -> admin.incrementalAlterConfigs(ops).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS), "alter topic configs");
    }
    return fixed;
  }

  private static Map<String, TopicDiff.Observed> observe(Admin admin, List<String> names) {
    Set<String> existing = await(() -> admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS), "list topics");
    List<String> present = names.stream().filter(existing::contains).toList();
    if (present.isEmpty()) {
      return Map.of();
    }
    Map<String, TopicDescription> descriptions = await(
        () -> admin.describeTopics(present).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS), "describe topics");
    List<ConfigResource> resources = present.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
    Map<ConfigResource, Config> configs = await(
        () -> admin.describeConfigs(resources).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS), "describe topic configs");
    Map<String, TopicDiff.Observed> observed = new HashMap<>();
    for (String name : present) {
      TopicDescription description = descriptions.get(name);
      int replicas = description.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
      Map<String, String> overrides = new HashMap<>();
      for (ConfigEntry entry : configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name)).entries()) {
        if (entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG && TopicDiff.CHECKED_CONFIG.contains(entry.name())) {
          overrides.put(entry.name(), entry.value());
        }
      }
      List<TopicPartitionInfo> partitions = description.partitions();
      observed.put(name, new TopicDiff.Observed(partitions.size(), replicas, overrides));
    }
    return observed;
  }

  private interface AdminCall<T> {
    T call() throws InterruptedException, ExecutionException, TimeoutException;
  }

  private static <T> T await(AdminCall<T> call, String what) {
    try {
      return call.call();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + what, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot " + what + " within " + TIMEOUT_SECONDS + " s", e);
    }
  }
}
