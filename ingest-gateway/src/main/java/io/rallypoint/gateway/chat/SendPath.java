package io.rallypoint.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.gateway.connection.Connection;
import io.rallypoint.gateway.deps.DependencyDown;
import io.rallypoint.gateway.deps.ErrorReplies;
import io.rallypoint.gateway.deps.InFlightLimit;
import io.rallypoint.gateway.fanout.Broadcast;
import io.rallypoint.gateway.fanout.ConversationLanes;
import io.rallypoint.gateway.kafka.TopicWriter;
import io.rallypoint.gateway.location.PinConsent;
import io.rallypoint.gateway.metrics.GatewayMetrics;
import io.rallypoint.gateway.store.ChatStore;
import io.rallypoint.gateway.store.ChatStore.Accepted;
import io.rallypoint.schemas.frame.AckFrame;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.frame.ErrorCode;
import io.rallypoint.schemas.frame.SendFrame;
import io.rallypoint.schemas.id.UuidV7;
import io.rallypoint.schemas.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The send path of a member (the caller wraps it in the membership check): validate -> pin
 * consent -> one Redis script (idempotency, seq, cache, publish) -> local broadcast -> Kafka ->
 * {@code ack}. A resend of an accepted {@code clientMsgId} gets the original ack; one whose Kafka
 * write failed is produced again with the same messageId and seq. The {@code ack} goes out once
 * Kafka has the message and its seq is marked acked in Redis. When the conversation has no seq
 * counter Redis trusts (new, or Redis lost it or may have), the script mints nothing; the counter
 * is restarted from its {@link SeqSeed} and the script run again.
 */
public final class SendPath {

  private static final Logger LOG = LoggerFactory.getLogger(SendPath.class);
  /**
   * How deep a message's metadata may nest arrays and objects (the metadata object is the first
   * level). A sync page serves each message two levels deeper than it came; without a bound, a
   * message the frame parser took (up to 1,000 levels) made every page holding it unreadable to a
   * client's parser, and so its conversation unsyncable.
   */
  public static final int MAX_METADATA_DEPTH = 32;

  private final ChatStore store;
  private final SeqSeed seqSeed;
  private final Broadcast local;
  private final ConversationLanes lanes;
  private final TopicWriter topics;
  private final PinConsent pins;
  private final ErrorReplies replies;
  private final GatewayMetrics metrics;
  private final int maxBodyChars;
  private final InFlightLimit redisAccepts;
  private final Clock clock;
  /** Sends waiting for Kafka on this node, by sender + clientMsgId: a resend joins the first attempt. */
  private final Map<String, CompletableFuture<ChatMessage>> inFlight = new ConcurrentHashMap<>();

  public SendPath(ChatStore store, SeqSeed seqSeed, Broadcast local, ConversationLanes lanes, TopicWriter topics,
      PinConsent pins, ErrorReplies replies, GatewayMetrics metrics, int maxBodyChars, int maxPendingAccepts,
      Clock clock) {
    this.store = store;
    this.seqSeed = seqSeed;
    this.local = local;
    this.lanes = lanes;
    this.topics = topics;
    this.pins = pins;
    this.replies = replies;
    this.metrics = metrics;
    this.maxBodyChars = maxBodyChars;
    this.redisAccepts = new InFlightLimit("Redis", maxPendingAccepts);
    this.clock = clock;
  }

  /** Handles a member's {@code send}; completes once the Redis script is issued (not answered). */
  public CompletionStage<Void> handle(Connection connection, SendFrame send) {
    long arrival = System.nanoTime();
    if (send.body().codePointCount(0, send.body().length()) > maxBodyChars) {
      connection.error(send.id(), ErrorCode.TOO_LARGE, "body is longer than " + maxBodyChars + " characters");
      return CompletableFuture.completedFuture(null);
    }
    if (send.metadata() != null && deeperThan(send.metadata(), MAX_METADATA_DEPTH)) {
      connection.error(send.id(), ErrorCode.BAD_REQUEST,
          "$.metadata: nests arrays and objects more than " + MAX_METADATA_DEPTH + " levels deep");
      return CompletableFuture.completedFuture(null);
    }
    if (!PinConsent.isPin(send)) {
      accept(connection, send, arrival);
      return CompletableFuture.completedFuture(null);
    }
    return pins.pinAllowed(connection, send)
        .thenAccept(refusal -> {
          if (refusal.isPresent()) {
            connection.reply(refusal.get());
          } else {
            accept(connection, send, arrival);
          }
        })
        .exceptionally(error -> {
          replies.unavailable(connection, send.id(), "the message", error);
          return null;
        });
  }

