package io.rallypoint.gateway.typing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A {@link LapseTimer} whose time moves only when the test says so. */
final class ManualTimer implements LapseTimer {

  private final List<Task> tasks = new ArrayList<>();
  private long now;
  private long order;

  private static final class Task {
    final long dueAt;
    final long order;
    final Runnable run;
    boolean cancelled;

    Task(long dueAt, long order, Runnable run) {
      this.dueAt = dueAt;
      this.order = order;
      this.run = run;
    }
  }

  @Override
  public synchronized Runnable after(Duration delay, Runnable task) {
    Task t = new Task(now + delay.toNanos(), order++, task);
    tasks.add(t);
    return () -> t.cancelled = true;
  }

  /** Moves time forward, running every task that falls due on the way, in due order. */
  void advance(Duration by) {
    long until = now + by.toNanos();
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.stream().filter(t -> !t.cancelled && t.dueAt <= until)
            .min(Comparator.<Task>comparingLong(t -> t.dueAt).thenComparingLong(t -> t.order)).orElse(null);
        if (next == null) {
          now = until;
          return;
        }
        tasks.remove(next);
        now = next.dueAt;
      }
      next.run.run();
    }
  }

  /** Tasks scheduled and neither run nor cancelled. */
  synchronized long pending() {
    return tasks.stream().filter(t -> !t.cancelled).count();
  }
}
