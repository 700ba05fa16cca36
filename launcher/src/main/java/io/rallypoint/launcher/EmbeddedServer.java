package io.rallypoint.launcher;

/**
 * The servers {@code up} and {@code kafka} can embed, and whether this jar carries them:
 * {@code rallypoint.jar} does, {@code rallypoint-services.jar} (the Docker image's) leaves them out.
 */
enum EmbeddedServer {
  KAFKA("Kafka", "KAFKA_BOOTSTRAP_SERVERS", "kafka/server/KafkaRaftServer.class"),
  POSTGRES("PostgreSQL", "DATABASE_URL", "io/zonky/test/db/postgres/embedded/EmbeddedPostgres.class"),
  REDIS("Redis", "REDIS_URL", "redis/embedded/RedisServer.class");

  private final String server;
  private final String variable;
  private final String marker;

  EmbeddedServer(String server, String variable, String marker) {
    this.server = server;
    this.variable = variable;
    this.marker = marker;
  }

  /** Whether this jar can start the server (its main class is on the class path). */
  boolean available() {
    return EmbeddedServer.class.getClassLoader().getResource(marker) != null;
  }

  /** Fails with what to do instead when this jar cannot start the server. */
  void require() {
    if (!available()) {
      throw new IllegalStateException("this jar has no embedded " + server + " (rallypoint-services.jar leaves the"
          + " embedded servers out): set " + variable + " to an external one, or run rallypoint.jar (./rallypoint)");
    }
  }
}
