package io.rallypoint.launcher;

import io.rallypoint.schemas.config.Env;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A single-service subcommand: start the service from the environment, say where it listens, run
 * until Ctrl-C (or until the service fails), then close it. Start several to scale out.
 */
abstract class ServiceCommand<S extends AutoCloseable> implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  /** Parses the service's configuration from the environment and starts it. */
  abstract S start(Env env) throws Exception;

  /** One line saying what runs and where. */
  abstract String banner(S service);

  /** Futures that complete exceptionally when the service stops on its own. */
  List<CompletableFuture<Void>> failures(S service) {
    return List.of();
  }

  @Override
  public final Integer call() throws Exception {
    ShutdownSignal signal = ShutdownSignal.install();
    PrintWriter out = spec.commandLine().getOut();
    try (S service = start(Env.system())) {
      out.println(banner(service));
      out.println("Press Ctrl-C to stop.");
      out.flush();
      signal.await(failures(service));
    }
    return 0;
  }
}
