package io.rallypoint.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rallypoint.client.conversation.ChatMessage;
import io.rallypoint.client.conversation.MeetingPoint;
import io.rallypoint.client.conversation.Position;
import io.rallypoint.client.conversation.Presence;
import io.rallypoint.client.conversation.Receipt;
import io.rallypoint.client.frame.ClientFrame;
import io.rallypoint.client.frame.CloseStatus;
import io.rallypoint.client.frame.Endpoint;
import io.rallypoint.client.frame.FrameConnection;
import io.rallypoint.client.frame.FrameJson;
import io.rallypoint.client.frame.FrameListener;
import io.rallypoint.client.frame.FrameWriter;
import io.rallypoint.client.frame.HandshakeRefusedException;
import io.rallypoint.client.frame.ServerFrames;
import io.rallypoint.client.outbox.Failure;
import io.rallypoint.client.outbox.Outbox;
import io.rallypoint.client.outbox.OutboxEntry;
import io.rallypoint.client.retry.ReconnectBackoff;
import io.rallypoint.client.retry.RetryDelay;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The Rallypoint client for JVM apps: one user's connection to a gateway that never loses or
 * doubles a message (PROTOCOL section 1, the same rules as the TypeScript client):
 *
 * <ul>
 *   <li><b>Outbox</b>: {@link #send} keeps the message, under a client-made UUID {@code clientMsgId},
 *   in the {@link io.rallypoint.client.outbox.OutboxStore} before it goes on the wire, until its
 *   {@code ack}. It is sent again on every reconnect and after {@code ackTimeout} while connected,
 *   always with the same {@code clientMsgId} (the gateway answers a resend with the same ack and
 *   never stores it twice). A message of ours that comes back by sync or on another connection
 *   counts as acked. Any error but {@code rate_limited} and {@code unavailable} fails it for good
 *   (kept, shown failed, until {@link #discard}).</li>
 *   <li><b>Retry pacing</b>: a {@code rate_limited} frame is sent again once its {@code retryAfterMs}
 *   has passed (its turn), an {@code unavailable} one after {@code retryAfterMs} doubled per
 *   refusal in a row plus jitter; no message overtakes an older one that waits. Requests
 *   ({@code read}, {@code location}, {@code session}, ...) are retried the same way.</li>
 *   <li><b>Reconnect</b>: after a close, {@code min(maxBackoff, initialBackoff * 2^n)} scaled by a
 *   random factor in [0.5, 1), {@code n} reset once a sync completed; at least
 *   {@code abuseBackoff} after 1008; none after 4001 (token expired) or a 401 until
 *   {@link #setToken}. A ping every {@code pingEvery} keeps the connection from the idle timeout; a
 *   ping not answered within {@code requestTimeout} closes it.</li>
 *   <li><b>Sync</b>: on every (re)connect, each conversation is synced, the first time with the
 *   latest page, after that with {@code afterSeq} = its cursor, paging while {@code hasMore}; a live
 *   message that leaves a hole after the cursor syncs too. Messages are kept once by seq and
 *   messageId.</li>
 *   <li><b>Requests</b> carry an {@code id}; replies are matched on it.</li>
 *   <li><b>Receipts</b>: {@link #read} sends {@code read} only when the seq moves forward.</li>
 *   <li><b>Typing</b>: {@link #typing} on every keystroke; {@code started} is renewed every
 *   {@code typingRenew}, {@code stopped} goes out after {@code typingIdle}, on {@link #stopTyping} and
 *   on send. Others show typing until {@code stopped} or {@code typingLapse} without a renewal.</li>
 *   <li><b>Presence</b> is asked on every (re)connect and every {@code presenceRefresh}, pushes
 *   update it in between; a push heard while a request is in flight wins over its reply.</li>
 *   <li><b>Live map</b>: the latest position per member wins.</li>
 * </ul>
 *
 * <p>Thread-safe: every method may be called from any thread. The client works on a thread of its
 * own, on which it calls the {@link ClientListener}s and completes the futures it returns (so a
 * callback attached to one runs there too, and must not block). Close it to stop that thread.
 */
public final class RallypointClient implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(RallypointClient.class.getName());
  private static final long TICK_MS = 1_000;

  private final ClientOptions options;
  private final String user;
  private final ScheduledThreadPoolExecutor loop;
  private volatile Thread loopThread;
  private final Listeners listeners = new Listeners();
  private final ReconnectBackoff backoff;
  private final RetryDelay retryDelay;
  private final Outbox outbox;
  private final Map<String, ConversationState> conversations = new LinkedHashMap<>();
  private final PendingRequests requests = new PendingRequests();
  /** Frame id of a send in flight -> its message and when it went out. */
  private final Map<String, Sending> sends = new HashMap<>();
  /** Frame id of a typing frame sent -> its conversation, so a refusal finds its conversation. */
  private final Map<String, Sending> typingFrames = new HashMap<>();
  private final String idPrefix = UUID.randomUUID().toString().substring(0, 8);

  // owned by the loop thread
  private String token;
  private ClientState state = ClientState.STOPPED;
  private FrameConnection connection;
  /** Which connection attempt is current: frames and closes of an older one are ignored. */
  private int generation;
  private int attempt;
  private boolean paused = true;
  private long nextId;
  private ScheduledFuture<?> reconnectTimer;
  private ScheduledFuture<?> tickTimer;
  private ScheduledFuture<?> flushTimer;
  private long lastPingAt;
  private String pingId;
  private long lastPresenceAt;

  private record Sending(String key, long at) {}

  /**
   * A client of the user the token names ({@code sub}), stopped; {@link #start} connects. Loads the
   * user's outbox from the options' store.
   */
  public RallypointClient(ClientOptions options, String token) {
    this.options = Objects.requireNonNull(options, "options");
    this.user = TokenSubject.of(token);
    this.token = token;
    this.loop = new ScheduledThreadPoolExecutor(1, work -> {
      Thread thread = new Thread(work, "rallypoint-client-" + user);
      thread.setDaemon(true);
      loopThread = thread;
      return thread;
    });
    this.loop.setRemoveOnCancelPolicy(true);
    this.loop.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // close() ends the thread at once
    this.backoff = new ReconnectBackoff(options.initialBackoff(), options.maxBackoff(),
        () -> ThreadLocalRandom.current().nextDouble());
    this.retryDelay = new RetryDelay(options.initialBackoff(), options.maxRetryBackoff(),
        () -> ThreadLocalRandom.current().nextDouble());
    this.outbox = new Outbox(options.outboxStore(), user);
    options.conversations().forEach(this::conversation);
  }

  // ---- the app's side ---------------------------------------------------------------------

  /** The user id of the token. */
  public String user() {
    return user;
  }

  /** Where the connection is. */
  public ClientState state() {
    return call(() -> state);
  }

  public void addListener(ClientListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public void removeListener(ClientListener listener) {
    listeners.remove(listener);
  }

  /** Connects and keeps connected (reconnecting) until {@link #stop}. */
  public void start() {
    run(() -> {
      if (state != ClientState.STOPPED) {
        return;
      }
      paused = false;
      connect();
    });
  }

  /** Closes the connection; the outbox stays in its store for the next {@link #start}. */
  public void stop() {
    run(() -> {
      paused = true;
      cancel(reconnectTimer);
      drop("stopped");
      setState(ClientState.STOPPED);
    });
  }

  /** Stops and ends the client's thread; the client cannot be started again. */
  @Override
  public void close() {
    if (loop.isShutdown()) {
      return;
    }
    stop();
    loop.shutdown();
  }

  /**
   * Goes offline on purpose (messages written meanwhile wait in the outbox) or back online (at
   * once): for an app that knows the network is gone, or is going to the background.
   */
  public void setOnline(boolean online) {
    run(() -> {
      if (online) {
        if (paused && state != ClientState.STOPPED) {
          paused = false;
          setState(ClientState.OFFLINE);
          reconnectNow();
        }
      } else if (state != ClientState.STOPPED) {
        paused = true;
        cancel(reconnectTimer);
        drop("offline");
        setState(ClientState.OFFLINE);
      }
    });
  }

  /**
   * Replaces the token with a fresh one of the same user (the outbox is theirs), e.g. after the
   * gateway closed the connection because the old one expired; reconnects at once when it was
   * waiting for one.
   */
  public void setToken(String fresh) {
    String of = TokenSubject.of(fresh);
    if (!of.equals(user)) {
      throw new IllegalArgumentException("the token is not one of " + user);
    }
    run(() -> {
      token = fresh;
      if (state == ClientState.EXPIRED) {
        setState(ClientState.OFFLINE);
        reconnectNow();
      }
    });
  }

  /** Tries to connect now instead of waiting for the backoff (e.g. the network came back). */
  public void reconnectNow() {
    run(() -> {
      if (paused || state == ClientState.OPEN || state == ClientState.CONNECTING || state == ClientState.EXPIRED) {
        return;
      }
      cancel(reconnectTimer);
      attempt = 0;
      connect();
    });
  }

  /** Follows one more conversation: synced on every (re)connect, and now when connected. */
  public void watch(String conversation) {
    run(() -> {
      boolean fresh = !conversations.containsKey(conversation);
      ConversationState conv = conversation(conversation);
      if (fresh && state == ClientState.OPEN) {
        sync(conv);
        refreshPresence(conv);
      }
    });
  }

  /** {@link #send(String, String, ObjectNode)} without metadata. */
  public String send(String conversation, String body) {
    return send(conversation, body, null);
  }

  /**
   * Puts a message in the outbox (saved before this returns) and sends it when connected; returns
   * its {@code clientMsgId}. It shows in the timeline as {@code PENDING} until acked.
   */
  public String send(String conversation, String body, ObjectNode metadata) {
    Objects.requireNonNull(conversation, "conversation");
    Objects.requireNonNull(body, "body");
    OutboxEntry entry = new OutboxEntry(conversation, UUID.randomUUID().toString(), body, metadata, Instant.now(), null);
    return call(() -> {
      ConversationState conv = conversation(conversation);
      stopTyping(conv);
      outbox.add(entry);
      changed();
      flush();
      return entry.clientMsgId();
    });
  }

  /** Removes a message from the outbox (a failed one the user gave up on); whether it was there. */
  public boolean discard(String clientMsgId) {
    return call(() -> {
      boolean was = settle(clientMsgId).isPresent();
      if (was) {
        changed();
      }
      return was;
    });
  }

  /** Marks the conversation read up to {@code seq}; sent only when connected and higher than the last one sent. */
  public void read(String conversation, long seq) {
    run(() -> {
      ConversationState conv = conversation(conversation);
      if (seq <= conv.readSent || state != ClientState.OPEN) {
        return;
      }
      long before = conv.readSent;
      conv.readSent = seq;
      startRequest(new ClientFrame.Read(null, conversation, seq)).whenComplete((ok, failure) -> {
        if (failure != null && conv.readSent == seq) {
          conv.readSent = before; // not recorded: the next call tries again
        }
      });
    });
  }

  /**
   * The user typed in the conversation's composer: sends {@code typing started} unless already
   * typing, renews it while this keeps being called, and sends {@code stopped} once it has not been
   * called for {@code typingIdle}.
   */
  public void typing(String conversation) {
    run(() -> {
      ConversationState conv = conversation(conversation);
      ConversationState.OwnTyping t = conv.typing;
      cancel(t.idleTimer);
      t.idleTimer = schedule(() -> stopTyping(conv), options.typingIdle().toMillis());
      if (t.active) {
        return;
      }
      t.active = true;
      long renew = options.typingRenew().toMillis();
      t.renewTimer = loop.scheduleAtFixedRate(guarded(() -> sendTyping(conv)), renew, renew, TimeUnit.MILLISECONDS);
      sendTyping(conv);
    });
  }

  /** The user stopped typing (left the composer): sends {@code stopped} when {@code started} was sent. */
  public void stopTyping(String conversation) {
    run(() -> stopTyping(conversation(conversation)));
  }

  /** The other members typing in the conversation now, in user id order. */
  public List<String> typists(String conversation) {
    return call(() -> conversation(conversation).typists.typing());
  }

  /** The members online now (this user included once connected), in user id order. */
  public List<String> online(String conversation) {
    return call(() -> conversation(conversation).presence.online());
  }

  /** The members in an active recording session, as last heard, in user id order. */
  public List<String> recording(String conversation) {
    return call(() -> conversation(conversation).presence.recording());
  }

  /** The latest position of each member who shared one since the client started, in user id order. */
  public List<Position> locations(String conversation) {
    return call(() -> conversation(conversation).map.positions());
  }

  /** The latest meeting point heard for the conversation. */
  public Optional<MeetingPoint> meetingPoint(String conversation) {
    return call(() -> Optional.ofNullable(conversation(conversation).meetingPoint));
  }

  /** The conversation's messages by seq, then ours still in the outbox (pending or failed), oldest first. */
  public List<TimelineEntry> timeline(String conversation) {
    return call(() -> {
      ConversationState conv = conversation(conversation);
      List<TimelineEntry> lines = new ArrayList<>();
      for (ChatMessage m : conv.timeline.messages()) {
        List<String> readBy = conv.reads.readersOf(m.seq(), m.sender());
        lines.add(new TimelineEntry(conversation, m.clientMsgId(), Optional.of(m.messageId()), OptionalLong.of(m.seq()),
            m.sender(), m.body(), m.metadata(), m.sentAt(), m.sender().equals(user),
            readBy.isEmpty() ? TimelineEntry.Status.SENT : TimelineEntry.Status.READ, readBy, Optional.empty()));
      }
      for (OutboxEntry e : outbox.entries()) {
        if (e.conversation().equals(conversation)) {
          lines.add(new TimelineEntry(conversation, e.clientMsgId(), Optional.empty(), OptionalLong.empty(), user,
              e.body(), e.metadata() == null ? FrameJson.object() : e.metadata(), e.createdAt(), true,
              e.failed() ? TimelineEntry.Status.FAILED : TimelineEntry.Status.PENDING, List.of(),
              Optional.ofNullable(e.failure())));
        }
      }
      return lines;
    });
  }

  /** The outbox, oldest first (every conversation). */
  public List<OutboxEntry> outbox() {
    return call(outbox::entries);
  }

  /** Messages of this user still waiting for an ack (every conversation). */
  public int pendingCount() {
    return call(outbox::pendingCount);
  }

  /** Asks the gateway who is online and who is recording in the conversation; completes once applied. */
  public CompletableFuture<Void> refreshPresence(String conversation) {
    return call(() -> refreshPresence(conversation(conversation))).copy();
  }

  /**
   * Sends a frame with a fresh {@code id} and completes with the reply to it; fails with
   * {@link RequestFailedException}: the gateway's error code, {@code offline} or {@code timeout}.
   * A refusal {@code rate_limited} or {@code unavailable} is sent again (up to
   * {@code requestRetries} times) at its turn.
   */
  public CompletableFuture<JsonNode> request(ClientFrame frame) {
    Objects.requireNonNull(frame, "frame");
    return call(() -> startRequest(frame)).copy();
  }

  /** Starts a recording session (a new id, a UUID) now; completes on its {@code ok}. */
  public CompletableFuture<Void> startRecording(String session) {
    return request(new ClientFrame.Session(null, session, ClientFrame.SessionState.STARTED, Instant.now()))
        .thenApply(ok -> null);
  }

  /** Ends a recording session now: its positions stop counting at once; completes on its {@code ok}. */
  public CompletableFuture<Void> endRecording(String session) {
    return request(new ClientFrame.Session(null, session, ClientFrame.SessionState.ENDED, Instant.now()))
        .thenApply(ok -> null);
  }

  /**
   * Shares a position taken at {@code at} into the conversation, from an active recording session
   * (consent needed: {@code consent_required} otherwise); completes on its {@code ok}.
   */
  public CompletableFuture<Void> shareLocation(String conversation, String session, double lat, double lng, Instant at) {
    return request(new ClientFrame.Location(null, conversation, session, lat, lng, at)).thenApply(ok -> null);
  }

  /** Asks for the conversation's meeting point; fails with {@code not_found} when it has none. */
  public CompletableFuture<MeetingPoint> requestMeetingPoint(String conversation) {
    return request(new ClientFrame.MeetingPoint(null, conversation)).thenApply(MeetingPoint::fromJson);
  }

  // ---- connection -------------------------------------------------------------------------

  private void connect() {
    cancel(reconnectTimer);
    setState(ClientState.CONNECTING);
    int current = ++generation;
    Endpoint endpoint = Endpoint.bearer(options.uri(), token).withConnectTimeout(options.connectTimeout());
    FrameListener listener = new FrameListener() {
      @Override
      public void onText(String text) {
        execute(() -> {
          if (current == generation) {
            received(text);
          }
        });
      }

      @Override
      public void onClosed(CloseStatus status) {
        execute(() -> {
          if (current == generation) {
            lost(status.code());
          }
        });
      }

      private void received(String text) {
        JsonNode frame;
        try {
          frame = FrameJson.parse(text);
        } catch (IllegalArgumentException e) {
          LOG.log(Level.WARNING, "the gateway sent a frame that is not JSON; ignored");
          return;
        }
        onFrame(frame);
      }
    };
    CompletableFuture<? extends FrameConnection> opening;
    try {
      opening = options.connector().connect(endpoint, listener);
    } catch (RuntimeException e) {
      opening = CompletableFuture.failedFuture(e);
    }
    opening.whenComplete((opened, failure) -> execute(() -> {
      if (current != generation) {
        if (opened != null) {
          opened.abort();
        }
        return;
      }
      if (failure == null) {
        opened(opened);
      } else {
        refused(failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure);
      }
    }));
  }

  private void opened(FrameConnection opened) {
    connection = opened;
    setState(ClientState.OPEN);
    lastPingAt = now();
    pingId = null;
    outbox.newConnection(); // the gateway keeps turns per connection: everything is due now
    tickTimer = loop.scheduleWithFixedDelay(guarded(this::tick), TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    flush();
    syncAll();
    refreshAllPresence();
  }

  /** The connection could not be opened: a 401 waits for a fresh token, anything else reconnects later. */
  private void refused(Throwable failure) {
    generation++;
    if (failure instanceof HandshakeRefusedException refused && refused.status() == 401) {
      setState(ClientState.EXPIRED);
      listeners.tell(l -> l.onError(new ClientError("token_refused",
          "the gateway refused the token (401): call setToken with a fresh one", Optional.empty())));
      return;
    }
    LOG.log(Level.DEBUG, () -> "cannot connect to " + options.uri() + ": " + failure);
    setState(ClientState.OFFLINE);
    scheduleReconnect(0);
  }

  /** The connection is gone: offline and reconnect later (after 1008 not before abuseBackoff; after 4001 only with a new token). */
  private void lost(int code) {
    drop("offline");
    if (code == CloseStatus.TOKEN_EXPIRED) {
      setState(ClientState.EXPIRED);
      listeners.tell(l -> l.onError(new ClientError("token_expired",
          "the token expired: call setToken with a fresh one", Optional.empty())));
      return;
    }
    setState(ClientState.OFFLINE);
    scheduleReconnect(code == CloseStatus.POLICY_VIOLATION ? options.abuseBackoff().toMillis() : 0);
  }

  /** Forgets the connection (closing it) and fails everything that waited on it. */
  private void drop(String reason) {
    generation++;
    FrameConnection gone = connection;
    connection = null;
    cancel(tickTimer);
    cancel(flushTimer);
    pingId = null;
    if (gone != null) {
      gone.close(CloseStatus.NORMAL, reason);
    }
    requests.failAll("offline", "the connection closed");
    sends.clear(); // still in the outbox: sent again on the next connection
    typingFrames.clear();
    for (ConversationState conv : conversations.values()) {
      conv.syncing = null;
      conv.holeWhileSyncing = false;
      conv.typing.blockedUntil = 0;
      cancel(conv.typing.retryTimer);
      for (String typist : conv.typists.clear()) {
        typingChanged(conv, typist, false); // their stopped may be lost meanwhile
      }
    }
  }

  private void scheduleReconnect(long atLeastMs) {
    if (paused) {
      return;
    }
    long delay = Math.max(atLeastMs, backoff.delayMillis(attempt));
    attempt++;
    cancel(reconnectTimer);
    reconnectTimer = schedule(this::connect, delay);
  }

  /** Once a second while open: ping, request timeouts, resend of what was not acked in time, presence refresh. */
  private void tick() {
    if (state != ClientState.OPEN) {
      return;
    }
    long now = now();
    if (pingId != null && now - lastPingAt > options.requestTimeout().toMillis()) {
      lost(CloseStatus.ABNORMAL); // no pong: the connection is dead even if the socket does not know yet
      return;
    }
    if (pingId == null && now - lastPingAt >= options.pingEvery().toMillis()) {
      pingId = frameId();
      lastPingAt = now;
      write(new ClientFrame.Ping(pingId));
    }
    requests.expire(now);
    sends.values().removeIf(s -> now - s.at() > options.ackTimeout().toMillis()); // flush sends them again
    typingFrames.values().removeIf(t -> now - t.at() > options.requestTimeout().toMillis()); // accepted: no reply comes
    if (now - lastPresenceAt >= options.presenceRefresh().toMillis()) {
      refreshAllPresence();
    }
    flush();
  }

  // ---- outbox -----------------------------------------------------------------------------

  /** Sends, oldest first, what is neither in flight nor failed, up to the first message waiting for its retry. */
  private void flush() {
    if (state != ClientState.OPEN) {
      return;
    }
    cancel(flushTimer);
    Set<String> inFlight = sends.values().stream().map(Sending::key).collect(Collectors.toSet());
    long now = now();
    Outbox.Due due = outbox.due(inFlight, now);
    for (OutboxEntry e : due.now()) {
      String id = frameId();
      String text = FrameWriter.toJson(new ClientFrame.Send(id, e.conversation(), e.clientMsgId(), e.body(), e.metadata()));
      if (text.getBytes(StandardCharsets.UTF_8).length > options.maxFrameBytes()) {
        // sending it would close the connection (1009), and every new one after
        Failure why = new Failure("too_large", "the frame is over " + options.maxFrameBytes() + " bytes");
        outbox.fail(e.clientMsgId(), why);
        listeners.tell(l -> l.onError(new ClientError(why.code(), why.message(), Optional.empty())));
        changed();
        continue;
      }
      sends.put(id, new Sending(e.clientMsgId(), now));
      writeText(text);
    }
    due.nextAt().ifPresent(at -> flushTimer = schedule(this::flush, at - now)); // nothing overtakes it
  }

  /** Takes a message out of the outbox (and out of the sends in flight) once the gateway has it. */
  private Optional<OutboxEntry> settle(String clientMsgId) {
    Optional<OutboxEntry> entry = outbox.settle(clientMsgId);
    sends.values().removeIf(s -> s.key().equals(clientMsgId));
    return entry;
  }

  // ---- frames -----------------------------------------------------------------------------

  private void onFrame(JsonNode f) {
    switch (ServerFrames.type(f)) {
      case "ack" -> onAck(f);
      case "message" -> onMessage(f);
      case "receipt" -> onReceipt(f);
      case "meetingPoint" -> onMeetingPoint(f);
      case "typing" -> onTyping(f);
      case "presence" -> onPresence(f);
      case "location" -> onLocation(f);
      case "membership" -> onMembership(f);
      case "pong" -> {
        if (Objects.equals(ServerFrames.id(f), pingId)) {
          pingId = null;
        }
      }
      case "error" -> onError(f);
      default -> resolve(f); // ok, sync, and anything newer that answers a request
    }
  }

  private void onAck(JsonNode f) {
    String id = ServerFrames.id(f);
    if (id != null) {
      sends.remove(id);
    }
    String clientMsgId = f.path("clientMsgId").asText();
    settle(clientMsgId).ifPresent(entry -> {
      ChatMessage message = new ChatMessage(entry.conversation(), f.path("messageId").asText(), f.path("seq").asLong(),
          user, clientMsgId, entry.body(), entry.metadata(), Instant.parse(f.path("sentAt").asText()));
      addMessage(conversation(entry.conversation()), message);
      listeners.tell(l -> l.onAck(message));
      changed();
    });
  }

  private void onMessage(JsonNode f) {
    ChatMessage message = ChatMessage.fromJson(f, "");
    ConversationState conv = conversation(message.conversation());
    Optional<OutboxEntry> ours = Optional.empty();
    if (message.sender().equals(user)) {
      ours = settle(message.clientMsgId()); // sent through another connection, or its ack was lost
    } else {
      typistGone(conv, message.sender()); // they sent what they typed
    }
    boolean added = addMessage(conv, message);
    ours.ifPresent(e -> listeners.tell(l -> l.onAck(message)));
    if (added || ours.isPresent()) {
      changed();
    }
    if (added && conv.timeline.cursor().leavesHole(message.seq()) && state == ClientState.OPEN) {
      if (conv.syncing == null) {
        sync(conv); // a message was missed: fetch it (PROTOCOL 1.8)
      } else {
        conv.holeWhileSyncing = true;
      }
    }
  }

  private void onReceipt(JsonNode f) {
    Receipt receipt = new Receipt(f.path("conversation").asText(), f.path("user").asText(), f.path("seq").asLong());
    if (!receipt.user().equals(user) && conversation(receipt.conversation()).reads.record(receipt)) {
      listeners.tell(l -> l.onReceipt(receipt));
      changed();
    }
  }

  private void onMeetingPoint(JsonNode f) {
    resolve(f);
    MeetingPoint point = MeetingPoint.fromJson(f);
    ConversationState conv = conversation(point.conversation());
    if (conv.meetingPoint == null || !conv.meetingPoint.computedAt().isAfter(point.computedAt())) {
      conv.meetingPoint = point;
      listeners.tell(l -> l.onMeetingPoint(point));
    }
  }

  private void onTyping(JsonNode f) {
    ConversationState conv = conversation(f.path("conversation").asText());
    String typist = f.path("user").asText();
    if (typist.equals(user)) {
      return;
    }
    if ("started".equals(f.path("state").asText())) {
      if (conv.typists.started(typist, now())) {
        typingChanged(conv, typist, true);
      }
      // shown until stopped, or until a lapse without renewal (the gateway's stopped may be lost)
      schedule(() -> conv.typists.lapsed(now()).forEach(gone -> typingChanged(conv, gone, false)),
          options.typingLapse().toMillis());
    } else {
      typistGone(conv, typist);
    }
  }

  private void onPresence(JsonNode f) {
    if (ServerFrames.id(f) != null) {
      resolve(f); // the reply to a request: refreshPresence applies it
      return;
    }
    ConversationState conv = conversation(f.path("conversation").asText());
    String member = f.path("user").asText();
    boolean isOnline = "online".equals(f.path("state").asText());
    if (!isOnline) {
      typistGone(conv, member);
    }
    if (conv.presence.pushed(member, isOnline)) {
      presenceChanged(conv);
    }
  }

  private void onLocation(JsonNode f) {
    Position position = Position.fromJson(f);
    ConversationState conv = conversation(position.conversation());
    if (!conv.map.update(position)) {
      return; // an older position arriving late
    }
    if (conv.presence.recordingSeen(position.user())) {
      presenceChanged(conv); // only an active recording session shares positions
    }
    listeners.tell(l -> l.onLocation(position));
    changed();
  }

  private void onMembership(JsonNode f) {
    String conversation = f.path("conversation").asText();
    boolean joined = "joined".equals(f.path("state").asText());
    if (joined) {
      watch(conversation);
    }
    listeners.tell(l -> l.onMembership(conversation, joined));
  }

  private void onError(JsonNode f) {
    String id = ServerFrames.id(f);
    String code = f.path("code").asText();
    long retryAfterMs = f.path("retryAfterMs").isIntegralNumber() ? Math.max(0, f.path("retryAfterMs").asLong()) : -1;
    if (id != null && id.equals(pingId)) {
      pingId = null; // refused (rate_limited while the outbox drains), but the connection answered
      return;
    }
    Sending typing = id == null ? null : typingFrames.remove(id);
    if (typing != null) {
      if ("rate_limited".equals(code)) {
        // nothing typed goes out before the refused frame's turn; then the state the user is in by then
        ConversationState conv = conversation(typing.key());
        conv.typing.blockedUntil = now() + retryDelay.millis(code, retryAfterMs, 1);
        cancel(conv.typing.retryTimer);
        conv.typing.retryTimer = schedule(() -> sendTyping(conv), conv.typing.blockedUntil - now());
      }
      return; // ephemeral: never an error the user needs to see
    }
    Sending send = id == null ? null : sends.remove(id);
    if (send != null) {
      String clientMsgId = send.key();
      if (outbox.contains(clientMsgId) && RetryDelay.isRetryable(code)) {
        int inARow = outbox.refusalsInARow(clientMsgId, "unavailable".equals(code));
        outbox.retryAt(clientMsgId, inARow, now() + retryDelay.millis(code, retryAfterMs, Math.max(1, inARow)));
        flush(); // arms the timer of the oldest waiting message
      } else if (outbox.contains(clientMsgId)) {
        outbox.fail(clientMsgId, new Failure(code, f.path("message").asText()));
        changed();
      }
      emitError(f);
      return;
    }
    PendingRequests.Pending pending = requests.get(id);
    if (pending != null) {
      if (RetryDelay.isRetryable(code) && pending.retries < options.requestRetries()) {
        pending.retries++;
        long delay = retryDelay.millis(code, retryAfterMs, pending.retries);
        pending.deadline = now() + delay + options.requestTimeout().toMillis(); // its timeout counts from the resend
        schedule(() -> {
          if (requests.get(id) == pending) {
            write(pending.frame);
          }
        }, delay);
        return;
      }
      requests.remove(id);
      pending.reply.completeExceptionally(new RequestFailedException(code, f.path("message").asText()));
      return;
    }
    emitError(f);
  }

  private void emitError(JsonNode f) {
    ClientError error = new ClientError(f.path("code").asText(), f.path("message").asText(), Optional.of(f));
    listeners.tell(l -> l.onError(error));
  }

  private void resolve(JsonNode f) {
    PendingRequests.Pending pending = requests.remove(ServerFrames.id(f));
    if (pending != null) {
      pending.reply.complete(f);
    }
  }

  // ---- requests, conversations and sync ----------------------------------------------------

  private CompletableFuture<JsonNode> startRequest(ClientFrame frame) {
    if (state != ClientState.OPEN) {
      return CompletableFuture.failedFuture(new RequestFailedException("offline", "not connected"));
    }
    String id = frameId();
    PendingRequests.Pending pending = new PendingRequests.Pending(frame.withId(id), now() + options.requestTimeout().toMillis());
    requests.add(id, pending);
    write(pending.frame);
    return pending.reply;
  }

  private ConversationState conversation(String id) {
    return conversations.computeIfAbsent(id,
        c -> new ConversationState(c, options.maxMessages(), options.typingLapse().toMillis()));
  }

  /** Keeps the message unless held already; tells the listeners when it is new. */
  private boolean addMessage(ConversationState conv, ChatMessage message) {
    if (!conv.timeline.add(message)) {
      return false;
    }
    listeners.tell(l -> l.onMessage(message));
    return true;
  }

  /**
   * Syncs every conversation; once each got its answer (its pages, or a refusal such as
   * {@code forbidden} for a conversation the user left), the connection works: the reconnect
   * backoff starts again from its first step.
   */
  private void syncAll() {
    List<CompletableFuture<Boolean>> all = new ArrayList<>();
    for (ConversationState conv : List.copyOf(conversations.values())) {
      all.add(sync(conv).handle((done, failure) -> failure == null || answered(failure)));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenRun(() -> {
      if (all.stream().allMatch(CompletableFuture::join)) {
        execute(() -> attempt = 0);
      }
    });
  }

  /** Whether a request failed because the gateway refused it (not because the connection did). */
  private static boolean answered(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    return cause instanceof RequestFailedException refused
        && !refused.code().equals("offline") && !refused.code().equals("timeout");
  }

  /** Pages through the conversation from its cursor until the gateway says there is no more. */
  private CompletableFuture<Void> sync(ConversationState conv) {
    if (conv.syncing != null) {
      return conv.syncing;
    }
    CompletableFuture<Void> run = new CompletableFuture<>();
    conv.syncing = run;
    conv.holeWhileSyncing = false;
    run.whenComplete((v, e) -> {
      if (conv.syncing == run) {
        conv.syncing = null;
      }
    });
    syncPage(conv, run, 0);
    return run;
  }

  private void syncPage(ConversationState conv, CompletableFuture<Void> run, int emptyWaits) {
    OptionalLong cursor = conv.timeline.cursor().position();
    ClientFrame.Sync frame = cursor.isPresent()
        ? ClientFrame.Sync.after(conv.id, cursor.getAsLong(), options.pageSize())
        : ClientFrame.Sync.latest(conv.id, options.pageSize());
    startRequest(frame).whenComplete((page, failure) -> {
      if (failure != null || conv.syncing != run) {
        run.completeExceptionally(failure != null ? failure : new RequestFailedException("offline", "the connection closed"));
        return;
      }
      boolean changed = false;
      for (JsonNode m : page.path("messages")) {
        ChatMessage message = ChatMessage.fromJson(m, conv.id);
        Optional<OutboxEntry> ours = message.sender().equals(user) ? settle(message.clientMsgId()) : Optional.empty();
        changed |= addMessage(conv, message) || ours.isPresent();
        ours.ifPresent(e -> listeners.tell(l -> l.onAck(message))); // accepted before the connection dropped; its ack was lost
      }
      if (page.path("lastSeq").isIntegralNumber()) {
        conv.timeline.pageReached(page.path("lastSeq").asLong());
      }
      if (changed) {
        changed();
      }
      if (!page.path("hasMore").asBoolean(false)) {
        boolean again = conv.holeWhileSyncing;
        listeners.tell(l -> l.onSynced(conv.id));
        run.complete(null);
        if (again && conv.timeline.cursor().leavesHole(conv.timeline.highestSeq())) {
          sync(conv); // a live message arrived past a hole meanwhile
        }
        return;
      }
      if (page.path("messages").isEmpty()) {
        // an acked message is on its way to the database: ask again shortly, backing off
        long wait = Math.min(2_000, 250L << Math.min(emptyWaits, 3));
        schedule(() -> {
          if (state == ClientState.OPEN && conv.syncing == run) {
            syncPage(conv, run, emptyWaits + 1);
          } else {
            run.completeExceptionally(new RequestFailedException("offline", "the connection closed"));
          }
        }, wait);
      } else {
        syncPage(conv, run, 0);
      }
    });
  }

  // ---- typing, presence ---------------------------------------------------------------------

  private void stopTyping(ConversationState conv) {
    ConversationState.OwnTyping t = conv.typing;
    cancel(t.idleTimer);
    cancel(t.renewTimer);
    t.idleTimer = null;
    t.renewTimer = null;
    if (!t.active) {
      return;
    }
    t.active = false;
    sendTyping(conv);
  }

  /**
   * Sends the user's typing state ({@code started} while active, else {@code stopped} once after a
   * {@code started}), unless a refused typing frame's turn has not come yet (its timer sends it then).
   */
  private void sendTyping(ConversationState conv) {
    ConversationState.OwnTyping t = conv.typing;
    if (state != ClientState.OPEN || now() - t.blockedUntil < 0) {
      return;
    }
    if (!t.active && !t.startedSent) {
      return; // nobody was told it started
    }
    String id = frameId();
    typingFrames.put(id, new Sending(conv.id, now()));
    t.startedSent = t.active;
    write(new ClientFrame.Typing(id, conv.id, t.active ? ClientFrame.TypingState.STARTED : ClientFrame.TypingState.STOPPED));
  }

  private void typistGone(ConversationState conv, String typist) {
    if (conv.typists.stopped(typist)) {
      typingChanged(conv, typist, false);
    }
  }

  private void typingChanged(ConversationState conv, String typist, boolean typing) {
    listeners.tell(l -> l.onTyping(conv.id, typist, typing));
    changed();
  }

  private void refreshAllPresence() {
    lastPresenceAt = now();
    for (ConversationState conv : List.copyOf(conversations.values())) {
      refreshPresence(conv);
    }
  }

  private CompletableFuture<Void> refreshPresence(ConversationState conv) {
    if (state != ClientState.OPEN) {
      return CompletableFuture.failedFuture(new RequestFailedException("offline", "not connected"));
    }
    // the reply is what the gateway saw while answering; a push that arrives before it may be newer
    Presence.Asked asked = conv.presence.asking();
    return startRequest(new ClientFrame.Presence(null, conv.id)).handle((reply, failure) -> {
      if (failure != null || !reply.path("online").isArray() || !reply.path("recording").isArray()) {
        conv.presence.abandoned(asked); // the next connect or refresh asks again
        if (failure != null) {
          throw failure instanceof CompletionException c ? c : new CompletionException(failure);
        }
        return null;
      }
      List<String> onlineNow = new ArrayList<>();
      reply.path("online").forEach(u -> onlineNow.add(u.asText()));
      List<String> recordingNow = new ArrayList<>();
      reply.path("recording").forEach(u -> recordingNow.add(u.asText()));
      conv.presence.replied(asked, onlineNow, recordingNow);
      presenceChanged(conv);
      return null;
    });
  }

  private void presenceChanged(ConversationState conv) {
    listeners.tell(l -> l.onPresence(conv.id));
    changed();
  }

  // ---- plumbing ---------------------------------------------------------------------------

  private void write(ClientFrame frame) {
    writeText(FrameWriter.toJson(frame));
  }

  private void writeText(String text) {
    FrameConnection open = connection;
    if (open != null) {
      open.send(text); // a failed write means the connection is closing: its close handler takes over
    }
  }

  private String frameId() {
    return idPrefix + "-" + Long.toString(++nextId, 36);
  }

  private void setState(ClientState next) {
    if (state == next) {
      return;
    }
    state = next;
    listeners.tell(l -> l.onStateChanged(next));
    changed();
  }

  private void changed() {
    listeners.tell(ClientListener::onChange);
  }

  private static long now() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
  }

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }

  /** Runs {@code work} on the client's thread, logging what it throws (a bug must not stop the client). */
  private Runnable guarded(Runnable work) {
    return () -> {
      try {
        work.run();
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "the Rallypoint client failed handling an event", e);
      }
    };
  }

  private void execute(Runnable work) {
    try {
      loop.execute(guarded(work));
    } catch (RejectedExecutionException closed) {
      // the client was closed: nothing more happens
    }
  }

  private ScheduledFuture<?> schedule(Runnable work, long delayMs) {
    try {
      return loop.schedule(guarded(work), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      return null;
    }
  }

  private void run(Runnable work) {
    call(() -> {
      work.run();
      return null;
    });
  }

  /** {@code work}'s result, computed on the client's thread (at once when called there). */
  private <T> T call(Supplier<T> work) {
    if (Thread.currentThread() == loopThread) {
      return work.get();
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      loop.execute(() -> {
        try {
          result.complete(work.get());
        } catch (RuntimeException | Error e) {
          result.completeExceptionally(e);
        }
      });
    } catch (RejectedExecutionException e) {
      throw new IllegalStateException("the client is closed", e);
    }
    try {
      return result.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw e;
    }
  }
}
