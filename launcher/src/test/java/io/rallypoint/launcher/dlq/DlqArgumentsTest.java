package io.rallypoint.launcher.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rallypoint.launcher.Rallypoint;
import io.rallypoint.persister.replay.DlqFilter;
import io.rallypoint.schemas.config.Env;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The dlq commands' arguments as an operator types them, refused with a clear message before any Kafka is asked. */
class DlqArgumentsTest {

  record Run(int exit, String out, String err) {}

  /** Runs {@code rallypoint dlq ARGS} with no KAFKA_BOOTSTRAP_SERVERS set. */
  private static Run dlq(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine line = Rallypoint.configure(
        new CommandLine(new DlqCommand(Env.of(Map.of()), false)));
    line.setOut(new PrintWriter(out, true));
    line.setErr(new PrintWriter(err, true));
    return new Run(line.execute(args), out.toString(), err.toString());
  }

  @Test
  void filterOptionsBecomeOneFilter() {
    FilterOptions options = new FilterOptions();
    new CommandLine(options).parseArgs("--conversation", "ride-42", "--error-contains", "foreign key",
        "--error-kind", "sqlstate-23503", "--since", "2026-12-01", "--until", "2026-12-01T12:00+01:00");

    assertThat(options.filter()).isEqualTo(new DlqFilter("ride-42", "foreign key", "sqlstate-23503",
        Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2026-12-01T11:00:00Z")));
  }

  @Test
  void timesAreReadInTheThreeIsoForms() {
    FilterOptions.Iso8601 iso = new FilterOptions.Iso8601();
    assertThat(iso.convert("2026-12-01T10:15:30.5Z")).isEqualTo(Instant.parse("2026-12-01T10:15:30.500Z"));
    assertThat(iso.convert("2026-12-01T11:15:30+01:00")).isEqualTo(Instant.parse("2026-12-01T10:15:30Z"));
    assertThat(iso.convert(" 2026-12-01 ")).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
    assertThatThrownBy(() -> iso.convert("yesterday")).hasMessageContaining("'yesterday' is not an ISO-8601 time");
  }

  @Test
  void aBadDateIsAUsageErrorNamingTheOption() {
    Run run = dlq("list", "--since", "2026-13-01");

    assertThat(run.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(run.err()).contains("--since", "'2026-13-01' is not an ISO-8601 time", "Usage: dlq list");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void anEmptyTimeRangeIsRefused() {
    Run run = dlq("replay", "--dry-run", "--since", "2026-12-02", "--until", "2026-12-01");

    assertThat(run.exit()).isNotZero();
    assertThat(run.err()).contains("is not before --until");
  }

  @Test
  void positionsAreParsedOrRefusedClearly() {
    assertThat(RecordPosition.parse("3:17")).isEqualTo(new RecordPosition(3, 17));
    assertThat(RecordPosition.parse(" 0 : 0 ")).isEqualTo(new RecordPosition(0, 0));
    assertThatThrownBy(() -> RecordPosition.parse("3-17")).hasMessageContaining("'3-17' is not PARTITION:OFFSET");
    assertThatThrownBy(() -> RecordPosition.parse("3:x")).hasMessageContaining("both are whole numbers");
    assertThatThrownBy(() -> RecordPosition.parse("1:2:3")).hasMessageContaining("is not PARTITION:OFFSET");
    assertThatThrownBy(() -> RecordPosition.parse("-1:4")).hasMessageContaining("never negative");
  }

  @Test
  void showNeedsExactlyOnePosition() {
    assertThat(dlq("show", "3/17").err()).contains("'3/17' is not PARTITION:OFFSET");
    assertThat(dlq("show").err()).contains("which record?");
    assertThat(dlq("show", "--partition", "3").err()).contains("which record?");
    assertThat(dlq("show", "3:17", "--offset", "4").err()).contains("not both");
    assertThat(dlq("show", "--partition", "-1", "--offset", "4").err()).contains("never negative");
    assertThat(dlq("show", "3:17", "--offset", "4").exit()).isEqualTo(CommandLine.ExitCode.USAGE);
  }

  @Test
  void aMissingBootstrapServerIsNamed() {
    for (String command : new String[] {"list", "show", "replay"}) {
      Run run = command.equals("show") ? dlq(command, "0:0") : dlq(command);

      assertThat(run.exit()).as(command).isEqualTo(1);
      assertThat(run.err()).as(command).isEqualTo("rallypoint dlq " + command
          + ": KAFKA_BOOTSTRAP_SERVERS is not set (the Kafka cluster's host:port, e.g. 127.0.0.1:9092)"
          + System.lineSeparator());
    }
  }

  @Test
  void aNegativeLimitIsAUsageError() {
    Run run = dlq("list", "--limit", "-5");
    assertThat(run.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(run.err()).contains("--limit must be 0 (all) or more, not -5");
  }
}
