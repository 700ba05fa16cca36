package io.rallypoint.schemas.frame;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code send}: post a chat message. {@code clientMsgId} is the client-made UUID that makes a
 * resend idempotent; {@code metadata} is optional free-form JSON (photos, location pins, ...).
 */
public record SendFrame(String id, String conversation, String clientMsgId, String body, ObjectNode metadata)
    implements ConversationFrame {

  /** The metadata {@code kind} ({@code location}, {@code meetup}, ...), or {@code null}. */
  public String metadataKind() {
    if (metadata == null || !metadata.path("kind").isTextual()) {
      return null;
    }
    return metadata.get("kind").textValue();
  }
}
