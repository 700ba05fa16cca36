package io.rallypoint.gateway.wire;

/**
 * JSON text made safe to send as UTF-8. A client may send an unpaired surrogate as a JSON escape
 * (<code>"&#92;ud83d"</code>, a JavaScript string cut inside an emoji); Jackson reads it into a Java string
 * and writes it back as the bare char, which UTF-8 cannot carry: the frame encoder would send
 * {@code ?} instead, and a reply would not carry the id the frame had.
 */
public final class JsonText {

  private JsonText() {}

  /**
   * The text with every unpaired surrogate written as its JSON escape (<code>&#92;udXXX</code>); Jackson
   * puts such chars only inside strings, where the escape means the same char. Pairs stay as they
   * are. The text itself when it has none (no copy; emoji are pairs).
   */
  public static String withUnpairedSurrogatesEscaped(String json) {
    int first = unpairedFrom(json, 0);
    if (first < 0) {
      return json;
    }
    StringBuilder out = new StringBuilder(json.length() + 12);
    int copied = 0;
    for (int at = first; at >= 0; at = unpairedFrom(json, at + 1)) {
      out.append(json, copied, at).append("\\u").append(Integer.toHexString(json.charAt(at)));
      copied = at + 1;
    }
    return out.append(json, copied, json.length()).toString();
  }

  /** The index of the first unpaired surrogate at or after {@code from}, or -1. */
  private static int unpairedFrom(String json, int from) {
    for (int i = from; i < json.length(); i++) {
      char c = json.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < json.length() && Character.isLowSurrogate(json.charAt(i + 1))) {
          i++; // a pair: UTF-8 carries it
        } else {
          return i;
        }
      }
    }
    return -1;
  }
}
