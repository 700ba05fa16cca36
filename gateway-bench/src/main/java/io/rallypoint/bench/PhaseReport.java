package io.rallypoint.bench;

import java.io.PrintStream;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one phase of the bench measured: how many sends, acks and deliveries there were, what was
 * missing, the error codes, the delivery and ack latencies (microseconds) of the measured sends,
 * and the CPU the machine and the client used while those were sent; with {@code --share-every}
 * the positions shared, and with {@code --storm} chat latency before, in and after the storm.
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
    CpuUse cpu,
    Sharing sharing,
    StormWindows storm) {

  /** The positions of a phase with sharing: sent, answered {@code ok}, received by other members. */
  record Sharing(long sent, long accepted, long received) {}

  /**
   * A storm's numbers: connections asked for and opened, their {@code presence} answers, the chat
   * messages they got, the presence pushes the chat members got, how long until all were open
   * (nanoseconds, -1: not all), the steady and storm windows' lengths (nanoseconds), and chat
   * delivery and ack latency of the sends intended before the storm (steady), in its window, and after.
   */
  record StormWindows(int asked, long opened, long presenceAnswers, long messages, long presencePushes,
      long allOpenNanos, long steadyNanos, long windowNanos,
      Histogram steadyDelivery, Histogram stormDelivery, Histogram afterDelivery,
      Histogram steadyAck, Histogram stormAck, Histogram afterAck) {

    void print(PrintStream out, String prefix, BenchOptions options) {
      out.printf("%sstorm: %d more connections at %s, all at once: %d opened%s, %d presence answers, %d chat"
              + " messages to them, %d presence pushes to the chat members over the phase%n", prefix, asked, options.stormAt(), opened,
          allOpenNanos < 0 ? " (not all)" : String.format(" in %.2f s", allOpenNanos / 1e9), presenceAnswers,
          messages, presencePushes);
      out.printf("%sstorm windows by intended send time: steady %.2f s before the storm, storm %.2f s (until 1 s"
          + " after the last opened)%n", prefix, steadyNanos / 1e9, windowNanos / 1e9);
      PhaseReport.print(out, prefix + "steady delivery latency", steadyDelivery);
      PhaseReport.print(out, prefix + "storm  delivery latency", stormDelivery);
      PhaseReport.print(out, prefix + "after  delivery latency", afterDelivery);
      PhaseReport.print(out, prefix + "steady ack latency     ", steadyAck);
      PhaseReport.print(out, prefix + "storm  ack latency     ", stormAck);
      out.printf("%sstorm / steady: delivery p99 %s, ack p99 %s%n", prefix,
          ratio(stormDelivery.getValueAtPercentile(99), steadyDelivery.getValueAtPercentile(99)),
          ratio(stormAck.getValueAtPercentile(99), steadyAck.getValueAtPercentile(99)));
    }
  }

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
    if (sharing != null) {
      out.printf("%spositions sent %d, accepted %d, received by other members %d (every %s, jittered)%n", prefix,
          sharing.sent(), sharing.accepted(), sharing.received(), options.shareEvery());
    }
    if (storm != null) {
      storm.print(out, prefix, options);
    }
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
