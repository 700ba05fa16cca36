package io.rallypoint.gateway.it;

import static io.rallypoint.gateway.it.Gateways.send;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.client.frame.FrameClient;
import io.rallypoint.testsupport.PostgresSchema;
import java.util.List;
import java.util.UUID;

/** A conversation's history: sent through a gateway, and written to PostgreSQL as the persister would. */
final class ChatHistory {

  private ChatHistory() {}

  /** Sends {@code count} messages one after the other, each acked, and returns their chat.messages records. */
  static List<JsonNode> sendAcked(FrameClient sender, String conversation, int count) {
    String last = null;
    for (int i = 1; i <= count; i++) {
      last = UUID.randomUUID().toString();
      sender.send(send("s" + i, conversation, last, "m" + i));
      sender.awaitType("ack");
    }
    String lastId = last;
    return TopicRecords.until("chat.messages", conversation, v -> v.path("clientMsgId").asText().equals(lastId));
  }

  /** Writes messages as the persister would (rows from their chat.messages records). */
  static void persist(PostgresSchema db, List<JsonNode> records) {
    for (JsonNode m : records) {
      db.sql("INSERT INTO messages (message_id, conversation_id, seq, sender_id, client_msg_id, body, metadata, sent_at)"
          + " VALUES ('" + m.path("messageId").asText() + "', '" + m.path("conversation").asText() + "', "
          + m.path("seq").asLong() + ", '" + m.path("sender").asText() + "', '" + m.path("clientMsgId").asText() + "', '"
          + m.path("body").asText() + "', '{}', '" + m.path("sentAt").asText() + "')");
    }
  }
}
