package io.rallypoint.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class CpuUseTest {

  @Test
  void idleAndIowaitAreIdleAndTheRestUpToStealIsBusy() {
    // user nice system idle iowait irq softirq steal guest guest_nice
    CpuUse.Jiffies j = CpuUse.Jiffies.parse("cpu  100 5 20 1000 30 1 4 10 50 0");

    assertThat(j.total()).isEqualTo(100 + 5 + 20 + 1000 + 30 + 1 + 4 + 10);
    assertThat(j.busy()).isEqualTo(100 + 5 + 20 + 1 + 4 + 10);
  }

  @Test
  void busyIsInPercentOfOneCore() {
    CpuUse.Jiffies before = new CpuUse.Jiffies(1_000, 10_000);
    // 2 cores, 400 ticks passed in all, 300 of them busy: 1.5 cores
    CpuUse.Jiffies after = new CpuUse.Jiffies(1_300, 10_400);

    assertThat(after.busyPercentSince(before, 2)).isCloseTo(150.0, within(1e-9));
    assertThat(before.busyPercentSince(before, 2)).isZero();
  }

  @Test
  void aLineThatIsNotTheCpuTotalIsRefused() {
    assertThatThrownBy(() -> CpuUse.Jiffies.parse("cpu0 1 2 3 4 5")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CpuUse.Jiffies.parse("intr 12 3")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theDescriptionLeavesOutWhatIsUnknown() {
    assertThat(new CpuUse(Optional.of(187.4), Optional.of(41.2), 2).describe())
        .isEqualTo("machine busy 187 % of 200 %, this client 41 %");
    assertThat(new CpuUse(Optional.empty(), Optional.of(41.2), 2).describe())
        .isEqualTo("machine busy unknown (no /proc/stat), this client 41 %");
  }

  @Test
  void aSampledWindowOfBusyWorkShowsTheClientBusy() {
    CpuUse.Sample start = CpuUse.Sample.take();
    long until = System.nanoTime() + 200_000_000L;
    long spins = 0;
    while (System.nanoTime() < until) {
      spins++;
    }
    CpuUse use = start.until(CpuUse.Sample.take());

    // one thread spun the whole window: this process used most of a core (allowing for a busy machine)
    assertThat(spins).isPositive();
    assertThat(use.client()).hasValueSatisfying(c -> assertThat(c).isGreaterThan(30.0));
    use.machineBusy().ifPresent(m -> assertThat(m).isGreaterThan(30.0));
  }
}
