package io.rallypoint.gateway.typing;

import io.rallypoint.gateway.connection.Connection;
import io.rallypoint.gateway.connection.ConnectionListener;
import io.rallypoint.gateway.fanout.LiveFanout;
import io.rallypoint.schemas.frame.TypingFrame;
import io.rallypoint.schemas.frame.TypingNotice;
import io.rallypoint.schemas.frame.TypingState;
import io.rallypoint.schemas.json.FrameCodec;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Typing (PROTOCOL 1.3, {@code typing}), for members only (the caller wraps it in the membership
 * check): each {@code started} and {@code stopped} goes to the conversation's other members on every
 * node as a {@code typing} frame; a {@code started} not renewed within 6 s, or whose connection
 * closes, ends with a {@code stopped} ({@link TypingLapses}). Nothing is stored, cached or written
 * to Kafka, and nothing is answered: a typing frame that Redis did not take reached only this node.
 */
public final class TypingRelay implements ConnectionListener {

  private static final Logger LOG = LoggerFactory.getLogger(TypingRelay.class);

  private final LiveFanout fanout;
  private final TypingLapses lapses;

  public TypingRelay(LiveFanout fanout, LapseTimer timer) {
    this.fanout = fanout;
    this.lapses = new TypingLapses(timer, (conversation, user) -> tell(conversation, user, TypingState.STOPPED));
  }

  /** Handles a member's {@code typing} frame; completes at once (nothing waits for Redis). */
  public CompletionStage<Void> handle(Connection connection, TypingFrame f) {
    if (f.state() == TypingState.STARTED) {
      lapses.started(f.conversation(), connection.user(), connection);
    } else {
      lapses.stopped(f.conversation(), connection.user());
    }
    tell(f.conversation(), connection.user(), f.state());
    return CompletableFuture.completedFuture(null);
  }

  /** A connection that closes while its user types ends the typing. */
  @Override
  public void closed(Connection connection) {
    for (String conversation : lapses.closed(connection)) {
      tell(conversation, connection.user(), TypingState.STOPPED);
    }
  }

  private void tell(String conversation, String user, TypingState state) {
    String frame = FrameCodec.encode(new TypingNotice(conversation, user, state));
    fanout.toOthers(conversation, user, frame).exceptionally(error -> {
      LOG.debug("typing of {} in {} reached this node only: {}", user, conversation, error.toString());
      return null;
    });
  }
}
