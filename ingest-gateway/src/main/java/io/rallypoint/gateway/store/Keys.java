package io.rallypoint.gateway.store;

/**
 * Names of the gateway's Redis keys and pub/sub channels. Keys live in the configured database;
 * channels are global to the server, so their names carry the database index as well as a prefix.
 *
 * <p>Every key of a conversation, and its channel, carries the conversation as a hash tag
 * ({@code rp:{ride-42}:seq}): on a Redis Cluster they all hash to one slot, so each script runs on
 * one node with every key it touches, and the channel's sharded publish ({@code SPUBLISH}) goes to
 * that node's shard only. A recording session's key is tagged by the session; no script or command
 * touches keys of two conversations or sessions at once.
 */
public final class Keys {

  private final String channelPrefix;
  private final String changesChannel;

  /** @param channelPrefix e.g. {@code rallypoint}; @param database the Redis database index */
  public Keys(String channelPrefix, int database) {
    this.channelPrefix = channelPrefix + ":" + database + ":conv:";
    this.changesChannel = channelPrefix + ":" + database + ":changes";
  }

  private static String conversationKey(String conversation, String kind) {
    return "rp:{" + conversation + "}:" + kind;
  }

  /**
   * Idempotency entry of a send: (sender, clientMsgId) within the conversation, in its slot so the
   * accept script reads it with the counter; the UUID last keeps it unambiguous.
   */
  public String idempotency(String conversation, String sender, String clientMsgId) {
    return conversationKey(conversation, "idem:" + sender + ":" + clientMsgId);
  }

  public String seq(String conversation) {
    return conversationKey(conversation, "seq");
  }

  /**
   * The run id of the Redis process that the conversation's seq counter belongs to: a counter is
   * trusted only by the process that started it (see accept.lua).
   */
  public String seqOwner(String conversation) {
    return conversationKey(conversation, "seqrun");
  }

  /** The conversation's last {@code sentAt} in epoch milliseconds: each new message is stamped after it. */
  public String lastSentAt(String conversation) {
    return conversationKey(conversation, "sent");
  }

  public String recent(String conversation) {
    return conversationKey(conversation, "recent");
  }

  /** Bitmap of the conversation's seqs that Kafka acked (bit = seq). */
  public String acked(String conversation) {
    return conversationKey(conversation, "acked");
  }

  /** A recording session's owner and state (a cache of {@code recording_sessions}). */
  public String recordingSession(String session) {
    return "rp:rec:{" + session + "}";
  }

  /** A conversation's latest meeting point. */
  public String meetingPoint(String conversation) {
    return conversationKey(conversation, "meet");
  }

  public String receipts(String conversation) {
    return conversationKey(conversation, "read");
  }

  /** The nodes a user has connections on (a hash: node id -> 1), in the user's slot. */
  public String presenceOfUser(String user) {
    return "rp:presence:user:{" + user + "}";
  }

  /** Every gateway node that announced itself and has not been cleaned up after (a set of node ids). */
  public String presenceNodes() {
    return "rp:presence:nodes";
  }

  /** A node's heartbeat: present while the node lives (it expires a TTL after the node's last beat). */
  public String nodeHeartbeat(String nodeId) {
    return "rp:presence:node:{" + nodeId + "}";
  }

  /** The users with connections on a node (a set), in the node's slot. */
  public String nodeUsers(String nodeId) {
    return "rp:presence:node:{" + nodeId + "}:users";
  }

  /** Which surviving node cleans up after a dead one (a lock with a TTL), in the dead node's slot. */
  public String nodeReaper(String nodeId) {
    return "rp:presence:node:{" + nodeId + "}:reaper";
  }

  /** The pub/sub channel of a conversation's messages and receipts (in the conversation's slot). */
  public String channel(String conversation) {
    return channelPrefix + "{" + conversation + "}";
  }

  /** The pub/sub channel of changes every node follows (members, consent: see the admin API). */
  public String changesChannel() {
    return changesChannel;
  }

  /** The conversation a channel belongs to, or {@code null} when it is not one of ours. */
  public String conversationOf(String channel) {
    if (!channel.startsWith(channelPrefix) || !channel.endsWith("}")
        || channel.length() < channelPrefix.length() + 2 || channel.charAt(channelPrefix.length()) != '{') {
      return null;
    }
    return channel.substring(channelPrefix.length() + 1, channel.length() - 1);
  }
}
