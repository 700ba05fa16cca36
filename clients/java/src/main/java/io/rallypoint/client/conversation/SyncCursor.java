package io.rallypoint.client.conversation;

import java.util.OptionalLong;
import java.util.function.LongPredicate;

/**
 * Where a conversation's next sync starts (PROTOCOL section 1.10): the {@code lastSeq} of the last
 * page, moved forward by live messages only while their seqs are contiguous with it, so that a
 * message missed while disconnected is always fetched. Unknown until the first page: that sync
 * asks for the latest page.
 */
public final class SyncCursor {

  private long position = -1;

  /** The seq to pass as {@code afterSeq}; empty before the first page. */
  public OptionalLong position() {
    return position < 0 ? OptionalLong.empty() : OptionalLong.of(position);
  }

  /**
   * A sync page reached {@code lastSeq}: that is the cursor now, even when lower than before (a seq
   * counter that restarted lower, PROTOCOL 1.10: taking it cannot skip what is still to come);
   * then it moves over the seqs already {@code held}.
   */
  public void reached(long lastSeq, LongPredicate held) {
    position = Math.max(0, lastSeq);
    advance(held);
  }

  /** Moves the cursor over the seqs right after it that are {@code held}. */
  public void advance(LongPredicate held) {
    if (position < 0) {
      return;
    }
    while (held.test(position + 1)) {
      position++;
    }
  }

  /**
   * Whether a live message numbered {@code seq} leaves a hole after the cursor (it is more than one
   * past it): the client syncs from the cursor to fetch what it missed (PROTOCOL 1.8).
   */
  public boolean leavesHole(long seq) {
    return position >= 0 && seq > position + 1;
  }
}
