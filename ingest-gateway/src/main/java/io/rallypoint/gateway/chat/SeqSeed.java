package io.rallypoint.gateway.chat;

import io.rallypoint.gateway.deps.DependencyDown;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Where a conversation's seq counter restarts when Redis does not have it: after the highest seq
 * PostgreSQL holds for the conversation (0 for a new conversation, whose first message is seq 1).
 * Read on the blocking executor; when PostgreSQL cannot be asked it fails with
 * {@link DependencyDown}, and the send is refused {@code unavailable} (the client resends the same
 * clientMsgId) rather than given a seq that may collide.
 *
 * <h2>Why PostgreSQL, and what it cannot know</h2>
 * When Redis loses its data (a restart without persistence, a flush), the counter goes together with
 * everything else the gateway kept there: recent messages, idempotency entries, ack bits. What is
 * left that knows a conversation's seqs is PostgreSQL, which answers with one indexed read, and
 * Kafka, where finding one conversation's last seq means reading its partition (shared with other
 * conversations) backwards with no bound, on the send path. So PostgreSQL it is.
 *
 * <p>It misses the messages acked before the loss that the persister had not written yet. They
 * are safe in Kafka and the persister writes them later, but their seqs are above the seed, so the
 * first messages sent after the loss reuse those seqs. The older message is earlier in the
 * conversation's partition, so the persister stores it and refuses the newer one as a seq
 * collision (dead-lettered): that newer message was acked to its sender and broadcast to the members
 * online then, but sync never returns it. The exposure is the persister's lag at the moment of the
 * loss (nothing for a conversation that was idle), where a counter restarting at 1 lost every
 * message sent until it passed the conversation's old top seq. A counter that survived but is
 * behind (Redis restored from an older snapshot, failover to a lagging replica) is not missing,
 * so it is not noticed at all.
 *
 * <p>Skipping ahead (seed plus a margin) would make room for them, at the price of seqs that no
 * message may ever take: holes, for good, where sync relies on contiguous seqs ({@link SyncPlanner}
 * ends a page at an acked hole until its message arrives, and passes over a hole without an ack
 * bit for good). After the loss no hole has an ack bit, so clients would pass over the margin and
 * miss any pre-loss message the persister writes into it afterwards. The seed is therefore exactly
 * the highest stored seq: no gap, and a collision only where a message was still on its way.
 */
@FunctionalInterface
public interface SeqSeed {

  /** The highest seq PostgreSQL holds for the conversation (0 when none); fails with {@link DependencyDown}. */
  CompletableFuture<Long> of(String conversation);

  /** The real one: one indexed read of {@code messages} on the blocking executor. */
  static SeqSeed fromPostgres(MessageDao messages, Executor blocking) {
    return conversation -> DependencyDown.postgresAsync(() -> messages.highestSeq(conversation), blocking);
  }
}
