package io.rallypoint.launcher.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rallypoint.persister.replay.DeadLetter;
import io.rallypoint.schemas.json.Json;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import org.apache.kafka.common.header.Header;

/** How the {@code dlq} commands show a dead letter: a table line, a JSON object, or in full. */
final class DeadLetterText {

  /** Errors longer than this are cut in a table line (the JSON and {@code show} have all of it). */
  static final int ERROR_WIDTH = 80;

  static final String HEADER = String.format("%-9s %-24s %-8s %-16s %-20s %6s %-36s %s",
      "RECORD", "FIRST-FAILED-AT", "ATTEMPTS", "ERROR-KIND", "CONVERSATION", "SEQ", "CLIENT-MSG-ID", "ERROR");

  private DeadLetterText() {}

  /** One line of the table under {@link #HEADER}. */
  static String line(DeadLetter letter) {
    return String.format("%-9s %-24s %-8s %-16s %-20s %6s %-36s %s",
        letter.partition() + ":" + letter.offset(),
        Json.format(letter.failedAt()),
        letter.attempts().isPresent() ? String.valueOf(letter.attempts().getAsInt()) : "-",
        letter.errorKind().orElse("-"),
        letter.conversation().orElse("-"),
        letter.seq().isPresent() ? String.valueOf(letter.seq().getAsLong()) : "-",
        letter.clientMsgId().orElse("-"),
        truncate(oneLine(letter.error().orElse("-")), ERROR_WIDTH));
  }

  /** The record as a JSON object, for {@code --json}. */
  static ObjectNode json(DeadLetter letter) {
    ObjectNode node = Json.object();
    node.put("partition", letter.partition());
    node.put("offset", letter.offset());
    letter.conversation().ifPresent(c -> node.put("conversation", c));
    letter.seq().ifPresent(s -> node.put("seq", s));
    letter.clientMsgId().ifPresent(c -> node.put("clientMsgId", c));
    letter.errorKind().ifPresent(k -> node.put("errorKind", k));
    letter.error().ifPresent(e -> node.put("error", e));
    letter.firstFailedAt().ifPresent(t -> node.put("firstFailedAt", Json.format(t)));
    letter.attempts().ifPresent(a -> node.put("attempts", a));
    node.put("timestamp", Json.format(java.time.Instant.ofEpochMilli(letter.record().timestamp())));
    return node;
  }

  /** Everything about the record: where it is, every header, the key and the value (pretty JSON when it is JSON). */
  static String full(DeadLetter letter) {
    StringBuilder s = new StringBuilder();
    s.append("record     ").append(letter.where()).append('\n');
    s.append("timestamp  ").append(Json.format(java.time.Instant.ofEpochMilli(letter.record().timestamp()))).append('\n');
    s.append("key        ").append(letter.conversation().orElse("(none)")).append('\n');
    s.append("headers\n");
    for (Header header : letter.record().headers()) {
      s.append("  ").append(header.key()).append(": ").append(text(header.value())).append('\n');
    }
    byte[] value = letter.record().value();
    if (value == null) {
      s.append("value      (null)\n");
    } else {
      JsonNode tree = letter.value().orElse(null);
      if (tree != null) {
        s.append("value\n").append(pretty(tree)).append('\n');
      } else {
        s.append("value (").append(value.length).append(" bytes, not JSON)\n").append(text(value)).append('\n');
      }
    }
    return s.toString();
  }

  /** A summary object for {@code --json}: counts by error kind. */
  static ObjectNode counts(Map<String, Integer> byKind) {
    ObjectNode node = Json.object();
    byKind.forEach(node::put);
    return node;
  }

  static String pretty(JsonNode tree) {
    try {
      return Json.writer().withDefaultPrettyPrinter().writeValueAsString(tree);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a parsed tree could not be written", e);
    }
  }

  /** UTF-8 text when the bytes are that, else their hex. */
  private static String text(byte[] bytes) {
    if (bytes == null) {
      return "(null)";
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return "(not UTF-8, hex) " + HexFormat.of().formatHex(bytes);
    }
  }

  private static String oneLine(String text) {
    return text.replaceAll("\\s+", " ").trim();
  }

  static String truncate(String text, int width) {
    return text.length() <= width ? text : text.substring(0, width - 3) + "...";
  }
}
