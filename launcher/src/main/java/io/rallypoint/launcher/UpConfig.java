package io.rallypoint.launcher;

import io.rallypoint.schemas.config.Env;
import io.rallypoint.schemas.topic.TopicReplication;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code rallypoint up} runs against, read once from the environment (PROTOCOL section 4):
 * each dependency is the external one its variable names, or an embedded one when it is unset.
 *
 * @param kafkaBootstrap the external cluster, or empty to start the embedded broker
 * @param databaseUrl    the external PostgreSQL, or empty to start the embedded one
 * @param redisUrl       the external Redis, or empty to start the embedded one
 * @param stateDir       where embedded servers keep their data
 * @param partitions     partitions of chat.messages and the other conversation-keyed topics
 * @param kafkaBrokers   how many embedded Kafka nodes to start (1 in this process, more as a cluster of child processes)
 * @param replication    {@code RALLYPOINT_TOPIC_REPLICATION}: by default 1 for one embedded broker, else 3
 *                       (the embedded brokers' count when fewer than 3)
 * @param ports          ports of the embedded servers
 */
record UpConfig(
    Optional<String> kafkaBootstrap,
    Optional<String> databaseUrl,
    Optional<String> redisUrl,
    Path stateDir,
    int partitions,
    int kafkaBrokers,
    TopicReplication replication,
    Ports ports) {

  /** Ports of the embedded servers on 127.0.0.1 (PROTOCOL: Kafka on 9092). */
  record Ports(int kafka, int postgres, int redis) {
    Ports {
      for (int port : new int[] {kafka, postgres, redis}) {
        if (port < 1 || port > 65_535) {
          throw new IllegalArgumentException("ports must be 1..65535: " + port);
        }
      }
    }
  }

  static UpConfig from(Env env, Path stateDir, int partitions, int kafkaBrokers, Ports ports) {
    if (partitions < 1 || partitions > 1_000) {
      throw new IllegalArgumentException("--partitions must be 1..1000: " + partitions);
    }
    if (kafkaBrokers < 1 || kafkaBrokers > 9) {
      throw new IllegalArgumentException("--kafka-brokers must be 1..9: " + kafkaBrokers);
    }
    Optional<String> kafka = env.optional("KAFKA_BOOTSTRAP_SERVERS");
    TopicReplication replication = TopicReplication.from(env, kafka.isPresent() ? TopicReplication.CLUSTER
        : TopicReplication.of(Math.min(3, kafkaBrokers)));
    if (kafka.isEmpty() && replication.factor() > kafkaBrokers) {
      throw new IllegalArgumentException(TopicReplication.VARIABLE + "=" + replication.factor() + " needs at least as many "
          + "brokers; up starts " + kafkaBrokers + " (--kafka-brokers)");
    }
    return new UpConfig(
        kafka,
        env.optional("DATABASE_URL"),
        env.optional("REDIS_URL"),
        stateDir.toAbsolutePath().normalize(),
        partitions,
        kafkaBrokers,
        replication,
        ports);
  }
}
