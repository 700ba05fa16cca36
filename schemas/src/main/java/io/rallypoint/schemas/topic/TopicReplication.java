package io.rallypoint.schemas.topic;

import io.rallypoint.schemas.config.Env;

/**
 * How many copies of each partition a cluster keeps ({@code RALLYPOINT_TOPIC_REPLICATION},
 * PROTOCOL section 4) and how many of them must have a write before an {@code acks=all} producer
 * hears it succeeded: 2 of 3 or more (one broker may be down without refusing writes, and an
 * acked record survives the loss of any one), else every replica there is (1).
 *
 * @param factor the replication factor of every registry topic and of Kafka Streams' internal topics
 */
public record TopicReplication(short factor) {

  /** The variable that chooses the factor. */
  public static final String VARIABLE = "RALLYPOINT_TOPIC_REPLICATION";

  /** One copy: a single broker (`up` with its one embedded node, tests). */
  public static final TopicReplication SINGLE = new TopicReplication((short) 1);

  /** Three copies, two in sync: any cluster of three brokers or more (the default outside `up`). */
  public static final TopicReplication CLUSTER = new TopicReplication((short) 3);

  public TopicReplication {
    if (factor < 1 || factor > 16) {
      throw new IllegalArgumentException(VARIABLE + "=" + factor + " is outside 1..16");
    }
  }

  /** A factor as counted (validated). */
  public static TopicReplication of(int factor) {
    if (factor < 1 || factor > 16) {
      throw new IllegalArgumentException(VARIABLE + "=" + factor + " is outside 1..16");
    }
    return new TopicReplication((short) factor);
  }

  /** {@code RALLYPOINT_TOPIC_REPLICATION}, or {@code whenUnset}. */
  public static TopicReplication from(Env env, TopicReplication whenUnset) {
    return of(env.integer(VARIABLE, whenUnset.factor(), 1, 16));
  }

  /** {@code min.insync.replicas} for this factor: 2 from three replicas on, else 1. */
  public int minInsyncReplicas() {
    return factor >= 3 ? 2 : 1;
  }
}
