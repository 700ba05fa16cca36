package io.rallypoint.launcher.dlq;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rallypoint.persister.replay.DeadLetter;
import io.rallypoint.persister.replay.DlqFilter;
import io.rallypoint.persister.replay.DlqReader;
import io.rallypoint.persister.replay.DlqReplayer;
import io.rallypoint.schemas.config.Env;
import io.rallypoint.schemas.json.Json;
import io.rallypoint.schemas.topic.Topics;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code rallypoint dlq}: what is in {@code chat.messages.dlq}, one record in full, and moving
 * records back to {@code chat.messages} after a fix. {@code list} and {@code show} only read:
 * no consumer group, nothing committed.
 */
@Command(
    name = "dlq",
    mixinStandardHelpOptions = true,
    description = "Inspect and replay the dead letters of chat.messages.dlq (records the persister could not store).",
    subcommands = {DlqCommand.ListCommand.class, DlqCommand.ShowCommand.class, DlqCommand.ReplayCommand.class},
    footer = {"", "Environment: KAFKA_BOOTSTRAP_SERVERS (required)."})
public final class DlqCommand {

  static final String TOPIC = Topics.CHAT_MESSAGES_DLQ.name();

  private final Env env;
  private final boolean terminal;

  public DlqCommand() {
    this(Env.system(), Progress.stderrIsTerminal());
  }

  /** Reads {@code env} instead of the process environment; {@code terminal}: whether stderr shows a redrawn bar. */
  public DlqCommand(Env env, boolean terminal) {
    this.env = env;
    this.terminal = terminal;
  }

  /** {@code KAFKA_BOOTSTRAP_SERVERS}, or a clear error. */
  static String bootstrap(Env env) {
    return env.optional("KAFKA_BOOTSTRAP_SERVERS").orElseThrow(() -> new IllegalArgumentException(
        "KAFKA_BOOTSTRAP_SERVERS is not set (the Kafka cluster's host:port, e.g. 127.0.0.1:9092)"));
  }

  /** The environment and terminal of the command that runs {@code parent}'s subcommand. */
  private static DlqCommand of(Object parent) {
    return parent instanceof DlqCommand dlq ? dlq : new DlqCommand();
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {"One line per dead letter (oldest first within a partition), then the count by error kind.",
          "Reads up to the end of the topic as it was at the start; commits nothing."})
  static final class ListCommand implements Callable<Integer> {
    @ParentCommand
    DlqCommand dlq;

    @Spec
    CommandSpec spec;

    @Mixin
    FilterOptions filters;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "1000",
        description = "Show at most N records (default: ${DEFAULT-VALUE}; 0 for all); the counts cover every match.")
    int limit;

    @Option(names = "--json", description = "One JSON object on stdout: the counts and the records.")
    boolean json;

    @Override
    public Integer call() {
      if (limit < 0) {
        throw new ParameterException(spec.commandLine(), "--limit must be 0 (all) or more, not " + limit);
      }
      DlqFilter filter = filters.filter();
      PrintWriter out = spec.commandLine().getOut();
      List<DeadLetter> shown = new ArrayList<>();
      Map<String, Integer> byKind = new TreeMap<>();
      int[] counts = {0, 0}; // read, matched
      try (DlqReader reader = DlqReader.fromStart(bootstrap(dlq.env));
          Progress progress = Progress.start(spec.commandLine().getErr(), "Reading " + TOPIC, reader.size(), dlq.terminal)) {
        reader.read(record -> {
          counts[0]++;
          DeadLetter letter = new DeadLetter(record);
          if (filter.test(letter)) {
            counts[1]++;
            byKind.merge(letter.errorKind().orElse("(none)"), 1, Integer::sum);
            if (limit == 0 || shown.size() < limit) {
              shown.add(letter);
            }
          }
        }, progress::at);
      }
      if (json) {
        ObjectNode doc = Json.object();
        doc.put("topic", TOPIC);
        doc.put("read", counts[0]);
        doc.put("matched", counts[1]);
        doc.set("byErrorKind", DeadLetterText.counts(byKind));
        ArrayNode records = doc.putArray("records");
        shown.forEach(letter -> records.add(DeadLetterText.json(letter)));
        out.println(Json.toString(doc));
        return 0;
      }
      if (!shown.isEmpty()) {
        out.println(DeadLetterText.HEADER);
        shown.forEach(letter -> out.println(DeadLetterText.line(letter)));
        out.println();
      }
      out.println(summary(counts[0], counts[1], filter));
      if (!byKind.isEmpty()) {
        StringBuilder kinds = new StringBuilder("By error kind:");
        byKind.forEach((kind, n) -> kinds.append(' ').append(kind).append(' ').append(n).append(','));
        out.println(kinds.substring(0, kinds.length() - 1));
      }
      if (shown.size() < counts[1]) {
        out.println("Showing the first " + shown.size() + "; --limit 0 shows all.");
      }
      return 0;
    }

