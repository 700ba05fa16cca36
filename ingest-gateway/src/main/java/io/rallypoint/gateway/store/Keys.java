package io.rallypoint.gateway.store;

/**
 * Names of the gateway's Redis keys and pub/sub channels. Keys live in the configured database;
 * channels are global to the server, so their names carry the database index as well as a prefix.
 */
public final class Keys {

  private final String channelPrefix;
  private final String changesChannel;

  /** @param channelPrefix e.g. {@code rallypoint}; @param database the Redis database index */
  public Keys(String channelPrefix, int database) {
    this.channelPrefix = channelPrefix + ":" + database + ":conv:";
    this.changesChannel = channelPrefix + ":" + database + ":changes";
  }

  /** Idempotency entry of a send: (sender, clientMsgId); the UUID last keeps it unambiguous. */
  public String idempotency(String sender, String clientMsgId) {
    return "rp:idem:" + sender + ":" + clientMsgId;
  }

  public String seq(String conversation) {
    return "rp:seq:" + conversation;
  }

  /**
   * The run id of the Redis process that the conversation's seq counter belongs to: a counter is
   * trusted only by the process that started it (see accept.lua).
   */
  public String seqOwner(String conversation) {
    return "rp:seqrun:" + conversation;
  }

  /** The conversation's last {@code sentAt} in epoch milliseconds: each new message is stamped after it. */
  public String lastSentAt(String conversation) {
    return "rp:sent:" + conversation;
  }

  public String recent(String conversation) {
    return "rp:recent:" + conversation;
  }

  /** Bitmap of the conversation's seqs that Kafka acked (bit = seq). */
  public String acked(String conversation) {
    return "rp:acked:" + conversation;
  }

  /** A recording session's owner and state (a cache of {@code recording_sessions}). */
  public String recordingSession(String session) {
    return "rp:rec:" + session;
  }

  /** A conversation's latest meeting point. */
  public String meetingPoint(String conversation) {
    return "rp:meet:" + conversation;
  }

  public String receipts(String conversation) {
    return "rp:read:" + conversation;
  }

  /** The pub/sub channel of a conversation's messages and receipts. */
  public String channel(String conversation) {
    return channelPrefix + conversation;
  }

  /** The pub/sub channel of changes every node follows (members, consent: see the admin API). */
  public String changesChannel() {
    return changesChannel;
  }

  /** The conversation a channel belongs to, or {@code null} when it is not one of ours. */
  public String conversationOf(String channel) {
    return channel.startsWith(channelPrefix) ? channel.substring(channelPrefix.length()) : null;
  }
}
