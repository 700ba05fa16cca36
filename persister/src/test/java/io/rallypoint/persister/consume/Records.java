package io.rallypoint.persister.consume;

import io.rallypoint.schemas.event.ReceiptEvent;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.id.UuidV7;
import io.rallypoint.schemas.json.Json;
import io.rallypoint.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;

/** Chat traffic as the gateway writes it to Kafka; a message's body names it in the journal. */
final class Records {

  static final TopicPartition MESSAGES_0 = new TopicPartition(Topics.CHAT_MESSAGES.name(), 0);
  static final TopicPartition MESSAGES_1 = new TopicPartition(Topics.CHAT_MESSAGES.name(), 1);
  static final TopicPartition RECEIPTS_0 = new TopicPartition(Topics.CHAT_RECEIPTS.name(), 0);
  static final TopicPartition RETRY_1_0 = new TopicPartition(Topics.chatMessagesRetry(1).name(), 0);
  static final TopicPartition RETRY_1_1 = new TopicPartition(Topics.chatMessagesRetry(1).name(), 1);
  static final TopicPartition RETRY_3_0 = new TopicPartition(Topics.chatMessagesRetry(3).name(), 0);

  private Records() {}

  /** A message of conversation {@code ride}, as the gateway mints it. */
  static ChatMessage message(long seq, String body) {
    return new ChatMessage("ride", UuidV7.next().toString(), seq, "alice", UUID.randomUUID().toString(), body,
        Json.object(), Instant.parse("2026-11-24T06:00:00.000Z"));
  }

  static byte[] value(ChatMessage message) {
    return Topics.CHAT_MESSAGES.valueSerde().serializer().serialize(Topics.CHAT_MESSAGES.name(), message);
  }

  static byte[] value(ReceiptEvent receipt) {
    return Topics.CHAT_RECEIPTS.valueSerde().serializer().serialize(Topics.CHAT_RECEIPTS.name(), receipt);
  }

  static byte[] key(String conversation) {
    return conversation.getBytes(StandardCharsets.UTF_8);
  }

  /** How the journal names a record's value: a message by its body, anything else by its bytes. */
  static String label(byte[] value) {
    try {
      ChatMessage message = Topics.CHAT_MESSAGES.valueSerde().deserializer().deserialize(Topics.CHAT_MESSAGES.name(), value);
      return message.body();
    } catch (SerializationException e) {
      return "bytes " + new String(value, StandardCharsets.UTF_8);
    }
  }
}
