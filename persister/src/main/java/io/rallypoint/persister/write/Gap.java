package io.rallypoint.persister.write;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.json.Json;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * An acked seq that will never be filled, for {@code message_gaps}: sync skips it instead of
 * waiting there forever. {@code messageId} is null when the dropped record's id is unknown.
 */
public record Gap(String conversation, long seq, String messageId, String reason) {

  /** The message is going to the dead-letter topic. */
  public static final String DEAD_LETTERED = "dead-lettered";

  /** The gap a dead-lettered message leaves, when PostgreSQL could hold its (conversation, seq) at all. */
  public static Optional<Gap> deadLettered(ChatMessage message) {
    return of(message.conversation(), message.seq(), message.messageId());
  }

  /**
   * The gap an unreadable record leaves, when its bytes are still a JSON object naming a
   * conversation and a seq (e.g. a field the schema refuses); empty otherwise.
   */
  public static Optional<Gap> deadLettered(ConsumerRecord<byte[], byte[]> unreadable) {
    if (unreadable.value() == null) {
      return Optional.empty();
    }
    JsonNode tree;
    try {
      tree = Json.parse(unreadable.value());
    } catch (UncheckedIOException e) {
      return Optional.empty(); // not JSON at all
    }
    JsonNode conversation = tree.path("conversation");
    JsonNode seq = tree.path("seq");
    if (!conversation.isTextual() || !seq.canConvertToExactIntegral() || !seq.canConvertToLong()) {
      return Optional.empty();
    }
    String messageId = tree.path("messageId").asText(null);
    try {
      UUID.fromString(String.valueOf(messageId));
    } catch (IllegalArgumentException e) {
      messageId = null;
    }
    return of(conversation.asText(), seq.asLong(), messageId);
  }

  private static Optional<Gap> of(String conversation, long seq, String messageId) {
    // PostgreSQL could not store such a key (no sync can ask for it either): nothing to record
    if (seq <= 0 || conversation.indexOf('\0') >= 0) {
      return Optional.empty();
    }
    return Optional.of(new Gap(conversation, seq, messageId, DEAD_LETTERED));
  }
}
