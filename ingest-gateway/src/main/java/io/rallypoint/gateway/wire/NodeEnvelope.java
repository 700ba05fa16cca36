package io.rallypoint.gateway.wire;

/**
 * How a frame travels between gateway nodes on Redis pub/sub: {@code "<node id> <frame text>"}.
 * The node id lets the publishing node skip its own frames (it has delivered them locally); the
 * frame text is delivered to the other nodes' connections as it is.
 *
 * @param origin the id of the node that published the frame
 * @param frame  the frame's text
 */
public record NodeEnvelope(String origin, String frame) {

  /** What goes before the frame text. */
  public static String prefix(String nodeId) {
    return nodeId + " ";
  }

  /** The payload that carries {@code frame} from {@code nodeId}. */
  public static String wrap(String nodeId, String frame) {
    return prefix(nodeId) + frame;
  }

  /** The envelope in a payload, or null when the payload is not one. */
  public static NodeEnvelope parse(String payload) {
    int space = payload.indexOf(' ');
    return space <= 0 ? null : new NodeEnvelope(payload.substring(0, space), payload.substring(space + 1));
  }

  /** Whether {@code nodeId} published it. */
  public boolean from(String nodeId) {
    return origin.equals(nodeId);
  }
}
