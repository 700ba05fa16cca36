package io.rallypoint.persister.write;

import io.rallypoint.schemas.frame.ChatMessage;
import java.util.Optional;

/**
 * An acked seq that will never be filled, for {@code message_gaps}: sync skips it instead of
 * waiting there forever. {@code messageId} is null when the dropped record's id is unknown.
 */
public record Gap(String conversation, long seq, String messageId, String reason) {

  /** The message is going to the dead-letter topic. */
  public static final String DEAD_LETTERED = "dead-lettered";

  /** The gap a dead-lettered message leaves, when PostgreSQL could hold its (conversation, seq) at all. */
  public static Optional<Gap> deadLettered(ChatMessage message) {
    return deadLettered(message.conversation(), message.seq(), message.messageId());
  }

  /**
   * The gap a dead-lettered record leaves at {@code (conversation, seq)} ({@code messageId} null
   * when unknown); empty when PostgreSQL could not hold that key, which no sync can ask for either.
   */
  public static Optional<Gap> deadLettered(String conversation, long seq, String messageId) {
    if (seq <= 0 || conversation.indexOf('\0') >= 0) {
      return Optional.empty();
    }
    return Optional.of(new Gap(conversation, seq, messageId, DEAD_LETTERED));
  }
}
