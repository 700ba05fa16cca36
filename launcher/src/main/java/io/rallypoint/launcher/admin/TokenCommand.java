package io.rallypoint.launcher.admin;

import io.rallypoint.launcher.tokens.Tokens;
import io.rallypoint.schemas.config.Env;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code rallypoint token USER}: prints a client token (or an admin token) signed with the gateway's secret. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Print a JWT the gateway takes for USER (the WebSocket's ?token= or Authorization: Bearer).",
    footer = {"", "Environment: CHAT_JWT_SECRET (else the dev secret `up` keeps in --state-dir)."})
public final class TokenCommand implements Callable<Integer> {

  private final Env env;

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "USER", description = "The user id (the token's sub).")
  String user;

  @Option(names = "--ttl", defaultValue = "PT12H", paramLabel = "DURATION",
      description = "How long the token is valid, ISO-8601 (default: ${DEFAULT-VALUE}; at most P365D).")
  Duration ttl;

  @Option(names = "--admin", description = "An admin token for the admin API (claim role=admin).")
  boolean admin;

  @Option(names = "--state-dir", defaultValue = "${env:RALLYPOINT_STATE_DIR:-.rallypoint}", paramLabel = "DIR",
      description = "Where `up` keeps its dev secret (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  public TokenCommand() {
    this(Env.system());
  }

  /** Reads {@code env} instead of the process environment. */
  public TokenCommand(Env env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    Tokens tokens = Tokens.fromSecretOf(env, stateDir);
    Instant now = Instant.now();
    spec.commandLine().getOut().println(admin ? tokens.admin(user, ttl, now) : tokens.user(user, ttl, now));
    return 0;
  }
}
