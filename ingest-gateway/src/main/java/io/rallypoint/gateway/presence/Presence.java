package io.rallypoint.gateway.presence;

import io.rallypoint.gateway.connection.ConnectionListener;
import io.rallypoint.gateway.deps.ErrorReplies;
import io.rallypoint.gateway.fanout.LiveFanout;
import io.rallypoint.gateway.frames.FrameStep;
import io.rallypoint.gateway.membership.Membership;
import io.rallypoint.gateway.store.RedisPresenceStore;
import io.rallypoint.schemas.frame.PresenceRequestFrame;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence on this node (PROTOCOL 1.3 and 1.4, {@code presence}): who is online, counted per user
 * across nodes in Redis ({@link PresenceTracker}), this node's heartbeat and the clean-up after dead
 * nodes ({@link DeadNodes}), and the answer to {@code presence} requests ({@link PresenceQuery}).
 */
public final class Presence implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Presence.class);

  private final PresenceTracker tracker;
  private final DeadNodes deadNodes;
  private final PresenceQuery query;

  /**
   * @param nodeTtl   how long a node's heartbeat lives (GATEWAY_PRESENCE_NODE_TTL)
   * @param scheduler runs the heartbeats and the looks for dead nodes
   */
  public Presence(String nodeId, RedisPresenceStore store, Membership membership, LiveFanout fanout,
      Recorders recording, ErrorReplies replies, Duration nodeTtl, ScheduledExecutorService scheduler) {
    PresenceNotices notices = new PresenceNotices(fanout);
    this.tracker = new PresenceTracker(nodeId, store, notices);
    this.deadNodes = new DeadNodes(nodeId, store, membership, notices, nodeTtl, scheduler);
    this.query = new PresenceQuery(membership, store, recording, replies);
  }

  /** Writes the node's first heartbeat (waiting up to {@code timeout}) and starts beating. */
  public void start(Duration timeout) {
    deadNodes.start(timeout);
  }

  /** Counts connections as they open and close. */
  public ConnectionListener connections() {
    return tracker;
  }

  /** The step of {@code presence} requests (for members: wrap it in the membership check). */
  public FrameStep<PresenceRequestFrame> requests() {
    return query::handle;
  }

  /** Lets the updates of connections already closed reach Redis (up to 2 s), then stops beating. */
  @Override
  public void close() {
    try {
      tracker.settled().get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("presence updates still under way at shutdown ({}); the other nodes clean up after this one", e.toString());
    }
    deadNodes.close();
  }
}
