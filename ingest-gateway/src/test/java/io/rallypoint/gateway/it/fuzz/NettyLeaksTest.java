package io.rallypoint.gateway.it.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The fuzz run's leak check can fail: a buffer dropped without release is reported. */
class NettyLeaksTest {

  @Test
  void buffersDroppedWithoutReleaseAreReportedAndReleasedOnesAreNot() {
    try (NettyLeaks leaks = NettyLeaks.watch()) {
      // Given buffers taken and released
      for (int i = 0; i < 2_000; i++) {
        ByteBuf released = ByteBufAllocator.DEFAULT.directBuffer(64);
        released.writeInt(i).release();
      }
      assertThat(leaks.collected()).isEmpty();

      // When buffers are dropped without release (the detector samples one in 128)
      for (int i = 0; i < 2_000; i++) {
        ByteBufAllocator.DEFAULT.directBuffer(64).writeInt(i);
      }

      // Then once they are collected, the detector reports them
      assertThat(leaks.collected()).isNotEmpty().allMatch(report -> report.contains("LEAK"));
    }
  }
}
