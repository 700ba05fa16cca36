package io.rallypoint.launcher;

import io.rallypoint.launcher.admin.AdminCommand;
import io.rallypoint.launcher.admin.TokenCommand;
import io.rallypoint.launcher.dlq.DlqCommand;
import io.rallypoint.launcher.dlq.ReplayDlqCommand;
import io.rallypoint.schemas.ops.BuildInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code rallypoint} command: {@code up} runs everything in one process, the others one service each. */
@Command(
    name = "rallypoint",
    mixinStandardHelpOptions = true,
    versionProvider = Rallypoint.Version.class,
    description = "Real-time group chat and live location for group-activity apps.",
    subcommands = {UpCommand.class, KafkaCommand.class, TopicsCommand.class, GatewayCommand.class, PersisterCommand.class,
        LocationStreamCommand.class, DlqCommand.class, ReplayDlqCommand.class, BenchCommand.class, RestartBenchCommand.class,
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
  public static CommandLine configure(CommandLine cli) {
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      String name = commandLine.getCommandSpec().qualifiedName(" ");
      commandLine.getErr().println((name.startsWith("rallypoint") ? name : "rallypoint " + name) + ": " + e.getMessage());
      return 1;
    });
    return cli;
  }

  /** {@code --version}: the project version and commit the build wrote into {@link BuildInfo}. */
  static final class Version implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
      BuildInfo build = BuildInfo.current();
      return new String[] {line(build.version(), build.commit())};
    }

    /** {@code rallypoint 0.1.0 (commit 1b2f687c0a3e)}; without the commit when the build had no git. */
    static String line(String version, String commit) {
      BuildInfo build = BuildInfo.of(version, commit);
      return "rallypoint " + build.version() + (build.commit().isEmpty() ? "" : " (commit " + build.commit() + ")");
    }
  }
}
