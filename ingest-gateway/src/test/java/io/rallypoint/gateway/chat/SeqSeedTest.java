package io.rallypoint.gateway.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.rallypoint.gateway.deps.DependencyDown;
import io.rallypoint.gateway.store.ChatStore.Seed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class SeqSeedTest {

  /** A seed source whose reads the test completes by hand, counting them per conversation. */
  private static final class HeldReads implements SeqSeed {
    final Map<String, List<CompletableFuture<Seed>>> reads = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<Seed> of(String conversation) {
      CompletableFuture<Seed> read = new CompletableFuture<>();
      reads.computeIfAbsent(conversation, c -> new ArrayList<>()).add(read);
      return read;
    }
  }

  @Test
  void sendsThatFindNoCounterWhileItsSeedIsReadShareThatOneRead() {
    HeldReads reads = new HeldReads();
    SeqSeed seeds = SeqSeed.oneAtATime(reads);

    // Given 300 sends of one conversation and one of another, while the seeds are being read
    List<CompletableFuture<Seed>> ride = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      ride.add(seeds.of("ride"));
    }
    CompletableFuture<Seed> walk = seeds.of("walk");

    // Then each conversation's seed is read once
    assertThat(reads.reads.get("ride")).hasSize(1);
    assertThat(reads.reads.get("walk")).hasSize(1);

    // And when it comes, every waiting send gets it
    Seed seed = new Seed(105, 1_700_000_000_000L, List.of(4L, 5L));
    reads.reads.get("ride").getFirst().complete(seed);
    assertThat(ride).allSatisfy(f -> assertThat(f).isCompletedWithValue(seed));
    assertThat(walk).isNotDone();

    // And a later send (say after another loss) reads anew
    seeds.of("ride");
    assertThat(reads.reads.get("ride")).hasSize(2);
  }

  @Test
  void aFailedReadFailsItsWaitersAndTheNextSendTriesAgain() {
    HeldReads reads = new HeldReads();
    SeqSeed seeds = SeqSeed.oneAtATime(reads);
    CompletableFuture<Seed> first = seeds.of("ride");
    CompletableFuture<Seed> second = seeds.of("ride");
    reads.reads.get("ride").getFirst().completeExceptionally(new DependencyDown("Kafka", new RuntimeException("down")));
    assertThat(first).isCompletedExceptionally();
    assertThat(second).isCompletedExceptionally();

    seeds.of("ride");
    assertThat(reads.reads.get("ride")).hasSize(2);
  }
}
