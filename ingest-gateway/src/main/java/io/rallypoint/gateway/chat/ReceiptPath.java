package io.rallypoint.gateway.chat;

import io.rallypoint.gateway.connection.Connection;
import io.rallypoint.gateway.deps.ErrorReplies;
import io.rallypoint.gateway.fanout.Broadcast;
import io.rallypoint.gateway.kafka.TopicWriter;
import io.rallypoint.gateway.metrics.GatewayMetrics;
import io.rallypoint.gateway.store.ChatStore;
import io.rallypoint.gateway.store.ChatStore.ReceiptOutcome;
import io.rallypoint.schemas.event.ReceiptEvent;
import io.rallypoint.schemas.frame.ErrorCode;
import io.rallypoint.schemas.frame.OkFrame;
import io.rallypoint.schemas.frame.ReadFrame;
import io.rallypoint.schemas.frame.ReceiptFrame;
import io.rallypoint.schemas.json.FrameCodec;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Read receipts: the user's position moves forward atomically in Redis (never back), members on
 * every node get {@code receipt}, and the receipt goes to {@code chat.receipts}. A repeated read at
 * the same position is produced again (so a retry after {@code unavailable} reaches Kafka) but not
 * broadcast; a lower one is acknowledged and ignored.
 */
public final class ReceiptPath {

  private final ChatStore store;
  private final Broadcast local;
  private final TopicWriter topics;
  private final ErrorReplies replies;
  private final GatewayMetrics metrics;
  private final Clock clock;

  public ReceiptPath(ChatStore store, Broadcast local, TopicWriter topics, ErrorReplies replies,
      GatewayMetrics metrics, Clock clock) {
    this.store = store;
    this.local = local;
    this.topics = topics;
    this.replies = replies;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Handles a member's {@code read}; completes once the Redis script is issued. */
  public CompletionStage<Void> handle(Connection connection, ReadFrame read) {
    record(connection, read);
    return CompletableFuture.completedFuture(null);
  }

  private void record(Connection connection, ReadFrame read) {
    String frame = FrameCodec.encode(new ReceiptFrame(read.conversation(), connection.user(), read.seq()));
    store.recordReceipt(read.conversation(), connection.user(), read.seq(), frame)
        .thenCompose(outcome -> {
          if (outcome.move() == ReceiptOutcome.Move.PAST_LAST) {
            throw new PastLastMessage(read.seq(), outcome.seq());
          }
          if (outcome.move() == ReceiptOutcome.Move.BACKWARD) {
            return CompletableFuture.<Void>completedFuture(null);
          }
          if (outcome.move() == ReceiptOutcome.Move.FORWARD) {
            metrics.delivered(local.deliver(read.conversation(), frame, connection));
          }
          return topics.append(new ReceiptEvent(read.conversation(), connection.user(), read.seq(),
              clock.instant().truncatedTo(ChronoUnit.MILLIS)));
        })
        .whenComplete((ignored, error) -> {
          if (ErrorReplies.unwrap(error) instanceof PastLastMessage past) {
            connection.error(read.id(), ErrorCode.BAD_REQUEST, past.getMessage());
          } else if (error != null) {
            replies.unavailable(connection, read.id(), "the read receipt", error);
          } else if (read.id() != null) {
            connection.reply(new OkFrame(read.id()));
          }
        });
  }

  /** A read position after the conversation's last message: the client's mistake, not a dependency's. */
  private static final class PastLastMessage extends RuntimeException {
    PastLastMessage(long seq, long last) {
      super("seq " + seq + " is after the conversation's last message (seq " + last + ")", null, false, false);
    }
  }
}
