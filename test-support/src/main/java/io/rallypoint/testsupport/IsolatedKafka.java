package io.rallypoint.testsupport;

import io.rallypoint.embedded.EmbeddedKafka;
import io.rallypoint.schemas.topic.TopicCreator;
import io.rallypoint.schemas.topic.Topics;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Kafka broker of its own for one test class, with every registry topic created, for tests that
 * read a whole topic (a consumer group from the beginning of {@code chat.messages}) and so must not
 * see other classes' records. Classes that only read what they wrote use the shared
 * {@link KafkaBroker} instead, which starts faster.
 *
 * <pre>{@code @RegisterExtension static final IsolatedKafka kafka = new IsolatedKafka();}</pre>
 */
public final class IsolatedKafka implements BeforeAllCallback, AfterAllCallback {

  private final int partitions;
  private EmbeddedKafka kafka;
  private Path dir;

  /** A broker whose conversation-keyed topics have {@code partitions} partitions. */
  public IsolatedKafka(int partitions) {
    this.partitions = partitions;
  }

  public IsolatedKafka() {
    this(Topics.DEFAULT_PARTITIONS);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = ScratchDir.create("rallypoint-it-kafka-");
    kafka = EmbeddedKafka.start(dir, 0);
    try (Admin admin = admin()) {
      TopicCreator.ensure(admin, Topics.ALL.stream().map(t -> t.withPartitions(partitions)).toList());
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    kafka.close();
    ScratchDir.deleteRecursively(dir);
  }

  /** {@code host:port} of this class's broker. */
  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** An admin client on this class's broker; close it. */
  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }
}
