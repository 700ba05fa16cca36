package io.rallypoint.launcher;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a command started, closed in reverse order of start; one failing close does not skip the rest. */
final class Resources implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Resources.class);

  private final Deque<Named> started = new ArrayDeque<>();

  /** Registers a started resource and returns it. */
  <T extends AutoCloseable> T add(String name, T resource) {
    started.push(new Named(name, resource));
    return resource;
  }

  @Override
  public void close() {
    while (!started.isEmpty()) {
      Named next = started.pop();
      try {
        next.resource().close();
        LOG.info("Stopped {}", next.name());
      } catch (Exception e) {
        LOG.error("Stopping {} failed", next.name(), e);
      }
    }
  }

  private record Named(String name, AutoCloseable resource) {}
}
