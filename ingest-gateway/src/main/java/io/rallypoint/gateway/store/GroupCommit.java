package io.rallypoint.gateway.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Group commit: what is added while a write is in flight goes out together in the next one. An
 * idle caller's item is written at once, as before; under load the writes per item fall as the
 * load rises, with no timer and no wait beyond the write in flight.
 *
 * <p>A write holds at most {@code maxBatch} items. A partial batch waits for the writes in flight;
 * a full one goes at once, so when the writes slow down (a busy Redis) the items are still written
 * as fast as they come, in more writes at a time, instead of queueing behind one.
 *
 * @param <T> what is written
 */
final class GroupCommit<T> {

  private final Function<List<T>, CompletableFuture<?>> write;
  private final int maxBatch;
  private final ArrayDeque<Pending<T>> queue = new ArrayDeque<>();
  private int inFlight; // guarded by this, like queue

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
    List<Pending<T>> batch;
    synchronized (this) {
      queue.add(pending);
      batch = nextBatch();
    }
    if (batch != null) {
      write(batch);
    }
    return pending.written();
  }

  /** The batch to write now, if one is due: nothing in flight, or a full batch waiting. */
  private List<Pending<T>> nextBatch() {
    if (queue.isEmpty() || (inFlight > 0 && queue.size() < maxBatch)) {
      return null;
    }
    List<Pending<T>> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
    while (batch.size() < maxBatch && !queue.isEmpty()) {
      batch.add(queue.poll());
    }
    inFlight++;
    return batch;
  }

  private void write(List<Pending<T>> batch) {
    CompletableFuture<?> written;
    try {
      written = write.apply(batch.stream().map(Pending::item).toList());
    } catch (RuntimeException e) {
      written = CompletableFuture.failedFuture(e);
    }
    written.whenComplete((ignored, error) -> {
      List<Pending<T>> next;
      synchronized (this) {
        inFlight--;
        next = nextBatch();
      }
      for (Pending<T> p : batch) {
        if (error == null) {
          p.written().complete(null);
        } else {
          p.written().completeExceptionally(error);
        }
      }
      if (next != null) {
        write(next);
      }
    });
  }
}
