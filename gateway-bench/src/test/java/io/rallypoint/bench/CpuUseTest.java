package io.rallypoint.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuUseTest {

  @Test
  void aProcessesTicksAreItsUserAndSystemTime() {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    String stat = "4242 (java) S 1 4242 4242 0 -1 4194560 9061 0 12 0 1500 320 0 0 20 0 57 0 400 0";

    assertThat(CpuUse.ProcessTicks.ticks(stat)).isEqualTo(1500 + 320);
  }

  @Test
  void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
    String stat = "77 (tmux: server) (x)) R 1 77 77 0 -1 0 0 0 0 0 40 2 0 0 20 0 1 0 10 0";

    assertThat(CpuUse.ProcessTicks.ticks(stat)).isEqualTo(42);
  }

  @Test
  void somethingThatIsNotAStatLineIsRefused() {
    assertThatThrownBy(() -> CpuUse.ProcessTicks.ticks("cpu 1 2 3 4")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CpuUse.ProcessTicks.ticks("1 (short) S 1 2")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theTicksSinceCountGrowthNewProcessesAndReusedPidsButNotTheDead() {
    CpuUse.ProcessTicks before = new CpuUse.ProcessTicks(Map.of(1, 100L, 2, 500L, 3, 70L));
    // 1 grew by 30; 2 ended; 3 is a new process under a reused pid (10); 4 is new (5)
    CpuUse.ProcessTicks after = new CpuUse.ProcessTicks(Map.of(1, 130L, 3, 10L, 4, 5L));

    assertThat(after.ticksSince(before)).isEqualTo(30 + 10 + 5);
    assertThat(before.ticksSince(before)).isZero();
  }

  @Test
  void everyProcessUnderProcIsReadAndWhatIsNotAPidIsSkipped(@TempDir Path proc) throws Exception {
    for (String pid : List.of("1", "250")) {
      Files.createDirectories(proc.resolve(pid));
      Files.writeString(proc.resolve(pid).resolve("stat"),
          pid + " (p" + pid + ") S 0 0 0 0 -1 0 0 0 0 0 " + pid + " 1 0 0 20 0 1 0 1 0");
    }
    Files.createDirectories(proc.resolve("self"));
    Files.createDirectories(proc.resolve("999")); // ended: no stat left

    assertThat(CpuUse.ProcessTicks.read(proc)).contains(new CpuUse.ProcessTicks(Map.of(1, 2L, 250, 251L)));
    assertThat(CpuUse.ProcessTicks.read(proc.resolve("missing"))).isEmpty();
  }

  @Test
  void theCoresAreTheCpuNLinesOfProcStat() {
    // a host of 4 cores: a container limited to 2 would see availableProcessors() == 2
    assertThat(CpuUse.cores(List.of(
        "cpu  4 0 0 4 0 0 0 0 0 0",
        "cpu0 1 0 0 1 0 0 0 0 0 0",
        "cpu1 1 0 0 1 0 0 0 0 0 0",
        "cpu2 1 0 0 1 0 0 0 0 0 0",
        "cpu3 1 0 0 1 0 0 0 0 0 0",
        "ctxt 99"))).isEqualTo(4);
  }

  @Test
  void theDescriptionLeavesOutWhatIsUnknown() {
    assertThat(new CpuUse(Optional.of(187.4), Optional.of(41.2), 2).describe())
        .isEqualTo("machine busy 187 % of 200 %, this client 41 %");
    assertThat(new CpuUse(Optional.empty(), Optional.of(41.2), 2).describe())
        .isEqualTo("machine busy unknown (no /proc), this client 41 %");
  }

  @Test
  void aSampledWindowOfBusyWorkShowsTheClientAndTheMachineBusy() {
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long wallStart = System.nanoTime();
    long threadStart = threads.getCurrentThreadCpuTime();
    CpuUse.Sample start = CpuUse.Sample.take();
    long until = System.nanoTime() + 300_000_000L;
    long spins = 0;
    while (System.nanoTime() < until) {
      spins++;
    }
    CpuUse use = start.until(CpuUse.Sample.take());
    double spun = 100.0 * (threads.getCurrentThreadCpuTime() - threadStart) / (System.nanoTime() - wallStart);

    // one thread spun the whole window: the process, which holds that thread, used at least the
    // share of a core the JVM itself counts for it (however busy the machine is; 100 Hz ticks
    // allow a few percent), and the machine, which includes this process, at least about as much
    assertThat(spins).isPositive();
    assertThat(spun).isPositive();
    assertThat(use.client()).hasValueSatisfying(c -> assertThat(c).isGreaterThan(spun - 10));
    use.machineBusy().ifPresent(m -> assertThat(m).isGreaterThan(use.client().orElseThrow() - 15));
  }
}
