package io.rallypoint.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.rallypoint.testsupport.ToolOnPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/observability's Prometheus files pass {@code promtool} (Debian's {@code prometheus}
 * package): the rules, and the config with the rule file it names. Without {@code promtool} on the
 * PATH the class is skipped with a message, except on CI ({@code CI=true}), where that fails the build.
 */
class PrometheusFilesIT {

  private static Path promtool;

  @BeforeAll
  static void findPromtool() {
    promtool = ToolOnPath.require("promtool", "the Prometheus rules cannot be checked (apt-get install prometheus)");
  }

  @Test
  void theAlertRulesAreValid() throws Exception {
    Run check = promtool("check", "rules", PromQlNames.ALERTS.toAbsolutePath().normalize().toString());

    assertThat(check.exit()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS");
  }

  @Test
  void theConfigIsValidAndItsRuleFileResolves() throws Exception {
    Run check = promtool("check", "config", PromQlNames.PROMETHEUS.toAbsolutePath().normalize().toString());

    assertThat(check.exit()).as(check.output()).isZero();
    assertThat(check.output()).contains("1 rule files found");
  }

  @Test
  void aRuleThatIsNotPromQlIsRefused(@TempDir Path dir) throws Exception {
    // Given the rules with one expression broken (a parenthesis left open)
    String rules = Files.readString(PromQlNames.ALERTS);
    String broken = rules.replace("expr: up{job=~\"gateway|persister|location-stream\"} == 0",
        "expr: sum(up{job=~\"gateway|persister|location-stream\"} == 0");
    assertThat(broken).isNotEqualTo(rules);
    Path file = Files.writeString(dir.resolve("alerts.yml"), broken);

    // Then promtool refuses them
    Run check = promtool("check", "rules", file.toString());
    assertThat(check.exit()).as(check.output()).isNotZero();
  }

  private record Run(int exit, String output) {}

  private static Run promtool(String... args) throws IOException, InterruptedException {
    String[] command = new String[args.length + 1];
    command[0] = promtool.toString();
    System.arraycopy(args, 0, command, 1, args.length);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      fail(String.join(" ", command) + " did not finish within 60 s");
    }
    return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
