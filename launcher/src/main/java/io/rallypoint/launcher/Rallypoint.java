package io.rallypoint.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code rallypoint} command: {@code up} runs everything in one process, the others one service each. */
@Command(
    name = "rallypoint",
    mixinStandardHelpOptions = true,
    versionProvider = Rallypoint.Version.class,
    description = "Real-time group chat and live location for group-activity apps.",
    subcommands = {UpCommand.class, KafkaCommand.class, TopicsCommand.class, GatewayCommand.class, PersisterCommand.class,
        LocationStreamCommand.class, ReplayDlqCommand.class, BenchCommand.class, RestartBenchCommand.class,
        CommandLine.HelpCommand.class})
public final class Rallypoint {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line, with errors printed as one clear line instead of a stack trace. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Rallypoint());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("rallypoint " + commandLine.getCommandName() + ": " + e.getMessage());
      return 1;
    });
    return cli;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Rallypoint.class.getPackage().getImplementationVersion();
      return new String[] {"rallypoint " + (version == null ? "dev" : version)};
    }
  }
}
