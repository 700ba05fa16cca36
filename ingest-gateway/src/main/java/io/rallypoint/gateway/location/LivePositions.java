package io.rallypoint.gateway.location;

import io.rallypoint.gateway.fanout.LiveFanout;
import io.rallypoint.gateway.store.RedisLocationStore;
import io.rallypoint.schemas.frame.LocationFrame;
import io.rallypoint.schemas.frame.LocationNotice;
import io.rallypoint.schemas.json.FrameCodec;
import io.rallypoint.schemas.json.Json;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group's live map (PROTOCOL 1.4, {@code location}): each accepted position (Kafka has it) goes
 * to the conversation's other members on every node, through the same encode-once fan-out as chat.
 *
 * <ul>
 *   <li>Only accepted ones: a refused frame, or one Kafka did not confirm, is never shown.</li>
 *   <li>Never an older one after a newer: per (conversation, user) a position not newer than the
 *       last one sent is dropped here, and a relayed one not newer than the last one delivered is
 *       dropped by the receiving node ({@link #freshRelayed}).</li>
 *   <li>Nothing after the session ended or consent was withdrawn: both are checked again just
 *       before the position goes out (the session's state in Redis, which an {@code ended} updates
 *       on every node at once; consent as this node last read it, PROTOCOL 1.11).</li>
 * </ul>
 */
public final class LivePositions {

  private static final Logger LOG = LoggerFactory.getLogger(LivePositions.class);
  /** How the server's location frame text starts (FrameCodec writes {@code type} first). */
  private static final String FRAME_HEAD = "{\"type\":\"location\"";

  private final LiveFanout fanout;
  private final Consent consent;
  private final RedisLocationStore store;
  private final LatestPositions latest;

  public LivePositions(LiveFanout fanout, Consent consent, RedisLocationStore store, Clock clock) {
    this.fanout = fanout;
    this.consent = consent;
    this.store = store;
    this.latest = new LatestPositions(clock);
  }

  /** A position of {@code user} that Kafka has: shown to the other members unless it is stale or sharing stopped. */
  void accepted(LocationFrame f, String user) {
    stillSharing(f.session(), user).thenAccept(sharing -> {
      if (sharing && latest.advance(f.conversation(), user, f.at())) {
        String frame = FrameCodec.encode(new LocationNotice(f.conversation(), user, f.lat(), f.lng(), f.at()));
        fanout.toOthers(f.conversation(), user, frame).exceptionally(error -> {
          LOG.debug("position of {} in {} reached this node only: {}", user, f.conversation(), error.toString());
          return null;
        });
      }
    }).exceptionally(error -> {
      LOG.debug("position of {} in {} not shown: {}", user, f.conversation(), error.toString());
      return null;
    });
  }

  /**
   * Whether a frame another node relayed about {@code user} should be delivered here: every frame
   * but a position not newer than the last one of the user this node delivered.
   */
  public boolean freshRelayed(String conversation, String user, String frameText) {
    if (!frameText.startsWith(FRAME_HEAD)) {
      return true;
    }
    Instant at;
    try {
      at = Instant.parse(Json.parse(frameText).path("at").asText());
    } catch (RuntimeException e) {
      LOG.warn("dropping a relayed location frame without a readable at: {}", e.toString());
      return false;
    }
    return latest.advance(conversation, user, at);
  }

  private CompletableFuture<Boolean> stillSharing(String session, String user) {
    return consent.sharingEnabled(user).thenCompose(enabled -> !enabled
        ? CompletableFuture.completedFuture(false)
        : store.session(session).thenApply(cached -> cached.map(s -> s.active() && user.equals(s.user())).orElse(true)));
  }
}
