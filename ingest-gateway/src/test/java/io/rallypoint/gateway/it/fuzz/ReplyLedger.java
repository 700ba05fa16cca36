package io.rallypoint.gateway.it.fuzz;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What one fuzz connection sent and what the gateway answered: each text message whose JSON
 * (read as any parser reads it) carries a string {@code id} is owed exactly one reply with that id
 * ({@code typing}, which is not answered when accepted, and ids too long to be valid, at most one),
 * of a type that fits the request; a reply to an id never sent, a second reply, a reply that does
 * not fit, or a success for a frame that must fail is a violation, reported to {@code violations}.
 * It also holds the evidence that justifies a close for sustained abuse (PROTOCOL 1.7), judged by
 * the replies, never by the client's clock alone.
 */
public final class ReplyLedger {

  static final Set<String> ERROR_CODES = Set.of("bad_request", "too_large", "forbidden", "consent_required",
      "session_inactive", "rate_limited", "not_found", "unavailable");
  static final Set<String> PUSHES = Set.of("message", "receipt", "meetingPoint", "location", "typing", "presence",
      "membership");
  private static final Map<String, String> SUCCESS = Map.of("send", "ack", "read", "ok", "location", "ok",
      "session", "ok", "sync", "sync", "meetingPoint", "meetingPoint", "presence", "presence", "ping", "pong");
  private static final int MAX_ID_CHARS = 128;
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** One text message sent, in send order. */
  private static final class Sent {
    final String id; // null: no id the gateway can echo
    final String type;
    final boolean atMostOne;
    final boolean mustFail;
    final long sentNanos;
    int replies;
    String code; // the first reply's error code, "" for a success
    boolean beforeClose;

    Sent(String id, String type, boolean atMostOne, boolean mustFail, long sentNanos) {
      this.id = id;
      this.type = type;
      this.atMostOne = atMostOne;
      this.mustFail = mustFail;
      this.sentNanos = sentNanos;
    }
  }

  private final String name;
  private final Consumer<String> violations;
  private final List<Sent> sent = new ArrayList<>();
  private final Map<String, Sent> byId = new HashMap<>();
  private int untracked;
  private int idlessReplies;
  private int idlessRateLimited;
  private int pushes;
  private int pingsSent;
  private int pongs;
  /** Replies and pongs owed now: the fuzzer keeps this bounded, so a node's backlog stays short. */
  private int owed;
  private boolean closed;
  private int closeCode = -1;
  private long closedAtNanos;
  private final Map<String, Integer> replyKinds = new HashMap<>();

  public ReplyLedger(String name, Consumer<String> violations) {
    this.name = name;
    this.violations = violations;
  }

  /** Records a fuzz frame before it is written (so its reply cannot come first). */
  public synchronized void sending(FrameMutator.FuzzFrame frame, long nowNanos) {
    pingsSent += frame.pings();
    owed += frame.pings();
    int texts = 0;
    for (String text : frame.texts()) {
      texts++;
      track(text, frame.mustFail(), nowNanos);
    }
    untracked += frame.messages() - texts; // binary messages: answered without an id
  }

  /** Records a text message (a chat frame written by the driver itself) before it is written. */
  public synchronized void sendingText(String text, long nowNanos) {
    track(text, false, nowNanos);
  }

  private void track(String text, boolean mustFail, long nowNanos) {
    JsonNode tree = parse(text);
    JsonNode id = tree == null || !tree.isObject() ? null : tree.get("id");
    if (id == null || !id.isTextual()) {
      untracked++;
      sent.add(new Sent(null, null, true, mustFail, nowNanos));
      return;
    }
    String type = tree.path("type").isTextual() ? tree.path("type").textValue() : "";
    boolean atMostOne = type.equals("typing") || id.textValue().codePointCount(0, id.textValue().length()) > MAX_ID_CHARS;
    Sent entry = new Sent(id.textValue(), type, atMostOne, mustFail, nowNanos);
    if (!atMostOne) {
      owed++;
    }
    if (byId.putIfAbsent(entry.id, entry) != null) {
      violations.accept(name + ": the fuzzer sent id " + entry.id + " twice (a fuzzer bug)");
    }
    sent.add(entry);
  }

  /** A text frame from the gateway. */
  public synchronized void received(String text) {
    JsonNode reply = parse(text);
    if (reply == null || !reply.isObject() || !reply.path("type").isTextual()) {
      violations.accept(name + ": the gateway sent a frame that is not a JSON object with a type: " + abbreviate(text));
      return;
    }
    String type = reply.path("type").textValue();
    replyKinds.merge(type.equals("error") ? "error " + reply.path("code").asText() : type, 1, Integer::sum);
    if (type.equals("error")) {
      checkError(reply);
    }
    JsonNode id = reply.get("id");
    if (id == null) {
      if (PUSHES.contains(type)) {
        pushes++;
      } else {
        idlessReplies++;
        if ("rate_limited".equals(reply.path("code").asText())) {
          idlessRateLimited++;
        }
        if (idlessReplies > untracked) {
          violations.accept(name + ": more replies without an id (" + idlessReplies + ") than frames without one ("
              + untracked + "): " + abbreviate(text));
        }
      }
      return;
    }
    Sent request = byId.get(id.asText());
    if (request == null) {
      violations.accept(name + ": a reply to id " + abbreviate(id.asText()) + ", which this connection never sent: "
          + abbreviate(text));
      return;
    }
    request.replies++;
    if (request.replies > 1) {
      violations.accept(name + ": id " + request.id + " (" + request.type + ") answered " + request.replies
          + " times; the latest: " + abbreviate(text));
      return;
    }
    if (!request.atMostOne) {
      owed--;
      notifyAll();
    }
    request.code = type.equals("error") ? reply.path("code").asText() : "";
    request.beforeClose = !closed;
    if (request.mustFail && !type.equals("error")) {
      violations.accept(name + ": a frame that must be refused was answered " + abbreviate(text));
    } else if (!type.equals("error") && !type.equals(SUCCESS.get(request.type))) {
      violations.accept(name + ": a " + request.type + " frame was answered " + abbreviate(text));
    }
  }

