package io.rallypoint.launcher.admin;

import io.rallypoint.launcher.tokens.Tokens;
import io.rallypoint.schemas.config.Env;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code rallypoint admin}: conversations, members and consent through a gateway's admin API
 * (PROTOCOL section 5), with an admin token given or minted from the gateway's secret.
 */
@Command(
    name = "admin",
    mixinStandardHelpOptions = true,
    description = "Manage conversations, members and consent through a gateway's admin API.",
    subcommands = {AdminCommand.Conversation.class, AdminCommand.Members.class, AdminCommand.Consent.class},
    footer = {"", "Environment: RALLYPOINT_GATEWAY_URL, RALLYPOINT_ADMIN_TOKEN, CHAT_JWT_SECRET (to mint one)."})
public final class AdminCommand {

  /** How long a token minted for one command lives. */
  static final Duration MINTED_TTL = Duration.ofMinutes(5);

  private final Env env;

  @Option(names = "--gateway", paramLabel = "URL",
      description = "The gateway's HTTP address (default: RALLYPOINT_GATEWAY_URL, else http://127.0.0.1:GATEWAY_PORT"
          + " with GATEWAY_PORT 8080).")
  URI gateway;

  @Option(names = "--token", paramLabel = "JWT",
      description = "An admin token (default: RALLYPOINT_ADMIN_TOKEN, else one minted from CHAT_JWT_SECRET or up's"
          + " dev secret, valid 5 minutes).")
  String token;

  @Option(names = "--state-dir", defaultValue = "${env:RALLYPOINT_STATE_DIR:-.rallypoint}", paramLabel = "DIR",
      description = "Where `up` keeps its dev secret (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  public AdminCommand() {
    this(Env.system());
  }

  /** Reads {@code env} instead of the process environment. */
  public AdminCommand(Env env) {
    this.env = env;
  }

  AdminClient client() {
    URI base = gateway != null ? gateway : URI.create(env.optional("RALLYPOINT_GATEWAY_URL")
        .orElseGet(() -> "http://127.0.0.1:" + env.port("GATEWAY_PORT", 8080)));
    String bearer = token != null ? token : env.optional("RALLYPOINT_ADMIN_TOKEN")
        .orElseGet(() -> Tokens.fromSecretOf(env, stateDir).admin("rallypoint-cli", MINTED_TTL, Instant.now()));
    return new AdminClient(base, bearer);
  }

  @Command(name = "conversation", mixinStandardHelpOptions = true, description = "Conversations.")
  static final class Conversation {
    @ParentCommand
    AdminCommand admin;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Command(name = "create", mixinStandardHelpOptions = true,
        description = "Create a conversation (nothing changes if it exists), with members if given.")
    int create(@Parameters(paramLabel = "ID", description = "The conversation id.") String conversation,
        @Option(names = "--member", paramLabel = "USER", description = "A member to add (repeatable).")
        List<String> members) {
      AdminClient client = admin.client();
      client.createConversation(conversation);
      for (String member : members == null ? List.<String>of() : members) {
        client.addMember(conversation, member);
      }
      spec.commandLine().getOut().println("conversation " + conversation + " exists"
          + (members == null || members.isEmpty() ? "" : " with " + String.join(", ", members) + " among its members"));
      return 0;
    }
  }

  @Command(name = "members", mixinStandardHelpOptions = true, description = "A conversation's members.")
  static final class Members {
    @ParentCommand
    AdminCommand admin;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Command(name = "add", mixinStandardHelpOptions = true,
        description = "Add members; their open connections start receiving the conversation.")
    int add(@Parameters(index = "0", paramLabel = "ID") String conversation,
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "USER") List<String> users) {
      AdminClient client = admin.client();
      users.forEach(user -> client.addMember(conversation, user));
      spec.commandLine().getOut().println("added to " + conversation + ": " + String.join(", ", users));
      return 0;
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Remove members; their open connections stop receiving the conversation at once.")
    int remove(@Parameters(index = "0", paramLabel = "ID") String conversation,
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "USER") List<String> users) {
      AdminClient client = admin.client();
      users.forEach(user -> client.removeMember(conversation, user));
      spec.commandLine().getOut().println("removed from " + conversation + ": " + String.join(", ", users));
      return 0;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Print the members, one per line.")
    int list(@Parameters(paramLabel = "ID") String conversation) {
      PrintWriter out = spec.commandLine().getOut();
      admin.client().members(conversation).forEach(out::println);
      return 0;
    }
  }

  @Command(name = "consent", mixinStandardHelpOptions = true,
      description = "Turn a user's location sharing on or off (user_preferences.location_sharing_enabled).")
  static final class Consent implements Callable<Integer> {
    @ParentCommand
    AdminCommand admin;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "USER")
    String user;

    @Parameters(index = "1", paramLabel = "on|off")
    String state;

    @Override
    public Integer call() {
      boolean enabled = switch (state) {
        case "on" -> true;
        case "off" -> false;
        default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "the state is on or off, not '" + state + "'");
      };
      admin.client().setLocationSharing(user, enabled);
      spec.commandLine().getOut().println("location sharing of " + user + " is " + state);
      return 0;
    }
  }
}
