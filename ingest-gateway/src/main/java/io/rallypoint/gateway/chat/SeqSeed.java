package io.rallypoint.gateway.chat;

import io.rallypoint.gateway.deps.DependencyDown;
import io.rallypoint.gateway.kafka.UnpersistedMessages;
import io.rallypoint.gateway.store.ChatStore.Seed;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Where a conversation's seq counter restarts when Redis has none it trusts: a new conversation, or
 * Redis lost its data or may have (a restart with or without persistence, an older snapshot
 * restored, a failover to a replica, a flush: see accept.lua). When a dependency cannot be asked
 * it fails with {@link DependencyDown}, and the send is refused {@code unavailable} (the client
 * resends the same clientMsgId) rather than given a seq that may collide.
 *
 * <h2>What the seed covers</h2>
 * The seqs taken before the loss are in PostgreSQL (what the persister wrote) and in the
 * unpersisted tail of {@code chat.messages} (acked, not written yet: {@link UnpersistedMessages}).
 * The counter restarts {@code gap} above the highest of both, and the tail's seqs get their ack
 * bits again, so sync waits for them until the persister writes them instead of passing over them.
 * The gap is for what neither can show yet: messages accepted before the loss whose Kafka write
 * was still under way (at most {@code GATEWAY_KAFKA_TIMEOUT} old), and messages waiting in a retry
 * tier. A conversation with no message anywhere starts at 1. The seqs of the gap that no message
 * takes are holes without an ack bit, which sync passes over (see {@link SyncPlanner}).
 */
@FunctionalInterface
public interface SeqSeed {

  /** The seed of the conversation's counter; fails with {@link DependencyDown}. */
  CompletableFuture<Seed> of(String conversation);

  /** The real one: PostgreSQL's highest seq, the unpersisted tail from Kafka, on the blocking executor. */
  static SeqSeed recovering(MessageDao messages, UnpersistedMessages tail, int gap, Executor blocking) {
    return conversation -> CompletableFuture.supplyAsync(() -> {
      Optional<MessageDao.Last> stored = DependencyDown.postgres(() -> messages.last(conversation));
      UnpersistedMessages.Tail unpersisted = tail.of(conversation);
      long storedSeq = stored.map(MessageDao.Last::seq).orElse(0L);
      long known = Math.max(storedSeq, unpersisted.maxSeq());
      long sentAt = Math.max(stored.map(last -> last.sentAt().toEpochMilli()).orElse(0L),
          unpersisted.lastSentAtMillis());
      List<Long> ackedNotStored = unpersisted.seqs().stream().filter(seq -> seq > storedSeq).toList();
      return new Seed(known == 0 ? 0 : known + gap, sentAt, ackedNotStored);
    }, blocking);
  }

  /**
   * {@code seeds}, asked once per conversation at a time: every send that finds the conversation
   * without a trusted counter while its seed is being read waits for that same seed, instead of
   * each reading PostgreSQL and Kafka again (a new or just-flushed conversation under load would
   * otherwise start hundreds of reads at once). The shared seed is right for all of them: no
   * message of the conversation is acked while it has no counter, so what the first read finds
   * covers every acked one.
   */
  static SeqSeed oneAtATime(SeqSeed seeds) {
    Map<String, CompletableFuture<Seed>> reading = new ConcurrentHashMap<>();
    return conversation -> {
      CompletableFuture<Seed> mine = new CompletableFuture<>();
      CompletableFuture<Seed> running = reading.putIfAbsent(conversation, mine);
      if (running != null) {
        return running;
      }
      try {
        seeds.of(conversation).whenComplete((seed, error) -> {
          reading.remove(conversation, mine);
          if (error != null) {
            mine.completeExceptionally(error);
          } else {
            mine.complete(seed);
          }
        });
      } catch (RuntimeException e) {
        reading.remove(conversation, mine);
        mine.completeExceptionally(e);
      }
      return mine;
    };
  }
}