  private void checkError(JsonNode error) {
    String code = error.path("code").asText();
    if (!ERROR_CODES.contains(code) || !error.path("message").isTextual()) {
      violations.accept(name + ": an error with an undocumented code or no message: " + error);
    }
    if ((code.equals("rate_limited") || code.equals("unavailable"))
        && !(error.path("retryAfterMs").canConvertToLong() && error.path("retryAfterMs").asLong() >= 0)) {
      violations.accept(name + ": a " + code + " error without a non-negative retryAfterMs: " + error);
    }
  }

  public synchronized void pong() {
    pongs++;
    owed--;
    notifyAll();
    if (pongs > pingsSent) {
      violations.accept(name + ": more pongs (" + pongs + ") than pings sent (" + pingsSent + ")");
    }
  }

  /** The connection ended: the gateway's close code (1006 when the stream ended without one). */
  public synchronized void closed(int code, long nowNanos) {
    if (!closed) {
      closed = true;
      closeCode = code;
      closedAtNanos = nowNanos;
      notifyAll();
    }
  }

  /**
   * Waits until fewer than {@code max} replies and pongs are owed, the connection closed, or
   * {@code timeoutNanos} passed (the final checks catch a reply that never comes).
   */
  public synchronized void awaitOwedBelow(int max, long timeoutNanos) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    for (long left = timeoutNanos; owed >= max && !closed && left > 0; left = deadline - System.nanoTime()) {
      wait(Math.max(1, left / 1_000_000));
    }
  }

  public synchronized boolean isClosed() {
    return closed;
  }

  public synchronized int closeCode() {
    return closeCode;
  }

  /** Ids owed exactly one reply that have none yet. */
  public synchronized List<String> unanswered() {
    return sent.stream().filter(s -> s.id != null && !s.atMostOne && s.replies == 0).map(s -> s.id).toList();
  }

  /** Whether every WebSocket ping sent has had its pong. */
  public synchronized boolean allPonged() {
    return pongs >= pingsSent;
  }

  public synchronized int pingsSent() {
    return pingsSent;
  }

  /**
   * Whether the replies show sustained abuse by the time the connection closed: on one of its two
   * limits (the frame limit; the typing limit, apart from it), at least {@code closeAfter} frames
   * refused {@code rate_limited} since the last frame the replies show admitted, the first of them
   * sent at least {@code window} before the close arrived. The gateway's own window starts at its
   * first refusal, which comes after that frame was sent, and its close arrives after it ends, so the
   * window measured here can only be longer. (Refusals of frames without an id are counted too: they
   * were refused on the frame limit, though maybe before the last admission, which errs towards
   * justifying.)
   */
  public synchronized boolean showsAbuse(int closeAfter, long windowNanos) {
    return runShowsAbuse(false, closeAfter, windowNanos) || runShowsAbuse(true, closeAfter, windowNanos);
  }

  private boolean runShowsAbuse(boolean typingLimit, int closeAfter, long windowNanos) {
    int lastAdmitted = -1;
    int refused = typingLimit ? 0 : idlessRateLimited;
    for (int i = 0; i < sent.size(); i++) {
      Sent s = sent.get(i);
      if (s.id == null || s.replies == 0 || !s.beforeClose) {
        continue; // no evidence either way
      }
      boolean typing = s.type.equals("typing");
      boolean onThisLimit = typingLimit ? typing && !s.code.equals("bad_request") // undecodable typing: the frame limit
          : !typing || s.code.equals("bad_request");
      if (s.code.equals("rate_limited")) {
        continue; // counted below, after the last admission
      }
      if (onThisLimit) {
        lastAdmitted = i;
      }
    }
    for (int i = lastAdmitted + 1; i < sent.size(); i++) {
      Sent s = sent.get(i);
      if (s.id != null && s.beforeClose && "rate_limited".equals(s.code)) {
        refused++; // a refused typing frame may have met either limit: counted on both
      }
    }
    long runStart = lastAdmitted + 1 < sent.size() ? sent.get(lastAdmitted + 1).sentNanos : Long.MAX_VALUE;
    return refused >= closeAfter && closed && closedAtNanos - runStart >= windowNanos;
  }

  synchronized Map<String, Integer> replyKinds() {
    return Map.copyOf(replyKinds);
  }

  synchronized int tracked() {
    return (int) sent.stream().filter(s -> s.id != null).count();
  }

  synchronized int pushes() {
    return pushes;
  }

  public String name() {
    return name;
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      return null;
    }
  }

  static String abbreviate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "...(" + text.length() + " chars)";
  }
}
