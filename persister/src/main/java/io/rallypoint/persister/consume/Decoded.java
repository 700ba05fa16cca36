package io.rallypoint.persister.consume;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.persister.write.Gap;
import io.rallypoint.persister.write.Rejected;
import io.rallypoint.schemas.event.ReceiptEvent;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.json.Json;
import io.rallypoint.schemas.topic.Topics;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A poll's records read with the registry's serdes: chat messages (with their source record),
 * read receipts, and what could not be read at all (which goes to the dead-letter topic).
 */
record Decoded(List<SourcedMessage> messages, List<ReceiptEvent> receipts, List<Unreadable> unreadable) {

  private static final Logger LOG = LoggerFactory.getLogger(Decoded.class);

  /** A record whose bytes are not a chat message, and why. */
  record Unreadable(ConsumerRecord<byte[], byte[]> record, String reason) {

    /**
     * The gap this record leaves, when its bytes are still a JSON object naming a conversation and
     * a seq (e.g. a field the schema refuses); empty otherwise.
     */
    Optional<Gap> gap() {
      if (record.value() == null) {
        return Optional.empty();
      }
      JsonNode tree;
      try {
        tree = Json.parse(record.value());
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
      return Gap.deadLettered(conversation.asText(), seq.asLong(), messageId);
    }
  }

  /** The chat messages alone, in order: what the store writes. */
  List<ChatMessage> chatMessages() {
    return messages.stream().map(SourcedMessage::message).toList();
  }

  /** The record a message the store refused was read from (its index is into {@link #chatMessages()}). */
  ConsumerRecord<byte[], byte[]> recordOf(Rejected rejected) {
    return messages.get(rejected.index()).record();
  }

  /** The seqs the unreadable records leave empty, where their bytes still name a conversation and seq. */
  List<Gap> unreadableGaps() {
    return unreadable.stream().flatMap(u -> u.gap().stream()).toList();
  }

  static Decoded of(Iterable<ConsumerRecord<byte[], byte[]>> records) {
    List<SourcedMessage> messages = new ArrayList<>();
    List<ReceiptEvent> receipts = new ArrayList<>();
    List<Unreadable> unreadable = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      if (record.topic().equals(Topics.CHAT_RECEIPTS.name())) {
        try {
          ReceiptEvent receipt = Topics.CHAT_RECEIPTS.readValue(record);
          if (receipt != null) {
            receipts.add(receipt);
          }
        } catch (SerializationException e) {
          LOG.warn("Skipping unreadable read receipt at {}-{}@{}: {}", record.topic(), record.partition(),
              record.offset(), e.getMessage());
        }
        continue;
      }
      try {
        ChatMessage message = Topics.CHAT_MESSAGES.readValue(record);
        if (message == null) {
          unreadable.add(new Unreadable(record, "empty value"));
        } else {
          messages.add(new SourcedMessage(message, record));
        }
      } catch (SerializationException e) {
        unreadable.add(new Unreadable(record, e.getMessage()));
      }
    }
    return new Decoded(messages, receipts, unreadable);
  }
}
