package io.rallypoint.gateway.store;

import io.rallypoint.gateway.wire.ChatMessageWire;
import io.rallypoint.schemas.frame.ChatMessage;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The chat's hot state, each operation one round trip: accepting a message (idempotency, seq,
 * recent list, cross-node publish), marking it acked, read positions, and the recent messages
 * that serve most syncs. {@link RedisChatStore} is the real one.
 */
public interface ChatStore {

  /**
   * Accepts a message whose seq is not assigned yet, or finds the one already accepted under its
   * (sender, clientMsgId). A new message is also in the recent list and published to other nodes.
   * Empty, with nothing written, when the conversation has no seq counter the store trusts (a new
   * conversation, or the store lost or may have lost it): the caller computes the seed and calls
   * {@link #acceptSeeded}.
   */
  CompletableFuture<Optional<Accepted>> accept(ChatMessage unsequenced);

  /**
   * {@link #accept} after it found no counter it trusts: restarts the counter at {@code seed}
   * unless a trusted one exists by now, which then wins, and takes the next seq from it. Concurrent
   * callers, on any node, get consecutive seqs.
   */
  CompletableFuture<Accepted> acceptSeeded(ChatMessage unsequenced, Seed seed);

  /**
   * Where a conversation's seq counter restarts: {@code seq} (the next message gets the one after
   * it), the latest {@code sentAt} known (each new message is stamped after it), and the seqs Kafka
   * acked that PostgreSQL does not hold yet (sync waits for them again).
   */
  record Seed(long seq, long lastSentAtMillis, List<Long> ackedNotStored) {
    public Seed {
      if (seq < 0) {
        throw new IllegalArgumentException("a seq seed is at least 0, not " + seq);
      }
      ackedNotStored = List.copyOf(ackedNotStored);
    }
  }

  /**
   * Records that Kafka holds the message: a resend is answered without producing again, and sync
   * waits for its seq when it is missing from both the store and PostgreSQL.
   */
  CompletableFuture<Void> markAcked(ChatMessage message);

  /** Which of these seqs of the conversation Kafka acked. */
  CompletableFuture<Set<Long>> ackedAmong(String conversation, List<Long> seqs);

  /**
   * Moves the user's read position forward to {@code seq} (never back); when it moved, publishes
   * {@code receiptFrame} to the other nodes.
   */
  CompletableFuture<ReceiptOutcome> recordReceipt(String conversation, String user, long seq, String receiptFrame);

  /** The conversation's last assigned seq and its cached messages, oldest first. */
  CompletableFuture<Recent> recent(String conversation);

  /**
   * The outcome of {@link #accept}: {@code fresh} when this call minted it; the stored JSON either
   * way (of a message Kafka has acked, without its body and metadata, which an ack does not need);
   * {@code seededCounter} when this call also created the conversation's seq counter;
   * {@code decoded}, the message itself when it is known without decoding the JSON (a fresh one),
   * else null.
   */
  record Accepted(boolean fresh, boolean acked, String json, boolean seededCounter, ChatMessage decoded) {

    /** The message; decoded from its JSON unless it is already known (a fresh one). */
    public ChatMessage message() {
      return decoded != null ? decoded : ChatMessageWire.parse(json);
    }

    /** The {@code message} frame for this message, built without re-encoding it. */
    public String messageFrame() {
      return ChatMessageWire.messageFrame(json);
    }
  }

  /** Where a read receipt left the user's position. */
  record ReceiptOutcome(Move move, long seq) {
    /**
     * FORWARD: recorded and published; SAME: already there; BACKWARD: lower, ignored; PAST_LAST:
     * after the conversation's last message, refused ({@code seq} is then that last seq).
     */
    public enum Move {
      FORWARD, SAME, BACKWARD, PAST_LAST;

      static Move of(long code) {
        return code > 0 ? FORWARD : code == 0 ? SAME : code == -1 ? BACKWARD : PAST_LAST;
      }
    }
  }

  /** The conversation's last seq and its cached messages, oldest first. */
  record Recent(long headSeq, List<ChatMessage> messages) {
    public Recent {
      messages = List.copyOf(messages);
    }
  }
}
