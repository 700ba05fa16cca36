package io.rallypoint.launcher;

import io.rallypoint.persister.Persister;
import io.rallypoint.persister.PersisterConfig;
import io.rallypoint.schemas.config.Env;
import io.rallypoint.schemas.db.Migrations;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code rallypoint persister}: one member of the persister consumer group. */
@Command(
    name = "persister",
    mixinStandardHelpOptions = true,
    description = "Run one persister instance: it joins the consumer group of chat.messages and chat.receipts and "
        + "writes them to PostgreSQL, with retry tiers and a dead-letter topic. Start several to scale.",
    footer = {"", "Environment: KAFKA_BOOTSTRAP_SERVERS (required), DATABASE_URL, PERSISTER_HTTP_PORT (8082),",
        "PERSISTER_GROUP_ID (rallypoint-persister), PERSISTER_MAX_BATCH (2000), PERSISTER_RETRY_DELAYS (PT1S,PT4S,PT16S),",
        "PERSISTER_BACKOFF_INITIAL (PT0.25S), PERSISTER_BACKOFF_MAX (PT15S), PERSISTER_DB_POOL (2)."})
final class PersisterCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PersisterConfig config = PersisterConfig.from(Env.system());
    Migrations.migrate(config.database().simpleDataSource());
    ShutdownSignal signal = ShutdownSignal.install();
    PrintWriter out = spec.commandLine().getOut();
    try (Persister persister = Persister.start(config)) {
      out.println("Persister running: group " + config.groupId() + ", Kafka " + config.bootstrapServers()
          + ", PostgreSQL " + config.database() + ", health and metrics on :" + persister.httpPort());
      out.println("Press Ctrl-C to stop.");
      out.flush();
      signal.await(List.of(persister.failure()));
    }
    return 0;
  }
}
