package io.rallypoint.schemas.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;

/**
 * The one JSON configuration of the project: records as objects, absent ({@code null}) fields
 * left out, instants as ISO-8601 UTC with exactly three fraction digits (PROTOCOL: "Times are
 * ISO-8601 UTC instants with milliseconds"), unknown fields ignored on read (clients may extend).
 *
 * <p>The mapper is built once and never reconfigured; callers get immutable readers and writers.
 */
public final class Json {

  /** {@code 2026-11-24T06:16:11.042Z}: always UTC, always milliseconds. */
  public static final DateTimeFormatter INSTANT_MILLIS = new DateTimeFormatterBuilder().appendInstant(3).toFormatter();

  private static final JsonMapper MAPPER = configured(JsonMapper.builder()).build();

  /** The same settings, plus the {@code type} property of WebSocket frames (see {@link FrameTypes}). */
  private static final JsonMapper FRAMES = configured(JsonMapper.builder())
      .addMixIn(io.rallypoint.schemas.frame.ClientFrame.class, FrameTypes.Client.class)
      .addMixIn(io.rallypoint.schemas.frame.ServerFrame.class, FrameTypes.Server.class)
      .build();

  private static JsonMapper.Builder configured(JsonMapper.Builder builder) {
    return builder
      .addModule(new JavaTimeModule())
      .addModule(new SimpleModule("rallypoint-instants").addSerializer(Instant.class, new InstantMillisSerializer()))
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .serializationInclusion(JsonInclude.Include.NON_NULL);
  }

  private Json() {}

  /** A reader for one type; immutable and thread-safe. */
  public static <T> ObjectReader readerFor(Class<T> type) {
    return MAPPER.readerFor(type);
  }

  /** The mapper that reads and writes frames with their {@code type}; for {@link FrameCodec}. */
  static JsonMapper frames() {
    return FRAMES;
  }

  /** The shared writer; immutable and thread-safe. */
  public static ObjectWriter writer() {
    return MAPPER.writer();
  }

  /** Parses a document into a tree; throws {@link UncheckedIOException} when it is not JSON. */
  public static JsonNode parse(byte[] json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses a document into a tree; throws {@link UncheckedIOException} when it is not JSON. */
  public static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The value as a tree (records become objects). */
  public static ObjectNode toTree(Object value) {
    return MAPPER.valueToTree(value);
  }

  /** Binds a tree to a type. */
  public static <T> T fromTree(JsonNode tree, Class<T> type) {
    try {
      return MAPPER.treeToValue(tree, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Serialises a value to UTF-8 JSON. */
  public static byte[] toBytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Serialises a value to a JSON string. */
  public static String toString(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new empty JSON object. */
  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** Formats an instant the way every Rallypoint document does. */
  public static String format(Instant instant) {
    return INSTANT_MILLIS.format(instant);
  }

  private static final class InstantMillisSerializer extends StdSerializer<Instant> {
    InstantMillisSerializer() {
      super(Instant.class);
    }

    @Override
    public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeString(INSTANT_MILLIS.format(value));
    }
  }
}
