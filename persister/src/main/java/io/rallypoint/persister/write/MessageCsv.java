package io.rallypoint.persister.write;

import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.json.Json;
import java.util.List;

/**
 * Chat messages as PostgreSQL {@code COPY ... (FORMAT csv)} input, in the column order of
 * {@link MessageDao#COPY_COLUMNS}. Text is always quoted (a quote doubled inside), so commas, line
 * breaks and quotes in a body survive; an absent value is an unquoted empty field, i.e. NULL.
 */
final class MessageCsv {

  private MessageCsv() {}

  static String of(List<ChatMessage> messages) {
    StringBuilder out = new StringBuilder(messages.size() * 256);
    for (ChatMessage m : messages) {
      field(out, m.messageId()).append(',');
      field(out, m.conversation()).append(',');
      out.append(m.seq()).append(',');
      field(out, m.sender()).append(',');
      field(out, m.clientMsgId()).append(',');
      field(out, m.body()).append(',');
      field(out, m.metadata() == null ? "{}" : Json.toString(m.metadata())).append(',');
      field(out, m.sentAt() == null ? null : Json.format(m.sentAt())).append('\n');
    }
    return out.toString();
  }

  private static StringBuilder field(StringBuilder out, String value) {
    if (value == null) {
      return out;
    }
    out.append('"');
    // most fields hold no quote: append them whole
    out.append(value.indexOf('"') < 0 ? value : value.replace("\"", "\"\""));
    return out.append('"');
  }
}
