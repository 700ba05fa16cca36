package io.rallypoint.gateway.presence;

import io.rallypoint.gateway.fanout.LiveFanout;
import io.rallypoint.schemas.frame.PresenceFrame;
import io.rallypoint.schemas.frame.PresenceState;
import io.rallypoint.schemas.json.FrameCodec;
import java.util.Collection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells the other members of each of a user's conversations, on every node, that the user went online or offline. */
final class PresenceNotices {

  private static final Logger LOG = LoggerFactory.getLogger(PresenceNotices.class);

  private final LiveFanout fanout;

  PresenceNotices(LiveFanout fanout) {
    this.fanout = fanout;
  }

  void tell(String user, PresenceState state, Collection<String> conversations) {
    for (String conversation : conversations) {
      String frame = FrameCodec.encode(PresenceFrame.change(conversation, user, state));
      fanout.toOthers(conversation, user, frame).exceptionally(error -> {
        LOG.warn("presence {} of {} in {} reached this node only: {}", state.wire(), user, conversation, error.toString());
        return null;
      });
    }
  }
}
