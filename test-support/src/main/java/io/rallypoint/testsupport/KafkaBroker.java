package io.rallypoint.testsupport;

import io.rallypoint.embedded.EmbeddedKafka;
import io.rallypoint.schemas.topic.Topic;
import io.rallypoint.schemas.topic.TopicCreator;
import io.rallypoint.schemas.topic.Topics;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The Kafka cluster of this test JVM: the one named by {@code KAFKA_BOOTSTRAP_SERVERS} when set,
 * otherwise a real KRaft broker started in-process on a free port the first time it is asked for,
 * shared by every test class, and stopped when the JVM exits.
 */
public final class KafkaBroker {

  private KafkaBroker() {}

  /** {@code host:port} of the cluster. */
  public static String bootstrapServers() {
    return Holder.BOOTSTRAP;
  }

  /** An admin client on the cluster; close it. */
  public static Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  /** Creates the registry's topics that are missing (every test may call it; it is idempotent). */
  public static void ensureTopics() {
    ensureTopics(Topics.ALL);
  }

  /** Creates the given topics if they are missing. */
  public static void ensureTopics(Collection<? extends Topic<?, ?>> topics) {
    try (Admin admin = admin()) {
      TopicCreator.ensure(admin, topics);
    }
  }

  private static final class Holder {
    static final String BOOTSTRAP = start();

    private static String start() {
      String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
      if (external != null && !external.isBlank()) {
        return external.trim();
      }
      Path dir = ScratchDir.create("rallypoint-test-kafka-");
      EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0);
      ScratchDir.stopAtExit(kafka::close, dir, "embedded-kafka-stop");
      return kafka.bootstrapServers();
    }
  }

}
