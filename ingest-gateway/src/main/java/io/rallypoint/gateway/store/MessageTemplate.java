package io.rallypoint.gateway.store;

import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.json.Json;

/**
 * A chat message's JSON split around its {@code seq} and {@code sentAt} values, so the Redis
 * script can insert the seq it assigns, and move {@code sentAt} forward when it must, without
 * re-encoding the message (Redis' cjson would round numbers in metadata).
 *
 * <p>The split is safe: {@code seq} follows two string fields, and a JSON string cannot contain the
 * unescaped quote that {@value #SEQ_FIELD} starts with; {@code sentAt} is the record's last field,
 * so the JSON ends with {@code "sentAt":"<instant>"}}.
 *
 * @param head    the JSON up to the seq value
 * @param middle  from after the seq value up to and including the quote that opens the sentAt value
 * @param sentAt  the sentAt value as written (ISO-8601 UTC with milliseconds)
 * @param sentAtMillis the same instant in epoch milliseconds
 */
public record MessageTemplate(String head, String middle, String sentAt, long sentAtMillis) {

  private static final String SEQ_FIELD = "\"seq\":0,";
  private static final String SENT_AT_FIELD = "\"sentAt\":\"";
  /** What closes the JSON after the sentAt value. */
  static final String END = "\"}";

  /** Splits a message whose {@code seq} is 0 (not yet assigned). */
  public static MessageTemplate of(ChatMessage unsequenced) {
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
    return new MessageTemplate(json.substring(0, valueStart), json.substring(valueStart + 1, sentAtStart),
        json.substring(sentAtStart, json.length() - END.length()), unsequenced.sentAt().toEpochMilli());
  }

  /** The JSON with the seq filled in and sentAt as written, as the script builds it. */
  public String withSeq(long seq) {
    return head + seq + middle + sentAt + END;
  }
}
