package io.rallypoint.client.outbox;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A user's messages not acked yet, oldest first (PROTOCOL section 1.9): each kept, under its
 * {@code clientMsgId}, from before it first goes on the wire until the gateway acked it or refused
 * it for good, and saved to the {@link OutboxStore} at every change. It also knows which messages
 * wait for a retry after {@code rate_limited} or {@code unavailable}, and when they are due, and
 * never lets a message overtake an older one that waits: see {@link #due}.
 *
 * <p>Times are in milliseconds of one monotonic clock chosen by the caller. Not thread-safe: one
 * client's thread owns it.
 */
public final class Outbox {

  /** What a flush sends now, and when the next waiting message is due (empty: none waits). */
  public record Due(List<OutboxEntry> now, OptionalLong nextAt) {}

  private final OutboxStore store;
  private final String user;
  private final List<OutboxEntry> entries;
  /** clientMsgId -> {@code unavailable} refusals in a row. */
  private final Map<String, Integer> inARow = new HashMap<>();
  /** clientMsgId -> when its retry is due, for the messages waiting for one. */
  private final Map<String, Long> dueAt = new HashMap<>();

  /** The outbox of {@code user}, as {@code store} saved it. */
  public Outbox(OutboxStore store, String user) {
    this.store = store;
    this.user = user;
    this.entries = new ArrayList<>(store.load(user));
  }

  /** Adds a message at the end and saves the outbox. */
  public void add(OutboxEntry entry) {
    if (find(entry.clientMsgId()).isPresent()) {
      throw new IllegalArgumentException("clientMsgId " + entry.clientMsgId() + " is in the outbox already");
    }
    entries.add(entry);
    save();
  }

  /** Every message, oldest first. */
  public List<OutboxEntry> entries() {
    return List.copyOf(entries);
  }

  /** The messages still to be sent (not failed). */
  public int pendingCount() {
    return (int) entries.stream().filter(e -> !e.failed()).count();
  }

  /** The message with this {@code clientMsgId}, if it is in the outbox. */
  public Optional<OutboxEntry> find(String clientMsgId) {
    return entries.stream().filter(e -> e.clientMsgId().equals(clientMsgId)).findFirst();
  }

  /** Whether the message is in the outbox (pending or failed). */
  public boolean contains(String clientMsgId) {
    return find(clientMsgId).isPresent();
  }

  /**
   * Takes the message out because the gateway has it (its ack, or it came back by sync or on another
   * connection); saves when it was there. Returns it.
   */
  public Optional<OutboxEntry> settle(String clientMsgId) {
    Optional<OutboxEntry> entry = find(clientMsgId);
    entry.ifPresent(e -> {
      entries.remove(e);
      forgetRetry(clientMsgId);
      save();
    });
    return entry;
  }

  /** Removes a message (a failed one the user gave up on, say); whether it was there. */
  public boolean discard(String clientMsgId) {
    return settle(clientMsgId).isPresent();
  }

  /** Marks the message refused for good: it is kept, shown failed, and no longer sent. */
  public void fail(String clientMsgId, Failure why) {
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).clientMsgId().equals(clientMsgId)) {
        entries.set(i, entries.get(i).withFailure(why));
        forgetRetry(clientMsgId);
        save();
        return;
      }
    }
  }

  /**
   * How many {@code unavailable} refusals in a row the message has had, counting this one when
   * {@code unavailable} (a {@code rate_limited} refusal starts the count again at 0).
   */
  public int refusalsInARow(String clientMsgId, boolean unavailable) {
    return unavailable ? inARow.getOrDefault(clientMsgId, 0) + 1 : 0;
  }

  /** The message waits until {@code dueAt} before it is sent again; {@code inARow} from {@link #refusalsInARow}. */
  public void retryAt(String clientMsgId, int refusalsInARow, long due) {
    if (contains(clientMsgId)) {
      inARow.put(clientMsgId, refusalsInARow);
      dueAt.put(clientMsgId, due);
    }
  }

  /** A new connection: every message is due at once (the gateway keeps a turn on its connection only). */
  public void newConnection() {
    dueAt.clear();
  }

  private void forgetRetry(String clientMsgId) {
    inARow.remove(clientMsgId);
    dueAt.remove(clientMsgId);
  }

  /**
   * What to send at {@code now}: the messages, oldest first, that are neither failed nor in
   * {@code inFlight}, up to the first one whose retry is not due yet (nothing overtakes it), and
   * when that one is due.
   */
  public Due due(Set<String> inFlight, long now) {
    List<OutboxEntry> send = new ArrayList<>();
    for (OutboxEntry e : entries) {
      if (e.failed() || inFlight.contains(e.clientMsgId())) {
        continue;
      }
      Long due = dueAt.get(e.clientMsgId());
      if (due != null && due - now > 0) {
        return new Due(List.copyOf(send), OptionalLong.of(due));
      }
      send.add(e);
    }
    return new Due(List.copyOf(send), OptionalLong.empty());
  }

  private void save() {
    store.save(user, entries);
  }
}
