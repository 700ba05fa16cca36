package io.rallypoint.gateway.typing;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Runs a task after a delay unless it is cancelled first; the seam that lets tests move time by hand. */
@FunctionalInterface
public interface LapseTimer {

  /** Schedules {@code task}; the returned handle cancels it (no effect once it ran). */
  Runnable after(Duration delay, Runnable task);

  /** A timer on a scheduler (an event loop of the node). */
  static LapseTimer on(ScheduledExecutorService scheduler) {
    return (delay, task) -> {
      ScheduledFuture<?> scheduled = scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
      return () -> scheduled.cancel(false);
    };
  }
}
