package io.rallypoint.gateway.wire;

/**
 * How a frame travels between gateway nodes on Redis pub/sub: {@code "<node id> <frame text>"}, or
 * {@code "<node id> <n>:<user><frame text>"} for a frame about one member (typing, a position,
 * presence) that the member's own connections do not get, {@code n} being the user id's length in
 * chars. The node id lets the publishing node skip its own frames (it has delivered them locally);
 * the frame text is delivered to the other nodes' connections as it is. A frame text always starts
 * with {@code {}, so the two forms cannot be confused.
 *
 * @param origin the id of the node that published the frame
 * @param except the user whose connections do not get the frame, or null
 * @param frame  the frame's text
 */
public record NodeEnvelope(String origin, String except, String frame) {

  /** What goes before the frame text. */
  public static String prefix(String nodeId) {
    return nodeId + " ";
  }

  /** The payload that carries {@code frame} from {@code nodeId}. */
  public static String wrap(String nodeId, String frame) {
    return prefix(nodeId) + frame;
  }

  /** The payload that carries {@code frame} from {@code nodeId} to everyone but {@code except}'s connections. */
  public static String wrap(String nodeId, String except, String frame) {
    return except == null ? wrap(nodeId, frame) : prefix(nodeId) + except.length() + ":" + except + frame;
  }

  /** The envelope in a payload, or null when the payload is not one. */
  public static NodeEnvelope parse(String payload) {
    int space = payload.indexOf(' ');
    if (space <= 0) {
      return null;
    }
    String origin = payload.substring(0, space);
    int start = space + 1;
    if (start < payload.length() && payload.charAt(start) >= '0' && payload.charAt(start) <= '9') {
      int colon = payload.indexOf(':', start);
      if (colon < 0 || colon - start > 4) {
        return null;
      }
      int length = Integer.parseInt(payload, start, colon, 10);
      int frameStart = colon + 1 + length;
      if (frameStart > payload.length()) {
        return null;
      }
      return new NodeEnvelope(origin, payload.substring(colon + 1, frameStart), payload.substring(frameStart));
    }
    return new NodeEnvelope(origin, null, payload.substring(start));
  }

  /** Whether {@code nodeId} published it. */
  public boolean from(String nodeId) {
    return origin.equals(nodeId);
  }
}
