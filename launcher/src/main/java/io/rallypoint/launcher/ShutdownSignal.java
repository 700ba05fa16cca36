package io.rallypoint.launcher;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * Turns Ctrl-C (SIGINT) and SIGTERM into an orderly stop: the command's main thread wakes up,
 * closes what it started in order and exits 0, instead of the JVM exiting 130 mid-shutdown.
 */
final class ShutdownSignal {

  private final CountDownLatch received = new CountDownLatch(1);

  private ShutdownSignal() {}

  /** Installs the handlers; call before starting anything. */
  static ShutdownSignal install() {
    ShutdownSignal signal = new ShutdownSignal();
    for (String name : new String[] {"INT", "TERM"}) {
      Signal.handle(new Signal(name), s -> signal.received.countDown());
    }
    return signal;
  }

  /** Blocks until a signal arrives. */
  void await() throws InterruptedException {
    received.await();
  }
}
