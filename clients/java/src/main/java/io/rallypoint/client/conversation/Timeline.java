package io.rallypoint.client.conversation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * A conversation's messages as this client holds them: ordered by {@code seq}, each {@code seq}
 * and each {@code messageId} once (a live {@code message}, an {@code ack} and a sync page may all
 * carry the same one), at most {@code maxMessages} (the oldest go first), with the conversation's
 * {@link SyncCursor}. Not thread-safe.
 */
public final class Timeline {

  private final int maxMessages;
  private final TreeMap<Long, ChatMessage> bySeq = new TreeMap<>();
  private final Set<String> messageIds = new HashSet<>();
  private final SyncCursor cursor = new SyncCursor();

  public Timeline(int maxMessages) {
    if (maxMessages < 1) {
      throw new IllegalArgumentException("maxMessages must be at least 1, not " + maxMessages);
    }
    this.maxMessages = maxMessages;
  }

  /** Keeps the message unless its seq or messageId is held already; moves the cursor. Whether it is new. */
  public boolean add(ChatMessage message) {
    if (bySeq.containsKey(message.seq()) || messageIds.contains(message.messageId())) {
      return false;
    }
    bySeq.put(message.seq(), message);
    messageIds.add(message.messageId());
    cursor.advance(bySeq::containsKey);
    if (bySeq.size() > maxMessages) {
      messageIds.remove(bySeq.pollFirstEntry().getValue().messageId());
    }
    return true;
  }

  /** A sync page reached {@code lastSeq} (see {@link SyncCursor#reached}). */
  public void pageReached(long lastSeq) {
    cursor.reached(lastSeq, bySeq::containsKey);
  }

  /** The cursor of the next sync. */
  public SyncCursor cursor() {
    return cursor;
  }

  /** Whether a message numbered {@code seq} is held. */
  public boolean holds(long seq) {
    return bySeq.containsKey(seq);
  }

  /** The highest seq held, or -1. */
  public long highestSeq() {
    return bySeq.isEmpty() ? -1 : bySeq.lastKey();
  }

  /** The messages, by seq. */
  public List<ChatMessage> messages() {
    return new ArrayList<>(bySeq.values());
  }
}
