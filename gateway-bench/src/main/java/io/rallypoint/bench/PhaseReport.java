package io.rallypoint.bench;

import java.io.PrintStream;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one phase of the bench measured: how many sends, acks and deliveries there were, what was
 * missing, the error codes, the delivery and ack latencies (microseconds) of the measured sends,
 * and the CPU the machine and the client used while those were sent.
 */
record PhaseReport(
    long sent,
    long measuredSends,
    long delivered,
    long measuredDeliveries,
    long missingDeliveries,
    long missingAcks,
    Map<String, Long> errors,
    long closedEarly,
    Histogram delivery,
    Histogram ack,
    CpuUse cpu) {

  PhaseReport {
    errors = Collections.unmodifiableMap(new TreeMap<>(errors)); // printed in name order
  }

  /** Every send acked and delivered, no error, no connection lost. */
  boolean clean() {
    return missingAcks == 0 && missingDeliveries == 0 && errors.isEmpty() && closedEarly == 0;
  }

  /** Prints the report, each line starting with {@code prefix} (the gateway's lines have none, as scripts expect). */
  void print(PrintStream out, String prefix, BenchOptions options) {
    double seconds = options.duration().toNanos() / 1e9;
    out.printf("%ssent %d (%d measured): %.0f sends/s achieved (target %d)%n", prefix, sent, measuredSends,
        measuredSends / seconds, options.rate());
    out.printf("%sdeliveries %d (%d measured): %.0f deliveries/s; missing deliveries %d, missing acks %d%n", prefix,
        delivered, measuredDeliveries, measuredDeliveries / seconds, missingDeliveries, missingAcks);
    out.printf("%serrors %s, connections closed early %d%n", prefix, errors, closedEarly);
    print(out, prefix + "delivery latency", delivery);
    print(out, prefix + "ack latency     ", ack);
    out.printf("%scpu while sending the measured part: %s%n", prefix, cpu.describe());
  }

  /**
   * This phase's latencies divided by the baseline's, percentile by percentile:
   * {@code delivery p50 3.1x  p99 4.2x  p99.9 5.0x  max 6.0x; ack p50 ...}.
   */
  String ratiosTo(PhaseReport baseline) {
    return "delivery " + ratios(delivery, baseline.delivery) + "; ack " + ratios(ack, baseline.ack);
  }

  private static String ratios(Histogram measured, Histogram baseline) {
    return "p50 " + ratio(measured.getValueAtPercentile(50), baseline.getValueAtPercentile(50))
        + "  p99 " + ratio(measured.getValueAtPercentile(99), baseline.getValueAtPercentile(99))
        + "  p99.9 " + ratio(measured.getValueAtPercentile(99.9), baseline.getValueAtPercentile(99.9))
        + "  max " + ratio(measured.getMaxValue(), baseline.getMaxValue());
  }

  /** "n/a" when either side has no value (nothing measured). */
  private static String ratio(long measured, long baseline) {
    return baseline <= 0 || measured <= 0 ? "n/a" : String.format("%.1fx", (double) measured / baseline);
  }

  private static void print(PrintStream out, String what, Histogram h) {
    out.printf("%s ms: p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  (n=%d)%n", what,
        h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
        h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0, h.getTotalCount());
  }
}
