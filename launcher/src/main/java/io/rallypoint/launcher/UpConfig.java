package io.rallypoint.launcher;

import io.rallypoint.schemas.config.Env;
import io.rallypoint.schemas.db.DatabaseUrl;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code rallypoint up} runs against, read once from the environment (PROTOCOL section 4).
 *
 * @param kafkaBootstrap the external cluster, or empty to start the embedded broker
 * @param database       the PostgreSQL to migrate and use
 * @param stateDir       where embedded servers keep their data
 * @param partitions     partitions of chat.messages and the other conversation-keyed topics
 * @param kafkaPort      port of the embedded broker (PROTOCOL: 127.0.0.1:9092 by default)
 */
record UpConfig(
    Optional<String> kafkaBootstrap,
    String databaseUrl,
    DatabaseUrl database,
    Path stateDir,
    int partitions,
    int kafkaPort) {

  /** {@code DATABASE_URL} as the services read it. */
  String databaseUrlForServices() {
    return databaseUrl;
  }

  static UpConfig from(Env env, Path stateDir, int partitions, int kafkaPort) {
    if (partitions < 1 || partitions > 1_000) {
      throw new IllegalArgumentException("--partitions must be 1..1000: " + partitions);
    }
    if (kafkaPort < 1 || kafkaPort > 65_535) {
      throw new IllegalArgumentException("--kafka-port must be 1..65535: " + kafkaPort);
    }
    String databaseUrl = env.string("DATABASE_URL", DatabaseUrl.LOCAL_DEFAULT);
    return new UpConfig(
        env.optional("KAFKA_BOOTSTRAP_SERVERS"),
        databaseUrl,
        DatabaseUrl.parse(databaseUrl),
        stateDir.toAbsolutePath().normalize(),
        partitions,
        kafkaPort);
  }
}
