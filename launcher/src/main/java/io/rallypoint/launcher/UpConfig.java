package io.rallypoint.launcher;

import io.rallypoint.schemas.config.Env;
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
 * @param ports          ports of the embedded servers
 */
record UpConfig(
    Optional<String> kafkaBootstrap,
    Optional<String> databaseUrl,
    Optional<String> redisUrl,
    Path stateDir,
    int partitions,
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

  static UpConfig from(Env env, Path stateDir, int partitions, Ports ports) {
    if (partitions < 1 || partitions > 1_000) {
      throw new IllegalArgumentException("--partitions must be 1..1000: " + partitions);
    }
    return new UpConfig(
        env.optional("KAFKA_BOOTSTRAP_SERVERS"),
        env.optional("DATABASE_URL"),
        env.optional("REDIS_URL"),
        stateDir.toAbsolutePath().normalize(),
        partitions,
        ports);
  }
}
