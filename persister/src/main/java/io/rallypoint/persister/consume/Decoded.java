package io.rallypoint.persister.consume;

import io.rallypoint.persister.write.Gap;
import io.rallypoint.persister.write.SourcedMessage;
import io.rallypoint.schemas.event.ReceiptEvent;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.topic.Topics;
import java.util.ArrayList;
import java.util.List;
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
  record Unreadable(ConsumerRecord<byte[], byte[]> record, String reason) {}

  /** The seqs the unreadable records leave empty, where their bytes still name a conversation and seq. */
  List<Gap> unreadableGaps() {
    return unreadable.stream().flatMap(u -> Gap.deadLettered(u.record()).stream()).toList();
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
