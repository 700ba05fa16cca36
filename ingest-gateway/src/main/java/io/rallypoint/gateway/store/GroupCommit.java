package io.rallypoint.gateway.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Group commit: at most one write in flight; whatever is added meanwhile goes out together in the
 * next one (up to {@code maxBatch}). An idle caller's item is written at once, as before; under load
 * the writes per item fall with the load, with no timer and no added wait beyond the write in flight.
 *
 * @param <T> what is written
 */
final class GroupCommit<T> {

  private final Function<List<T>, CompletableFuture<?>> write;
  private final int maxBatch;
  private final Queue<Pending<T>> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean writing = new AtomicBoolean();

  /** {@code write} writes one batch, in the order added; it completes when the batch is durable. */
  GroupCommit(Function<List<T>, CompletableFuture<?>> write, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1, not " + maxBatch);
    }
    this.write = write;
    this.maxBatch = maxBatch;
  }

  private record Pending<T>(T item, CompletableFuture<Void> written) {}

  /** Completes when the write holding {@code item} completed, or fails as it failed. */
  CompletableFuture<Void> add(T item) {
    Pending<T> pending = new Pending<>(item, new CompletableFuture<>());
    queue.add(pending);
    writeNext();
    return pending.written();
  }

  /** Starts the next write unless one is in flight; the one in flight starts it when it ends. */
  private void writeNext() {
    while (!queue.isEmpty() && writing.compareAndSet(false, true)) {
      List<Pending<T>> batch = new ArrayList<>();
      for (Pending<T> p; batch.size() < maxBatch && (p = queue.poll()) != null; ) {
        batch.add(p);
      }
      if (batch.isEmpty()) {
        writing.set(false); // another thread took them: look again
        continue;
      }
      CompletableFuture<?> written;
      try {
        written = write.apply(batch.stream().map(Pending::item).toList());
      } catch (RuntimeException e) {
        written = CompletableFuture.failedFuture(e);
      }
      written.whenComplete((ignored, error) -> {
        writing.set(false);
        for (Pending<T> p : batch) {
          if (error == null) {
            p.written().complete(null);
          } else {
            p.written().completeExceptionally(error);
          }
        }
        writeNext();
      });
      return;
    }
  }
}
