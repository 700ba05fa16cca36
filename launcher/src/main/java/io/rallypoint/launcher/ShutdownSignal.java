package io.rallypoint.launcher;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import sun.misc.Signal;

/**
 * Turns Ctrl-C (SIGINT) and SIGTERM into an orderly stop: the command's main thread wakes up,
 * closes what it started in order and exits 0, instead of the JVM exiting 130 mid-shutdown.
 */
final class ShutdownSignal {

  private final CompletableFuture<Void> received = new CompletableFuture<>();

  private ShutdownSignal() {}

  /** Installs the handlers; call before starting anything. */
  static ShutdownSignal install() {
    ShutdownSignal signal = new ShutdownSignal();
    for (String name : new String[] {"INT", "TERM"}) {
      Signal.handle(new Signal(name), s -> signal.received.complete(null));
    }
    return signal;
  }

  /**
   * Blocks until a signal arrives (returns normally) or one of the running services fails (throws
   * its failure), whichever comes first.
   */
  void await(List<CompletableFuture<Void>> failures) throws Exception {
    CompletableFuture<?>[] all = new CompletableFuture<?>[failures.size() + 1];
    all[0] = received;
    for (int i = 0; i < failures.size(); i++) {
      all[i + 1] = failures.get(i);
    }
    try {
      CompletableFuture.anyOf(all).get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
