package io.rallypoint.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CPU used during a measured window, in percent of one core (so 200 % is two cores busy): the
 * whole machine's and this bench process's own. The bench shares the machine with what it
 * measures; these say how much of it was left, and how much the client itself took.
 *
 * <p>The machine's figure is the sum of every process's own CPU time ({@code utime + stime} of each
 * {@code /proc/<pid>/stat}), which the kernel keeps from its scheduler's exact run time. The
 * machine-wide counters of {@code /proc/stat} are not used: they are sampled at each timer tick,
 * and a load paced by timers, as this bench's is, runs between the ticks. On a 2-core VM the same
 * run read 20 % there one time and 95 % the next while the process alone used 50 %.
 *
 * @param machineBusy percent of one core all processes used, empty where {@code /proc} is missing
 * @param client      percent of one core this process used, empty where the JVM does not tell
 * @param cores       the machine's cores (100 % each)
 */
record CpuUse(Optional<Double> machineBusy, Optional<Double> client, int cores) {

  private static final Path PROC = Path.of("/proc");
  /** The unit of {@code /proc/<pid>/stat} times: USER_HZ, 100 on every Linux this runs on. */
  private static final long TICKS_PER_SECOND = 100;

  /** The counters at one instant; {@link #until} turns two of them into a {@link CpuUse}. */
  record Sample(long wallNanos, Optional<ProcessTicks> machine, long processCpuNanos) {

    /** Now. */
    static Sample take() {
      return new Sample(System.nanoTime(), ProcessTicks.read(PROC), readProcessCpuNanos());
    }

    /** The use from this sample until {@code later}. */
    CpuUse until(Sample later) {
      long wall = later.wallNanos - wallNanos;
      Optional<Double> busy = wall <= 0 ? Optional.empty()
          : machine.flatMap(a -> later.machine.map(b -> 100.0 * b.ticksSince(a) / TICKS_PER_SECOND * 1e9 / wall));
      Optional<Double> client = processCpuNanos < 0 || later.processCpuNanos < 0 || wall <= 0
          ? Optional.empty()
          : Optional.of(100.0 * (later.processCpuNanos - processCpuNanos) / wall);
      return new CpuUse(busy, client, machineCores());
    }
  }

  /** The CPU time, in ticks, each process on the machine has used so far, by pid. */
  record ProcessTicks(Map<Integer, Long> byPid) {

    /** Every process under {@code proc}; empty where there is no such directory (not Linux). */
    static Optional<ProcessTicks> read(Path proc) {
      Map<Integer, Long> byPid = new HashMap<>();
      try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, p -> p.getFileName().toString().matches("\\d+"))) {
        for (Path pid : pids) {
          try {
            byPid.put(Integer.parseInt(pid.getFileName().toString()), ticks(Files.readString(pid.resolve("stat"))));
          } catch (IOException | RuntimeException gone) {
            // the process ended between the listing and the read: it counts in neither sample
          }
        }
      } catch (IOException | RuntimeException e) {
        return Optional.empty();
      }
      return byPid.isEmpty() ? Optional.empty() : Optional.of(new ProcessTicks(Map.copyOf(byPid)));
    }

    /**
     * {@code utime + stime} of one {@code /proc/<pid>/stat}: fields 14 and 15, counted from after
     * the command name, which is in parentheses and may itself hold spaces and parentheses.
     */
    static long ticks(String stat) {
      int close = stat.lastIndexOf(')');
      if (close < 0) {
        throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
      }
      String[] fields = stat.substring(close + 1).trim().split("\\s+");
      if (fields.length < 13) {
        throw new IllegalArgumentException("too few fields in /proc/<pid>/stat: " + stat);
      }
      // fields[0] is field 3 (state), so utime (14) and stime (15) are fields[11] and fields[12]
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * The ticks used since {@code earlier}: each process's growth, and all of a process that is new.
     * A pid whose count went down is a new process under a reused pid. What processes that ended in
     * between used is lost; a bench window is short and its processes long-lived.
     */
    long ticksSince(ProcessTicks earlier) {
      long sum = 0;
      for (Map.Entry<Integer, Long> now : byPid.entrySet()) {
        long before = earlier.byPid.getOrDefault(now.getKey(), 0L);
        sum += now.getValue() >= before ? now.getValue() - before : now.getValue();
      }
      return sum;
    }
  }

  /** {@code machine busy 187 % of 200 %, this client 41 %}; what is unknown is left out. */
  String describe() {
    String machine = machineBusy.map(b -> String.format("machine busy %.0f %% of %d %%", b, cores * 100))
        .orElse("machine busy unknown (no /proc)");
    return machine + client.map(c -> String.format(", this client %.0f %%", c)).orElse("");
  }

  /**
   * The machine's cores: the {@code cpuN} lines of {@code /proc/stat}. A JVM limited by a container
   * reports fewer in availableProcessors(), but every process on the host is summed.
   */
  static int cores(List<String> procStat) {
    return (int) procStat.stream().filter(line -> line.matches("cpu\\d+\\s.*")).count();
  }

  private static int machineCores() {
    try {
      int cores = cores(Files.readAllLines(PROC.resolve("stat")));
      if (cores > 0) {
        return cores;
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the JVM's own count
    }
    return Runtime.getRuntime().availableProcessors();
  }

  private static long readProcessCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : -1;
  }
}
