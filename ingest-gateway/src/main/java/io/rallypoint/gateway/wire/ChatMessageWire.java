package io.rallypoint.gateway.wire;

import com.fasterxml.jackson.databind.ObjectReader;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The one owner of a chat message's wire form. The message is encoded once, with Jackson, before
 * its seq exists; everything after that works on that text without a second Jackson pass:
 * <ul>
 *   <li>{@link #template}: the JSON split around its {@code seq} and {@code sentAt} values, which the
 *       accept script (Redis) fills in with the seq it assigns, moving {@code sentAt} forward when it
 *       must, as {@link Template#withSeq} does (Redis' cjson would round numbers in metadata, so
 *       the script never decodes the JSON);</li>
 *   <li>{@link #sequenced}: the seq and sentAt read back from the text the script returns;</li>
 *   <li>{@link #messageFrame}: that text framed as a {@code message} frame, and
 *       {@link Template#publishPrefix}: what the script puts before the message text when it
 *       publishes that frame to the other nodes (inside a {@link NodeEnvelope});</li>
 *   <li>{@link #topicValue}: the value of {@code chat.messages} (the message without {@code type},
 *       exactly as the topic's serde writes it);</li>
 *   <li>{@link #parse}: any of these read back as a record (sync, resends).</li>
 * </ul>
 *
 * <p>The split is safe: {@code seq} follows two string fields, and a JSON string cannot contain the
 * unescaped quote that {@value #SEQ_FIELD} starts with; {@code sentAt} is the record's last field,
 * so the JSON ends with {@code "sentAt":"<instant>"}}.
 */
public final class ChatMessageWire {

  private static final ObjectReader MESSAGE_READER = Json.readerFor(ChatMessage.class);
  private static final String SEQ_FIELD = "\"seq\":0,";
  private static final String SENT_AT_FIELD = "\"sentAt\":\"";
  /** What closes the JSON after the sentAt value. */
  private static final String END = "\"}";
  /** A message's JSON becomes its frame by putting the type first, in place of the opening brace. */
  private static final String MESSAGE_FRAME_HEAD = "{\"type\":\"message\",";

  private ChatMessageWire() {}

  /**
   * A message's JSON split around its seq and sentAt values.
   *
   * @param head         the JSON up to the seq value
   * @param middle       from after the seq value up to and including the quote that opens the sentAt value
   * @param sentAt       the sentAt value as written (ISO-8601 UTC with milliseconds)
   * @param sentAtMillis the same instant in epoch milliseconds
   */
  public record Template(String head, String middle, String sentAt, long sentAtMillis) {

    /** The JSON with the seq filled in and sentAt as written, as the accept script builds it. */
    public String withSeq(long seq) {
      return head + seq + middle + sentAt + END;
    }

    /** What closes the JSON after the sentAt value (the script appends it). */
    public String end() {
      return END;
    }

    /**
     * What the accept script publishes before the message's JSON minus its opening brace: the
     * node's envelope and the {@code message} frame's type, so other nodes get the frame as it is.
     */
    public String publishPrefix(String nodeId) {
      return NodeEnvelope.prefix(nodeId) + MESSAGE_FRAME_HEAD;
    }
  }

  /** Encodes a message whose {@code seq} is 0 (not yet assigned) and splits it. */
  public static Template template(ChatMessage unsequenced) {
    if (unsequenced.seq() != 0) {
      throw new IllegalArgumentException("the message already has seq " + unsequenced.seq());
    }
    String json = Json.toString(unsequenced);
    int at = json.indexOf(SEQ_FIELD);
    int sentAtField = json.lastIndexOf(SENT_AT_FIELD);
    if (at < 0 || sentAtField < at || !json.endsWith(END)) {
      throw new IllegalStateException("no seq field, or not ending with sentAt, in " + json);
    }
    int valueStart = at + SEQ_FIELD.length() - 2;
    int sentAtStart = sentAtField + SENT_AT_FIELD.length();
    return new Template(json.substring(0, valueStart), json.substring(valueStart + 1, sentAtStart),
        json.substring(sentAtStart, json.length() - END.length()), unsequenced.sentAt().toEpochMilli());
  }

  /**
   * The message the script stored from {@code template}: {@code unsequenced} with the seq the
   * script put into {@code json} and the sentAt it kept or moved forward, read back without decoding
   * the whole message (a Jackson decode per send was a tenth of the worker loops' time at 5,000
   * msgs/s; a burst into one conversation moves many sentAts). Falls back to {@link #parse} if the
   * text is not shaped as the template.
   */
  public static ChatMessage sequenced(ChatMessage unsequenced, Template template, String json) {
    String head = template.head();
    String middle = template.middle();
    int seqEnd = json.indexOf(middle, head.length());
    if (!json.startsWith(head) || seqEnd <= head.length() || !json.endsWith(END)) {
      return parse(json);
    }
    int sentAtStart = seqEnd + middle.length();
    int sentAtEnd = json.length() - END.length();
    if (sentAtEnd <= sentAtStart) {
      return parse(json);
    }
    long seq;
    Instant sentAt;
    try {
      seq = Long.parseLong(json, head.length(), seqEnd, 10);
      sentAt = json.regionMatches(sentAtStart, template.sentAt(), 0, sentAtEnd - sentAtStart)
          && template.sentAt().length() == sentAtEnd - sentAtStart
          ? unsequenced.sentAt()
          : Instant.parse(json.substring(sentAtStart, sentAtEnd));
    } catch (NumberFormatException | DateTimeParseException e) {
      return parse(json);
    }
    return new ChatMessage(unsequenced.conversation(), unsequenced.messageId(), seq, unsequenced.sender(),
        unsequenced.clientMsgId(), unsequenced.body(), unsequenced.metadata(), sentAt);
  }

  /**
   * What the idempotency entry keeps once Kafka has the message: everything an {@code ack} needs,
   * without the body and metadata (up to a frame's size), which would otherwise sit in Redis for the
   * whole idempotency TTL. Content is served from the recent list and PostgreSQL, never from there.
   */
  public static String ackedEntry(ChatMessage message) {
    return Json.toString(new ChatMessage(message.conversation(), message.messageId(), message.seq(), message.sender(),
        message.clientMsgId(), "", Json.object(), message.sentAt()));
  }

  /** A message's JSON (as stored, produced or synced: without {@code type}) read back. */
  public static ChatMessage parse(String json) {
    try {
      return MESSAGE_READER.readValue(json);
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable chat message: " + json, e);
    }
  }

  /** The {@code message} frame of a message's JSON, built without re-encoding it. */
  public static String messageFrame(String json) {
    return MESSAGE_FRAME_HEAD + json.substring(1);
  }

  /**
   * The {@code sentAt} of a {@code message} frame in epoch milliseconds, read from the text's end
   * without allocating (the gateway reads it on every message it delivers, to time the delivery);
   * -1 when the text is not a message frame ending with an ISO-8601 UTC {@code sentAt}.
   */
  public static long sentAtMillis(String frameText) {
    if (!frameText.startsWith(MESSAGE_FRAME_HEAD) || !frameText.endsWith(END)) {
      return -1;
    }
    int end = frameText.length() - END.length() - 1; // at the 'Z'
    int start = frameText.lastIndexOf(SENT_AT_FIELD, end);
    if (start < 0) {
      return -1;
    }
    int at = start + SENT_AT_FIELD.length(); // "2026-11-24T06:16:11[.042]Z"
    if (end - at < 19 || frameText.charAt(end) != 'Z' || frameText.charAt(at + 4) != '-'
        || frameText.charAt(at + 7) != '-' || frameText.charAt(at + 10) != 'T' || frameText.charAt(at + 13) != ':'
        || frameText.charAt(at + 16) != ':') {
      return -1;
    }
    int year = digits(frameText, at, 4);
    int month = digits(frameText, at + 5, 2);
    int day = digits(frameText, at + 8, 2);
    int hour = digits(frameText, at + 11, 2);
    int minute = digits(frameText, at + 14, 2);
    int second = digits(frameText, at + 17, 2);
    int millis = 0;
    int fraction = at + 19;
    if (fraction < end) {
      if (frameText.charAt(fraction) != '.' || end - fraction - 1 > 9 || end - fraction - 1 < 1) {
        return -1;
      }
      int figures = Math.min(3, end - fraction - 1);
      millis = digits(frameText, fraction + 1, figures);
      for (int i = figures; i < 3; i++) {
        millis *= 10;
      }
      if (digits(frameText, fraction + 1, end - fraction - 1) < 0) { // at most 9 figures: fits an int
        return -1;
      }
    }
    if ((year | month | day | hour | minute | second | millis) < 0 || month < 1 || month > 12 || day < 1 || day > 31
        || hour > 23 || minute > 59 || second > 59) {
      return -1;
    }
    return ((daysSinceEpoch(year, month, day) * 24 + hour) * 60 + minute) * 60_000L + second * 1_000L + millis;
  }

  /** The decimal number of {@code count} digits at {@code from}, or -1 when one is not a digit. */
  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
  private static long daysSinceEpoch(int year, int month, int day) {
    int y = month <= 2 ? year - 1 : year;
    int era = Math.floorDiv(y, 400);
    int yearOfEra = y - era * 400;
    int dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146_097L + dayOfEra - 719_468;
  }

  /** The {@code chat.messages} value of a message's JSON: the same text, as UTF-8. */
  public static byte[] topicValue(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
