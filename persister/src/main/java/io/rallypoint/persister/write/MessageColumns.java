package io.rallypoint.persister.write;

import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.json.Json;
import java.util.List;

/**
 * A batch of messages as one array per column, for a single {@code INSERT ... SELECT FROM unnest(...)}:
 * one statement and one round trip per batch, whatever its size.
 */
public record MessageColumns(
    String[] messageIds,
    String[] conversationIds,
    Long[] seqs,
    String[] senderIds,
    String[] clientMsgIds,
    String[] bodies,
    String[] metadata,
    String[] sentAts) {

  public static MessageColumns of(List<ChatMessage> messages) {
    int n = messages.size();
    MessageColumns c = new MessageColumns(new String[n], new String[n], new Long[n], new String[n], new String[n],
        new String[n], new String[n], new String[n]);
    for (int i = 0; i < n; i++) {
      ChatMessage m = messages.get(i);
      c.messageIds[i] = m.messageId();
      c.conversationIds[i] = m.conversation();
      c.seqs[i] = m.seq();
      c.senderIds[i] = m.sender();
      c.clientMsgIds[i] = m.clientMsgId();
      c.bodies[i] = m.body();
      c.metadata[i] = m.metadata() == null ? "{}" : Json.toString(m.metadata());
      c.sentAts[i] = m.sentAt() == null ? null : Json.format(m.sentAt());
    }
    return c;
  }
}
