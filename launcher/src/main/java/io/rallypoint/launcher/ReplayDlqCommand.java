package io.rallypoint.launcher;

import io.rallypoint.persister.replay.DlqReplayer;
import io.rallypoint.schemas.config.Env;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rallypoint replay-dlq}: sends dead-lettered chat messages back through the persister, after a fix. */
@Command(
    name = "replay-dlq",
    mixinStandardHelpOptions = true,
    description = "Move records of chat.messages.dlq back to chat.messages (all of them, or those matching the "
        + "filters) so the persister tries them again. Without a filter the replay position is committed, so the "
        + "next run starts after this one; with a filter nothing is committed.",
    footer = {"", "Environment: KAFKA_BOOTSTRAP_SERVERS (required)."})
final class ReplayDlqCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--conversation", paramLabel = "ID", description = "Only records of this conversation.")
  String conversation;

  @Option(names = "--error-contains", paramLabel = "TEXT", description = "Only records whose error header contains TEXT.")
  String errorContains;

  @Override
  public Integer call() {
    String bootstrap = Env.system().optional("KAFKA_BOOTSTRAP_SERVERS")
        .orElseThrow(() -> new IllegalArgumentException("KAFKA_BOOTSTRAP_SERVERS is not set"));
    DlqReplayer.Result result = DlqReplayer.replay(bootstrap, new DlqReplayer.Filter(conversation, errorContains));
    spec.commandLine().getOut().printf("Replayed %d of %d dead-letter records to chat.messages.%n",
        result.replayed(), result.read());
    return 0;
  }
}
