package io.rallypoint.client.conversation;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How far each other member has read a conversation, from the receipts seen: a position only moves
 * forward (a lower receipt is stale, PROTOCOL section 1.8). Not thread-safe.
 */
public final class ReadPositions {

  private final Map<String, Long> byUser = new TreeMap<>();

  /** Records the receipt; whether it moved the member's position forward. */
  public boolean record(Receipt receipt) {
    Long known = byUser.get(receipt.user());
    if (known != null && known >= receipt.seq()) {
      return false;
    }
    byUser.put(receipt.user(), receipt.seq());
    return true;
  }

  /** The members other than {@code sender} who have read up to {@code seq} or beyond, in user id order. */
  public List<String> readersOf(long seq, String sender) {
    return byUser.entrySet().stream()
        .filter(e -> !e.getKey().equals(sender) && e.getValue() >= seq)
        .map(Map.Entry::getKey)
        .toList();
  }
}
