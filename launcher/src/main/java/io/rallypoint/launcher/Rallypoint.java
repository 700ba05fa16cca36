package io.rallypoint.launcher;

import io.rallypoint.launcher.admin.AdminCommand;
import io.rallypoint.launcher.admin.TokenCommand;
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
        TokenCommand.class, AdminCommand.class,
        CommandLine.HelpCommand.class})
public final class Rallypoint {

  public static void main(String[] args) {
    var logFormat = LogFormat.problem(System.getenv(LogFormat.VARIABLE));
    if (logFormat.isPresent()) {
      System.err.println("rallypoint: " + logFormat.get());
      System.exit(2);
    }
    System.exit(commandLine().execute(args));
  }

  /** The command line, with errors printed as one clear line instead of a stack trace. */
  static CommandLine commandLine() {
    return configure(new CommandLine(new Rallypoint()));
  }

  /** Errors of {@code cli}'s commands printed as one clear line instead of a stack trace. */
  static CommandLine configure(CommandLine cli) {
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