  /** Whether arrays and objects nest more than {@code limit} levels deep, the node itself being the first (no recursion). */
  private static boolean deeperThan(JsonNode node, int limit) {
    List<JsonNode> level = List.of(node);
    for (int depth = 1; !level.isEmpty(); depth++) {
      if (depth > limit) {
        return true;
      }
      List<JsonNode> next = new ArrayList<>();
      for (JsonNode container : level) {
        for (JsonNode child : container) {
          if (child.isContainerNode()) {
            next.add(child);
          }
        }
      }
      level = next;
    }
    return false;
  }

  private void accept(Connection connection, SendFrame send, long arrival) {
    String key = connection.user() + "\u0000" + send.clientMsgId();
    CompletableFuture<ChatMessage> outcome = new CompletableFuture<>();
    CompletableFuture<ChatMessage> earlier = inFlight.putIfAbsent(key, outcome);
    CompletableFuture<ChatMessage> answer = earlier != null ? earlier : outcome;
    // the ack is encoded on the connection's own loop, not on the Kafka or Redis thread that completes it
    answer.whenCompleteAsync((message, error) -> {
      if (error != null) {
        replies.unavailable(connection, send.id(), "the message", error);
      } else {
        connection.reply(new AckFrame(send.id(), message.clientMsgId(), message.messageId(), message.seq(),
            message.sentAt()));
        metrics.acked(Duration.ofNanos(System.nanoTime() - arrival));
      }
    }, connection.channel().eventLoop());
    if (earlier != null) {
      metrics.resent();
      return;
    }
    outcome.whenComplete((m, e) -> inFlight.remove(key, outcome));
    ChatMessage unsequenced = new ChatMessage(send.conversation(), UuidV7.next().toString(), 0, connection.user(),
        send.clientMsgId(), send.body(), send.metadata() == null ? Json.object() : send.metadata(),
        clock.instant().truncatedTo(ChronoUnit.MILLIS));
    redisAccepts.call(() -> store.accept(unsequenced))
        .thenCompose(accepted -> accepted.isPresent()
            ? CompletableFuture.completedFuture(accepted.get())
            : acceptSeeded(unsequenced))
        .whenCompleteAsync((accepted, error) -> {
          if (error != null) {
            Throwable cause = ErrorReplies.unwrap(error); // DependencyDown: the seed read; else Redis failed
            outcome.completeExceptionally(cause instanceof DependencyDown ? cause : new DependencyDown("Redis", cause));
            return;
          }
          try {
            afterAccept(connection, accepted, outcome);
          } catch (RuntimeException e) {
            outcome.completeExceptionally(e);
          }
        }, lanes.of(send.conversation())); // off the Redis connection's thread, in seq order per conversation
  }

  /**
   * The conversation has no seq counter Redis trusts: restarts it from its {@link SeqSeed} (no
   * query on the common path; PostgreSQL or Kafka down fails the send, unavailable) and accepts the
   * message again.
   */
  private CompletableFuture<Accepted> acceptSeeded(ChatMessage unsequenced) {
    String conversation = unsequenced.conversation();
    return seqSeed.of(conversation).thenCompose(seed -> store.acceptSeeded(unsequenced, seed)
        .thenApply(accepted -> {
          if (accepted.seededCounter() && seed.seq() > 0) {
            metrics.seqCounterRestored();
            LOG.warn("conversation {} had messages but no seq counter this Redis process trusts (it restarted,"
                + " failed over or lost its data): restarted the counter after seq {}, {} acked messages still"
                + " to be stored", conversation, seed.seq(), seed.ackedNotStored().size());
          }
          return accepted;
        }));
  }

  private void afterAccept(Connection connection, Accepted accepted, CompletableFuture<ChatMessage> outcome) {
    ChatMessage message = accepted.message();
    if (accepted.fresh()) {
      metrics.accepted();
      metrics.delivered(local.deliverMessage(message.conversation(), accepted.messageFrame(),
          message.sentAt().toEpochMilli(), connection));
    } else {
      metrics.resent();
    }
    if (accepted.acked()) {
      outcome.complete(message);
      return;
    }
    // new, or accepted before but Kafka never confirmed it: produce the same message (again)
    topics.appendMessage(message.conversation(), accepted.json()).whenComplete((ignored, error) -> {
      if (error != null) {
        outcome.completeExceptionally(error);
        return;
      }
      // ack only once the ack bit is set, so sync waits for this seq if it goes missing; if Redis
      // fails here the client gets unavailable and its resend produces the same message again
      // (the persister's unique keys absorb the duplicate)
      store.markAcked(message).whenComplete((marked, markError) -> {
        if (markError != null) {
          outcome.completeExceptionally(new DependencyDown("Redis", ErrorReplies.unwrap(markError)));
        } else {
          outcome.complete(message);
        }
      });
    });
  }
}
