package io.rallypoint.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

  /** A writer whose writes the test completes by hand. */
  private static final class Writes {
    final List<List<Integer>> batches = new ArrayList<>();
    final List<CompletableFuture<Void>> inFlight = new ArrayList<>();

    CompletableFuture<?> write(List<Integer> batch) {
      batches.add(batch);
      CompletableFuture<Void> f = new CompletableFuture<>();
      inFlight.add(f);
      return f;
    }
  }

  @Test
  void anIdleWriterWritesTheFirstItemAtOnce() {
    Writes writes = new Writes();
    GroupCommit<Integer> commit = new GroupCommit<>(writes::write, 100);

    CompletableFuture<Void> first = commit.add(1);

    assertThat(writes.batches).containsExactly(List.of(1));
    assertThat(first).isNotDone();
    writes.inFlight.get(0).complete(null);
    assertThat(first).isCompleted();
  }

  @Test
  void whatArrivesDuringAWriteGoesOutTogetherInOrderWhenItEnds() {
    Writes writes = new Writes();
    GroupCommit<Integer> commit = new GroupCommit<>(writes::write, 100);
    commit.add(1);
    List<CompletableFuture<Void>> waiting = List.of(commit.add(2), commit.add(3), commit.add(4));

    assertThat(writes.batches).hasSize(1); // one write in flight at a time
    writes.inFlight.get(0).complete(null);

    assertThat(writes.batches).containsExactly(List.of(1), List.of(2, 3, 4));
    assertThat(waiting).noneMatch(CompletableFuture::isDone);
    writes.inFlight.get(1).complete(null);
    assertThat(waiting).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
  }

  @Test
  void aFullBatchGoesOutWithoutWaitingForTheWritesInFlight() {
    Writes writes = new Writes();
    GroupCommit<Integer> commit = new GroupCommit<>(writes::write, 2);
    for (int i = 1; i <= 6; i++) {
      commit.add(i);
    }

    // 1 went alone; 2-3 and 4-5 filled batches while it was in flight; 6 waits for the writes in flight
    assertThat(writes.batches).containsExactly(List.of(1), List.of(2, 3), List.of(4, 5));
    writes.inFlight.get(1).complete(null);
    writes.inFlight.get(0).complete(null);
    assertThat(writes.batches).hasSize(3);
    writes.inFlight.get(2).complete(null);
    assertThat(writes.batches).containsExactly(List.of(1), List.of(2, 3), List.of(4, 5), List.of(6));
  }

  @Test
  void aFailedWriteFailsOnlyItsOwnItemsAndTheNextBatchStillGoesOut() {
    Writes writes = new Writes();
    GroupCommit<Integer> commit = new GroupCommit<>(writes::write, 100);
    CompletableFuture<Void> first = commit.add(1);
    CompletableFuture<Void> second = commit.add(2);

    writes.inFlight.get(0).completeExceptionally(new IllegalStateException("Redis went away"));
    assertThatThrownBy(first::join).isInstanceOf(CompletionException.class).hasMessageContaining("Redis went away");
    assertThat(second).isNotDone();
    writes.inFlight.get(1).complete(null);
    assertThat(second).isCompleted();
  }

  @Test
  void aWriterThatThrowsFailsTheBatchWithoutWedgingTheNextOnes() {
    List<List<Integer>> written = new ArrayList<>();
    GroupCommit<Integer> commit = new GroupCommit<>(batch -> {
      if (batch.contains(1)) {
        throw new IllegalArgumentException("cannot encode 1");
      }
      written.add(batch);
      return CompletableFuture.completedFuture(null);
    }, 100);

    assertThatThrownBy(commit.add(1)::join).hasMessageContaining("cannot encode 1");
    assertThat(commit.add(2)).isCompleted();
    assertThat(written).containsExactly(List.of(2));
  }

  @Test
  void itemsAddedFromManyThreadsAreEachWrittenOnceAndAllComplete() throws Exception {
    List<Integer> written = Collections.synchronizedList(new ArrayList<>());
    ExecutorService redis = Executors.newSingleThreadExecutor();
    GroupCommit<Integer> commit = new GroupCommit<>(batch -> CompletableFuture.runAsync(() -> written.addAll(batch),
        redis), 64);
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<Void>> all = Collections.synchronizedList(new ArrayList<>());
      for (int t = 0; t < 4; t++) {
        int from = t * 5_000;
        callers.execute(() -> {
          for (int i = from; i < from + 5_000; i++) {
            all.add(commit.add(i));
          }
        });
      }
      callers.shutdown();
      assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      assertThat(written).hasSize(20_000).doesNotHaveDuplicates();
    } finally {
      redis.shutdownNow();
    }
  }
}
