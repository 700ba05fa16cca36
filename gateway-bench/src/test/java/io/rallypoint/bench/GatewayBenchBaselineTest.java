package io.rallypoint.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.rallypoint.schemas.config.Env;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class GatewayBenchBaselineTest {

  @Test
  void theBaselinePhaseAcksEverySendAndDeliversItToTheOtherMembersOfItsGroupOnly() {
    // Given 20 connections in groups of 5 sending 200/s for a second, no warm-up (no database needed)
    BenchOptions options = BenchOptions.parse(new String[] {
        "--connections", "20", "--group", "5", "--rate", "200", "--duration", "PT1S", "--warmup", "PT0S",
        "--secret", "x"}, Env.of(Map.of()));
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    // When only the baseline phase runs
    Optional<PhaseReport> report =
        new GatewayBench(options, new PrintStream(printed, true, StandardCharsets.UTF_8)).runBaseline();

    // Then every send is acked and reaches exactly the 4 other members of its group, no more, no less
    assertThat(report).hasValueSatisfying(baseline -> {
      assertThat(baseline.sent()).isEqualTo(200);
      assertThat(baseline.missingAcks()).isZero();
      assertThat(baseline.delivered()).isEqualTo(200 * 4);
      assertThat(baseline.missingDeliveries()).isZero();
      assertThat(baseline.errors()).isEmpty();
      assertThat(baseline.closedEarly()).isZero();
      assertThat(baseline.delivery().getTotalCount()).isEqualTo(200 * 4);
      assertThat(baseline.ack().getTotalCount()).isEqualTo(200);
    });
    // And its report is labelled and keeps the gateway's line format behind the prefix
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains(GatewayBench.BASELINE_LABEL)
        .contains("baseline delivery latency ms: p50 ")
        .contains("baseline ack latency      ms: p50 ")
        .contains("missing deliveries 0, missing acks 0")
        .contains("baseline cpu while sending the measured part: ");
    // And the client's own CPU was measured (a JVM on any OS tells it; in clock ticks, so a short
    // window on a starved machine can read 0)
    assertThat(report.get().cpu().client()).hasValueSatisfying(c -> assertThat(c).isNotNegative());
  }

  @Test
  void theGatewayIsComparedToTheBaselinePercentileByPercentile() {
    // Given a gateway phase three times slower than the baseline at every percentile
    PhaseReport baseline = report(1_000);
    PhaseReport gateway = report(3_000);

    // Then the ratio line says 3.0x everywhere
    assertThat(gateway.ratiosTo(baseline))
        .isEqualTo("delivery p50 3.0x  p99 3.0x  p99.9 3.0x  max 3.0x; ack p50 3.0x  p99 3.0x  p99.9 3.0x  max 3.0x");
  }

  /** A report whose every latency is {@code micros}. */
  private static PhaseReport report(long micros) {
    Histogram latencies = new Histogram(3);
    latencies.recordValue(micros);
    return new PhaseReport(1, 1, 1, 1, 0, 0, Map.of(), 0, latencies, latencies,
        new CpuUse(Optional.empty(), Optional.empty(), 2), null, null);
  }
}
