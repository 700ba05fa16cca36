package io.rallypoint.schemas.frame;

import java.time.Instant;

/**
 * {@code sync}: fetch the messages after {@code afterSeq} (wins when both are given) or sent
 * strictly after {@code lastSyncedAt}; neither means the latest page. {@code limit} may be null.
 */
public record SyncFrame(String id, String conversation, Long afterSeq, Instant lastSyncedAt, Integer limit)
    implements ConversationFrame {

  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 500;

  /** The page size to use: the requested limit, or the default. */
  public int effectiveLimit() {
    return limit == null ? DEFAULT_LIMIT : limit;
  }
}
