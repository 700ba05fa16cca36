package io.rallypoint.gateway.it;

import static io.rallypoint.gateway.it.Gateways.send;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.client.frame.FrameClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client sending messages one after the other on its own thread, resending each (same
 * clientMsgId) until it is acked, backing off after a refusal as a client does.
 */
final class SteadySender {

  /** messageId -> seq of every acked message. */
  final Map<String, Long> ackedSeqs = new ConcurrentHashMap<>();
  final AtomicInteger acks = new AtomicInteger();
  /** Every refusal seen, for the failure message. */
  final List<String> refusals = new CopyOnWriteArrayList<>();
  /** Completes when all are acked; fails as the sender failed. */
  final CompletableFuture<Void> sent = new CompletableFuture<>();

  private SteadySender() {}

  /** Starts sending {@code count} messages from {@code client} to {@code conversation}. */
  static SteadySender start(FrameClient client, String conversation, int count) {
    SteadySender sender = new SteadySender();
    Thread.ofVirtual().start(() -> {
      try {
        for (int i = 0; i < count; i++) {
          String frame = send("m" + i, conversation, UUID.randomUUID().toString(), "steady " + i);
          JsonNode reply = client.untilAnswered(frame, "ack", sender.refusals, Duration.ofSeconds(120));
          sender.ackedSeqs.put(reply.path("messageId").asText(), reply.path("seq").asLong());
          sender.acks.incrementAndGet();
        }
        sender.sent.complete(null);
      } catch (Throwable e) {
        sender.sent.completeExceptionally(e);
      }
    });
    return sender;
  }

  /** Whether it has finished or has at least {@code acked} acks. */
  boolean doneOrAcked(int acked) {
    return sent.isDone() || acks.get() >= acked;
  }
}
