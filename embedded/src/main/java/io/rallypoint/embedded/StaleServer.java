package io.rallypoint.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a server left running by a previous run that was killed before it could stop its children
 * (PostgreSQL and Redis run as child processes): its pid file names it, and it would keep the port
 * and the data directory locked.
 */
final class StaleServer {

  private static final Logger LOG = LoggerFactory.getLogger(StaleServer.class);

  private StaleServer() {}

  /** Stops the process named on the first line of {@code pidFile} if it runs and its command contains {@code program}. */
  static void stopIfRunning(Path pidFile, String program) {
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid;
    try {
      List<String> lines = Files.readAllLines(pidFile);
      if (lines.isEmpty()) {
        return;
      }
      pid = Long.parseLong(lines.get(0).trim());
    } catch (IOException | NumberFormatException e) {
      return;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.contains(program)).orElse(false));
    if (process.isEmpty()) {
      return;
    }
    LOG.warn("Stopping {} (pid {}) left running by an earlier run", program, pid);
    process.get().destroy();
    try {
      process.get().onExit().get(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      process.get().destroyForcibly();
    }
  }
}
