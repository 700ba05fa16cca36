package io.rallypoint.gateway.it.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.client.frame.FrameClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A real member on a real WebSocket client who chats at a steady pace in its conversations while
 * the fuzz runs, as a phone does: each message with its own {@code clientMsgId}, sent again after
 * {@code retryAfterMs} when refused {@code rate_limited} or {@code unavailable}. It records its acks
 * and the other members' messages it receives, with when, for the checks at the end.
 */
final class ChattingMember implements Runnable {

  /** A message this member's phone sent, and where. */
  record Sent(String clientMsgId, String conversation) {}

  private record Resend(long dueAt, String clientMsgId) {}

  private final String user;
  private final FrameClient ws;
  private final List<String> conversations;
  private final Duration every;
  private final Consumer<String> violations;
  private final Map<String, Sent> sent = new HashMap<>();
  private final Map<String, Integer> acks = new HashMap<>();
  private final Map<String, Long> received = new HashMap<>();
  private final List<Long> receivedAt = new ArrayList<>();
  private final List<Long> ackedAt = new ArrayList<>();
  private final List<Long> sentAt = new ArrayList<>();
  /** Each attempt's request id to its message (only the member's own thread touches it). */
  private final Map<String, String> attemptsById = new HashMap<>();
  private volatile boolean sending = true;
  private volatile boolean stopped;
  private int attempts;

  ChattingMember(String user, FrameClient ws, List<String> conversations, Duration every, Consumer<String> violations) {
    this.user = user;
    this.ws = ws;
    this.conversations = List.copyOf(conversations);
    this.every = every;
    this.violations = violations;
  }

  String user() {
    return user;
  }

  List<String> conversations() {
    return conversations;
  }

  @Override
  public void run() {
    try {
      chat();
    } catch (RuntimeException e) {
      if (!stopped) {
        violations.accept(user + "'s connection failed while chatting: " + e);
      }
    }
  }

  private void chat() {
    PriorityQueue<Resend> resends = new PriorityQueue<>((a, b) -> Long.compare(a.dueAt(), b.dueAt()));
    long nextSend = System.nanoTime();
    int n = 0;
    while (!stopped) {
      long now = System.nanoTime();
      if (sending && now - nextSend >= 0) {
        String clientMsgId = UUID.randomUUID().toString();
        String conversation = conversations.get(n++ % conversations.size());
        synchronized (this) {
          sent.put(clientMsgId, new Sent(clientMsgId, conversation));
          sentAt.add(now);
        }
        send(clientMsgId, conversation);
        nextSend += every.toNanos();
      }
      while (!resends.isEmpty() && resends.peek().dueAt() - now <= 0) {
        String clientMsgId = resends.poll().clientMsgId();
        send(clientMsgId, sentMessage(clientMsgId).conversation());
      }
      long wait = Math.min(sending ? nextSend - now : Duration.ofMillis(50).toNanos(),
          resends.isEmpty() ? Long.MAX_VALUE : resends.peek().dueAt() - now);
      JsonNode frame = ws.poll(Duration.ofNanos(Math.max(1_000_000, Math.min(wait, 50_000_000)))).orElse(null);
      if (frame != null) {
        onFrame(frame, resends);
      }
    }
  }

  private void send(String clientMsgId, String conversation) {
    String id = user + "-" + ++attempts;
    attemptsById.put(id, clientMsgId);
    ws.send("{\"type\":\"send\",\"id\":\"" + id + "\",\"conversation\":\"" + conversation
        + "\",\"clientMsgId\":\"" + clientMsgId + "\",\"body\":\"" + user + " says hi\"}");
  }

  private void onFrame(JsonNode frame, PriorityQueue<Resend> resends) {
    String type = frame.path("type").asText();
    switch (type) {
      case "ack" -> {
        synchronized (this) {
          acks.merge(frame.path("clientMsgId").asText(), 1, Integer::sum);
          ackedAt.add(System.nanoTime());
        }
      }
      case "message" -> {
        String clientMsgId = frame.path("clientMsgId").asText();
        if (frame.path("sender").asText().equals(user)) {
          violations.accept(user + " received its own message on its only connection: " + frame);
          return;
        }
        synchronized (this) {
          if (received.put(clientMsgId, System.nanoTime()) != null) {
            violations.accept(user + " received message " + clientMsgId + " twice");
          }
          receivedAt.add(System.nanoTime());
        }
      }
      case "error" -> {
        String code = frame.path("code").asText();
        String clientMsgId = attemptsById.get(frame.path("id").asText());
        if ((code.equals("rate_limited") || code.equals("unavailable")) && clientMsgId != null) {
          resends.add(new Resend(System.nanoTime() + frame.path("retryAfterMs").asLong() * 1_000_000L, clientMsgId));
        } else {
          violations.accept(user + " had a message refused: " + frame);
        }
      }
      case "receipt", "typing", "presence", "location", "meetingPoint" -> { }
      default -> violations.accept(user + " received an unexpected frame: " + frame);
    }
  }

  private synchronized Sent sentMessage(String clientMsgId) {
    return clientMsgId == null ? null : sent.get(clientMsgId);
  }

  /** Stops starting new messages; resends of refused ones go on. */
  void stopSending() {
    sending = false;
  }

  void stop() {
    stopped = true;
  }

  synchronized List<Sent> sent() {
    return List.copyOf(sent.values());
  }

  synchronized int acks(String clientMsgId) {
    return acks.getOrDefault(clientMsgId, 0);
  }

  synchronized boolean hasReceived(String clientMsgId) {
    return received.containsKey(clientMsgId);
  }

  /** How long since the last message from the others (or since {@code since}, if later). */
  synchronized Duration silentFor(long since) {
    long last = receivedAt.isEmpty() ? since : Math.max(since, receivedAt.get(receivedAt.size() - 1));
    return Duration.ofNanos(System.nanoTime() - last);
  }

  synchronized int receivedCount() {
    return received.size();
  }

  /** The longest time without a message from the others between {@code from} and {@code to} (System.nanoTime). */
  synchronized Duration longestSilence(long from, long to) {
    long[] gap = longestGap(from, to);
    return Duration.ofNanos(gap[1] - gap[0]);
  }

  /** Where the longest silence was, from {@code from} in ms, and what this member sent and had acked meanwhile. */
  synchronized String silenceDetails(long from, long to) {
    long[] gap = longestGap(from, to);
    return user + " heard nothing from " + (gap[0] - from) / 1_000_000 + " to " + (gap[1] - from) / 1_000_000
        + " ms while it sent " + within(sentAt, gap) + " and had " + within(ackedAt, gap) + " acked";
  }

  private static long within(List<Long> times, long[] gap) {
    return times.stream().filter(t -> t >= gap[0] && t <= gap[1]).count();
  }

  private long[] longestGap(long from, long to) {
    long last = from;
    long[] longest = {from, from};
    for (long at : receivedAt) {
      if (at < from || at > to) {
        continue;
      }
      if (at - last > longest[1] - longest[0]) {
        longest = new long[] {last, at};
      }
      last = at;
    }
    if (to - last > longest[1] - longest[0]) {
      longest = new long[] {last, to};
    }
    return longest;
  }
}
