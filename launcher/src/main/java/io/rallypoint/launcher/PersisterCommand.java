package io.rallypoint.launcher;

import io.rallypoint.persister.Persister;
import io.rallypoint.persister.PersisterConfig;
import io.rallypoint.schemas.config.Env;
import io.rallypoint.schemas.db.Migrations;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;

/** {@code rallypoint persister}: one member of the persister consumer group. */
@Command(
    name = "persister",
    mixinStandardHelpOptions = true,
    description = "Run one persister instance: it joins the consumer group of chat.messages and chat.receipts and "
        + "writes them to PostgreSQL, with retry tiers and a dead-letter topic. Start several to scale.",
    footer = {"", "Environment: KAFKA_BOOTSTRAP_SERVERS (required), DATABASE_URL, PERSISTER_HTTP_PORT (8082),",
        "PERSISTER_GROUP_ID (rallypoint-persister), PERSISTER_CONSUMERS (2), PERSISTER_MAX_BATCH (10000),",
        "PERSISTER_RETRY_DELAYS (PT1S,PT4S,PT16S), PERSISTER_BACKOFF_INITIAL (PT0.25S), PERSISTER_BACKOFF_MAX (PT15S),",
        "PERSISTER_DB_POOL (3), PERSISTER_INSTANCE_ID (unset: dynamic member; stable and unique per instance: a",
        "restarted instance takes its partitions back at once)."})
final class PersisterCommand extends ServiceCommand<Persister> {

  private PersisterConfig config;

  @Override
  Persister start(Env env) {
    config = PersisterConfig.from(env);
    Migrations.migrate(config.database().simpleDataSource());
    return Persister.start(config);
  }

  @Override
  String banner(Persister persister) {
    return "Persister running: group " + config.groupId() + ", Kafka " + config.bootstrapServers()
        + ", PostgreSQL " + config.database() + ", health and metrics on :" + persister.httpPort();
  }

  @Override
  List<CompletableFuture<Void>> failures(Persister persister) {
    return List.of(persister.failure());
  }
}
