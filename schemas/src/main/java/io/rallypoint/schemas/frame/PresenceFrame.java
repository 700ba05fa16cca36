package io.rallypoint.schemas.frame;

import java.util.List;

/**
 * {@code presence} (server to client), in one of its two shapes: pushed when {@code user} went
 * {@code online} or {@code offline} ({@link #change}), or the reply to a {@code presence} request
 * with the members {@code online} and {@code recording} now ({@link #reply}). The fields of the
 * other shape are null (and left out on the wire).
 */
public record PresenceFrame(String id, String conversation, String user, PresenceState state, List<String> online,
    List<String> recording) implements ServerFrame {

  public PresenceFrame {
    boolean isChange = user != null && state != null && online == null && recording == null && id == null;
    boolean isReply = user == null && state == null && online != null && recording != null;
    if (!isChange && !isReply) {
      throw new IllegalArgumentException("a presence frame is either user + state or (id,) online + recording");
    }
  }

  /** The push: {@code user} went {@code state}. */
  public static PresenceFrame change(String conversation, String user, PresenceState state) {
    return new PresenceFrame(null, conversation, user, state, null, null);
  }

  /** The reply to a {@code presence} request ({@code id} may be null). */
  public static PresenceFrame reply(String id, String conversation, List<String> online, List<String> recording) {
    return new PresenceFrame(id, conversation, null, null, List.copyOf(online), List.copyOf(recording));
  }
}
