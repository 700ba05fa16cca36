package io.rallypoint.launcher;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * The single-service subcommands. Each runs one service against the Kafka, PostgreSQL and Redis
 * named by the environment; start several to scale out.
 */
abstract class ServiceCommand implements Callable<Integer> {

  private final String service;
  private final String issue;

  ServiceCommand(String service, String issue) {
    this.service = service;
    this.issue = issue;
  }

  @Override
  public Integer call() {
    System.err.println("rallypoint " + service + ": this service is not part of this build yet (" + issue + ").");
    return 2;
  }

  @Command(name = "location-stream", mixinStandardHelpOptions = true,
      description = "Run one location-stream instance (interactive queries on LOCATION_HTTP_PORT, default 8081).")
  static final class LocationStream extends ServiceCommand {
    LocationStream() {
      super("location-stream", "location issue");
    }
  }
}
