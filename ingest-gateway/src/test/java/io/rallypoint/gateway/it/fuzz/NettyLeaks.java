package io.rallypoint.gateway.it.fuzz;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Netty's leak reports in this JVM: a buffer that was collected without being released (its
 * detector samples buffers and logs {@code LEAK:} once it finds one of them collected). Watches the
 * detector's log from {@link #watch} on; {@link #collected} runs a GC and makes the detector look.
 */
final class NettyLeaks extends AppenderBase<ILoggingEvent> implements AutoCloseable {

  private final Logger detectorLog = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
  private final List<String> reports = new CopyOnWriteArrayList<>();

  private NettyLeaks() {}

  /** Starts watching, after the leaks of earlier tests in this JVM were reported (they are not counted). */
  static NettyLeaks watch() {
    NettyLeaks leaks = new NettyLeaks();
    leaks.setName("fuzz-leak-watch");
    leaks.start();
    leaks.detectorLog.addAppender(leaks);
    leaks.collected();
    leaks.reports.clear();
    return leaks;
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (event.getFormattedMessage().contains("LEAK")) {
      reports.add(event.getFormattedMessage().lines().findFirst().orElse(""));
    }
  }

  /**
   * The leaks reported once everything unreferenced is collected: the detector looks for collected
   * buffers each time it tracks a new one, so a few buffers are taken while it tracks every one.
   */
  List<String> collected() {
    for (int round = 0; round < 2; round++) {
      collectAndProcessReferences();
      probe();
    }
    return List.copyOf(reports);
  }

  /** A full GC, and its references handed to their queues (a sentinel's among them). */
  private static void collectAndProcessReferences() {
    ReferenceQueue<Object> queue = new ReferenceQueue<>();
    WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
    System.gc();
    try {
      if (queue.remove(10_000) != sentinel) {
        throw new IllegalStateException("the GC did not clear a weak reference within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void probe() {
    ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    try {
      for (int i = 0; i < 16; i++) {
        ByteBuf probe = ByteBufAllocator.DEFAULT.directBuffer(16);
        probe.release();
      }
    } finally {
      ResourceLeakDetector.setLevel(level);
    }
  }

  @Override
  public void close() {
    detectorLog.detachAppender(this);
    stop();
  }
}
