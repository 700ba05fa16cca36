package io.rallypoint.client.frame;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;

/**
 * The client's JSON: frames are read as trees (a client ignores fields it does not know, PROTOCOL
 * section 1.2) and written with the streaming generator, no reflection; times as the gateway
 * writes them, ISO-8601 UTC with milliseconds.
 */
public final class FrameJson {

  /** {@code 2026-11-24T06:16:11.042Z}. */
  private static final DateTimeFormatter INSTANT_MILLIS = new DateTimeFormatterBuilder().appendInstant(3).toFormatter();

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private FrameJson() {}

  /** Parses one frame; throws {@link IllegalArgumentException} when it is not JSON. */
  public static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
  }

  /** A new empty JSON object (for a message's {@code metadata}, say). */
  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** A tree as JSON text. */
  public static String write(JsonNode tree) {
    return write(gen -> gen.writeTree(tree));
  }

  /** An instant as the gateway writes times: UTC, three fraction digits. */
  public static String format(Instant instant) {
    return INSTANT_MILLIS.format(instant);
  }

  /** Something that writes one JSON value with a generator. */
  @FunctionalInterface
  interface Writing {
    void writeWith(JsonGenerator gen) throws IOException;
  }

  /** The JSON text {@code writing} produces. */
  static String write(Writing writing) {
    StringWriter out = new StringWriter(128);
    try (JsonGenerator gen = MAPPER.createGenerator(out)) {
      writing.writeWith(gen);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }
}
