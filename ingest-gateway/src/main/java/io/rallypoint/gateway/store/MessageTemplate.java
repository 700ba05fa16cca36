package io.rallypoint.gateway.store;

import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.json.Json;

/**
 * A chat message's JSON split around its {@code seq} value, so the Redis script can insert the seq
 * it assigns without re-encoding the message (Redis' cjson would round numbers in metadata).
 *
 * <p>The split is safe: {@code seq} follows two string fields, and a JSON string cannot contain the
 * unescaped quote that {@value #SEQ_FIELD} starts with.
 */
public record MessageTemplate(String head, String tail) {

  private static final String SEQ_FIELD = "\"seq\":0,";

  /** Splits a message whose {@code seq} is 0 (not yet assigned). */
  public static MessageTemplate of(ChatMessage unsequenced) {
    if (unsequenced.seq() != 0) {
      throw new IllegalArgumentException("the message already has seq " + unsequenced.seq());
    }
    String json = Json.toString(unsequenced);
    int at = json.indexOf(SEQ_FIELD);
    if (at < 0) {
      throw new IllegalStateException("no seq field in " + json);
    }
    int valueStart = at + SEQ_FIELD.length() - 2;
    return new MessageTemplate(json.substring(0, valueStart), json.substring(valueStart + 1));
  }

  /** The JSON with the seq filled in, as the script builds it. */
  public String withSeq(long seq) {
    return head + seq + tail;
  }
}
