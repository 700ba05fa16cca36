package io.rallypoint.gateway.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The CPU used during a measured window, in percent of one core (so 200 % is two cores busy): the
 * whole machine's (from {@code /proc/stat}, where there is one) and this bench process's own. The
 * bench shares the machine with what it measures; these say how much of it was left, and how much
 * the client itself took.
 *
 * @param machineBusy percent of one core the machine was busy, empty where {@code /proc/stat} is missing
 * @param client      percent of one core this process used, empty where the JVM does not tell
 * @param cores       the machine's cores (100 % each)
 */
record CpuUse(Optional<Double> machineBusy, Optional<Double> client, int cores) {

  private static final Path PROC_STAT = Path.of("/proc/stat");

  /** The counters at one instant; {@link #until} turns two of them into a {@link CpuUse}. */
  record Sample(long wallNanos, Optional<Jiffies> machine, long processCpuNanos) {

    /** Now. */
    static Sample take() {
      return new Sample(System.nanoTime(), readMachine(), readProcessCpuNanos());
    }

    /** The use from this sample until {@code later}. */
    CpuUse until(Sample later) {
      int cores = Runtime.getRuntime().availableProcessors();
      Optional<Double> busy = machine.flatMap(a -> later.machine.map(b -> b.busyPercentSince(a, cores)));
      long wall = later.wallNanos - wallNanos;
      Optional<Double> client = processCpuNanos < 0 || later.processCpuNanos < 0 || wall <= 0
          ? Optional.empty()
          : Optional.of(100.0 * (later.processCpuNanos - processCpuNanos) / wall);
      return new CpuUse(busy, client, cores);
    }
  }

  /** The machine's busy and total time, summed over its cores, in the kernel's ticks. */
  record Jiffies(long busy, long total) {

    /**
     * Parses the first line of {@code /proc/stat}: {@code cpu user nice system idle iowait irq
     * softirq steal ...}. Idle and iowait are idle; the rest up to steal is busy (guest time is
     * already counted in user).
     */
    static Jiffies parse(String cpuLine) {
      String[] fields = cpuLine.trim().split("\\s+");
      if (fields.length < 5 || !fields[0].equals("cpu")) {
        throw new IllegalArgumentException("not the cpu line of /proc/stat: " + cpuLine);
      }
      long total = 0;
      long idle = 0;
      for (int i = 1; i < Math.min(fields.length, 9); i++) {
        long value = Long.parseLong(fields[i]);
        total += value;
        if (i == 4 || i == 5) {
          idle += value;
        }
      }
      return new Jiffies(total - idle, total);
    }

    /** Percent of one core busy between {@code earlier} and this, on a machine of {@code cores}. */
    double busyPercentSince(Jiffies earlier, int cores) {
      long total = this.total - earlier.total;
      return total <= 0 ? 0 : 100.0 * cores * (busy - earlier.busy) / total;
    }
  }

  /** {@code machine busy 187 % of 200 %, this client 41 %}; what is unknown is left out. */
  String describe() {
    String machine = machineBusy.map(b -> String.format("machine busy %.0f %% of %d %%", b, cores * 100))
        .orElse("machine busy unknown (no /proc/stat)");
    return machine + client.map(c -> String.format(", this client %.0f %%", c)).orElse("");
  }

  private static Optional<Jiffies> readMachine() {
    try {
      List<String> lines = Files.readAllLines(PROC_STAT);
      return lines.isEmpty() ? Optional.empty() : Optional.of(Jiffies.parse(lines.get(0)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // not Linux: only the client's own use is known
    }
  }

  private static long readProcessCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : -1;
  }
}