    private static String summary(int read, int matched, DlqFilter filter) {
      return filter.isAll()
          ? read + " dead letters in " + TOPIC + "."
          : matched + " of " + read + " dead letters in " + TOPIC + " match " + filter + ".";
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "One dead letter in full: its headers, key and value.")
  static final class ShowCommand implements Callable<Integer> {
    @ParentCommand
    DlqCommand dlq;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "PARTITION:OFFSET", converter = RecordPosition.Converter.class,
        description = "Where the record is, as `dlq list` prints it (e.g. 3:17).")
    RecordPosition position;

    @Option(names = "--partition", paramLabel = "N", description = "The partition (with --offset, instead of PARTITION:OFFSET).")
    Integer partition;

    @Option(names = "--offset", paramLabel = "N", description = "The offset (with --partition).")
    Long offset;

    @Override
    public Integer call() {
      RecordPosition where = position();
      try (DlqReader reader = DlqReader.fromStart(bootstrap(dlq.env))) {
        spec.commandLine().getOut().print(DeadLetterText.full(reader.at(where.partition(), where.offset())));
      }
      return 0;
    }

    private RecordPosition position() {
      if (position != null && (partition != null || offset != null)) {
        throw new ParameterException(spec.commandLine(), "give PARTITION:OFFSET or --partition and --offset, not both");
      }
      if (position != null) {
        return position;
      }
      if (partition == null || offset == null) {
        throw new ParameterException(spec.commandLine(), "which record? give PARTITION:OFFSET (e.g. 3:17), or"
            + " --partition and --offset");
      }
      try {
        return new RecordPosition(partition, offset);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
    }
  }

  /** {@code dlq replay}; also, hidden, {@code replay-dlq} (see {@link ReplayDlqCommand}). */
  @Command(name = "replay", mixinStandardHelpOptions = true,
      description = {"Move the dead letters (all, or those matching the filters) back to chat.messages, so the persister"
          + " tries them again; it stores a message once however often it is replayed.",
          "Without a filter the replay position is committed (consumer group " + DlqReplayer.GROUP + "), so the next"
          + " run starts after this one; with a filter, or --dry-run, nothing is committed."},
      footer = {"", "Environment: KAFKA_BOOTSTRAP_SERVERS (required)."})
  public static class ReplayCommand implements Callable<Integer> {
    @ParentCommand
    Object parent;

    @Spec
    CommandSpec spec;

    @Mixin
    FilterOptions filters;

    @Option(names = "--dry-run", description = "Print what would be replayed; produce and commit nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
      DlqCommand dlq = of(parent);
      DlqFilter filter = filters.filter();
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      List<DeadLetter> matched = new ArrayList<>();
      Progress[] progress = {null};
      DlqReplayer.Result result;
      try {
        result = DlqReplayer.replay(bootstrap(dlq.env), filter, dryRun, new DlqReplayer.Listener() {
          @Override
          public void started(long offsets) {
            progress[0] = Progress.start(err, (dryRun ? "Reading " : "Replaying ") + TOPIC, offsets, dlq.terminal);
          }

          @Override
          public void progressed(long offsets) {
            progress[0].at(offsets);
          }

          @Override
          public void matched(DeadLetter letter) {
            if (dryRun) {
              matched.add(letter);
            }
          }
        });
      } finally {
        if (progress[0] != null) {
          progress[0].close();
        }
      }
      if (dryRun) {
        if (!matched.isEmpty()) {
          out.println(DeadLetterText.HEADER);
          matched.forEach(letter -> out.println(DeadLetterText.line(letter)));
          out.println();
        }
        out.printf("Would replay %d of %d dead-letter records to %s (dry run: nothing produced, nothing committed).%n",
            result.replayed(), result.read(), Topics.CHAT_MESSAGES.name());
      } else {
        out.printf("Replayed %d of %d dead-letter records to %s.%n", result.replayed(), result.read(),
            Topics.CHAT_MESSAGES.name());
      }
      return 0;
    }
  }
}
