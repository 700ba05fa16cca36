package io.rallypoint.launcher;

import io.rallypoint.launcher.restartbench.RestartBench;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rallypoint restart-bench}: how long up and its services take to come back after a stop or a crash; not a test. */
@Command(
    name = "restart-bench",
    mixinStandardHelpOptions = true,
    description = "Start `rallypoint up` in a process of its own on free ports and a fresh state folder; stop it "
        + "(SIGTERM, as Ctrl-C) and kill it (SIGKILL) and start it again; then run a second persister and a second "
        + "location-stream beside it and stop or kill each. Prints, from each process start, the time until up says "
        + "it is up, until a message sent then is in PostgreSQL and until every group's meeting point moves again; "
        + "and for the second instances the longest an acked message waited to be stored and the longest a group's "
        + "meeting point stood still. Exit code 0 when every phase ran, 1 when one did not finish.")
final class RestartBenchCommand implements Callable<Integer> {

  @Option(names = "--rounds", defaultValue = "2", paramLabel = "N",
      description = "Restarts of each kind (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--groups", defaultValue = "12", paramLabel = "N",
      description = "Groups (conversations) that chat and move (default: ${DEFAULT-VALUE}).")
  int groups;

  @Option(names = "--instance-ids", defaultValue = "true", arity = "1", paramLabel = "true|false",
      description = "Give the second persister and location-stream PERSISTER_INSTANCE_ID / LOCATION_INSTANCE_ID "
          + "(static group members; default: ${DEFAULT-VALUE}); false measures dynamic members.")
  boolean instanceIds;

  @Override
  public Integer call() {
    return RestartBench.run(rounds, groups, instanceIds, System.out);
  }
}
