package io.rallypoint.client.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * A chat message the gateway accepted (PROTOCOL section 1.4, {@code message}): numbered
 * {@code seq} in its conversation, with the gateway's {@code messageId} and the sender's
 * {@code clientMsgId}.
 */
public record ChatMessage(String conversation, String messageId, long seq, String sender, String clientMsgId,
    String body, ObjectNode metadata, Instant sentAt) {

  public ChatMessage {
    Objects.requireNonNull(conversation, "conversation");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(clientMsgId, "clientMsgId");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(sentAt, "sentAt");
    metadata = metadata == null ? JsonNodeFactory.instance.objectNode() : metadata.deepCopy();
  }

  /** The metadata object ({@code {}} when the sender gave none); a copy. */
  @Override
  public ObjectNode metadata() {
    return metadata.deepCopy();
  }

  /**
   * A {@code message} frame, or a message of a {@code sync} page (which has the same fields
   * without {@code type}); {@code conversation} stands in when the object lacks one.
   */
  public static ChatMessage fromJson(JsonNode m, String conversation) {
    return new ChatMessage(m.path("conversation").asText(conversation), m.path("messageId").asText(),
        m.path("seq").asLong(), m.path("sender").asText(), m.path("clientMsgId").asText(), m.path("body").asText(),
        m.get("metadata") instanceof ObjectNode metadata ? metadata : null, Instant.parse(m.path("sentAt").asText()));
  }
}
