package io.rallypoint.schemas.topic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a topic on a cluster differs from the registry, and what may be done about each difference.
 * Pure: the cluster's side comes in as an {@link Observed}.
 */
public final class TopicDiff {

  /** The topic-level settings compared; others are left to the operator. */
  public static final Set<String> CHECKED_CONFIG = Set.of("retention.ms", "cleanup.policy", Topic.MIN_INSYNC_REPLICAS);

  /** Topics keyed by user rather than conversation (PROTOCOL section 2.1). */
  private static final Set<String> USER_KEYED = Set.of(Topics.RECORDING_SESSIONS.name());

  private TopicDiff() {}

  /**
   * A topic as the cluster has it.
   *
   * @param partitions        its partition count
   * @param replicationFactor the replica count of its partitions (the smallest, if they differ)
   * @param overrides         its topic-level settings among {@link #CHECKED_CONFIG} (not broker defaults)
   */
  public record Observed(int partitions, int replicationFactor, Map<String, String> overrides) {
    public Observed {
      overrides = Map.copyOf(overrides);
    }
  }

  /** What can be done about a difference. */
  public enum Fix {
    /** The topic is missing: create it. */
    CREATE,
    /** A topic setting differs: set it (or remove the override), safe at any time. */
    ALTER_CONFIG,
    /** Changing the partition count would break per-key order: never done here. */
    REFUSED,
    /** The replication factor differs: a partition reassignment, left to the operator. */
    MANUAL
  }

  /**
   * One difference.
   *
   * @param topic    the topic
   * @param what     {@code partitions}, {@code replication.factor}, a config key, or {@code topic}
   * @param expected the registry's value; for a config, null means "not set on the topic"
   * @param actual   the cluster's value; null means missing or not set on the topic
   * @param fix      what may be done
   * @param why      for a person: what the difference means and why it is (not) fixed
   */
  public record Difference(String topic, String what, String expected, String actual, Fix fix, String why) {
    /** One line for the operator. */
    public String line() {
      return topic + ": " + what + " is " + shown(actual) + ", the registry says " + shown(expected) + " (" + why + ")";
    }

    private static String shown(String value) {
      return value == null ? "unset" : value;
    }
  }

  /** The differences of one topic, none when it matches; a missing topic is one {@link Fix#CREATE}. */
  public static List<Difference> compare(Topic<?, ?> expected, Optional<Observed> observed) {
    String name = expected.name();
    if (observed.isEmpty()) {
      return List.of(new Difference(name, "topic", "present", "missing", Fix.CREATE, "created with --apply or on the first run"));
    }
    Observed actual = observed.get();
    List<Difference> differences = new ArrayList<>();
    if (actual.partitions() != expected.partitions()) {
      differences.add(new Difference(name, "partitions", String.valueOf(expected.partitions()),
          String.valueOf(actual.partitions()), Fix.REFUSED, partitionsWhy(name, expected.partitions(), actual.partitions())));
    }
    if (actual.replicationFactor() != expected.replication().factor()) {
      differences.add(new Difference(name, "replication.factor", String.valueOf(expected.replication().factor()),
          String.valueOf(actual.replicationFactor()), Fix.MANUAL,
          "not changed here: a replica change is a partition reassignment (kafka-reassign-partitions) an operator runs"));
    }
    Map<String, String> wanted = expected.creationConfig();
    Set<String> keys = new TreeSet<>(CHECKED_CONFIG);
    for (String key : keys) {
      String want = wanted.get(key);
      String have = actual.overrides().get(key);
      if (!Objects.equals(want, have)) {
        differences.add(new Difference(name, key, want, have, Fix.ALTER_CONFIG, want == null
            ? "--apply removes the topic's setting so the broker's default applies"
            : "--apply sets it on the topic; safe while clients run"));
      }
    }
    return differences;
  }

  private static String partitionsWhy(String name, int expected, int actual) {
    String key = USER_KEYED.contains(name) ? "user" : "conversation";
    if (actual > expected) {
      return "refused: Kafka cannot remove partitions, and recreating the topic would lose its records";
    }
    return "refused: the topic is keyed by " + key + ", and more partitions would send a " + key + "'s new records to "
        + "another partition while its older ones still wait on the old one, so per-" + key + " order would break; "
        + "the location-stream's state stores are partitioned the same way and would no longer match. Run with "
        + "--partitions " + actual + ", or start a new cluster with " + expected;
  }
}
