package io.rallypoint.schemas.json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.rallypoint.schemas.frame.ClientFrame;
import io.rallypoint.schemas.frame.ErrorCode;
import io.rallypoint.schemas.frame.ServerFrame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Reads and writes WebSocket frames: one UTF-8 JSON object with a {@code type}.
 *
 * <p>Client frames are untrusted: each is checked against its JSON Schema before it is bound, so a
 * bad frame is refused with {@link ErrorCode#BAD_REQUEST} and a message that names the field. A
 * frame must be exactly one JSON object, and no string in it (nor a property name) may hold
 * U+0000: PostgreSQL stores neither in {@code text} nor in {@code jsonb}, so such a message could
 * be acked but never stored.
 */
public final class FrameCodec {

  /** A client frame is one JSON value: '{...}{...}' or '{...} junk' is refused, not half read. */
  private static final ObjectReader TREE_READER =
      Json.frames().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final ObjectReader CLIENT_READER = Json.frames().readerFor(ClientFrame.class);
  private static final ObjectReader SERVER_READER = Json.frames().readerFor(ServerFrame.class);
  private static final ObjectWriter CLIENT_WRITER = Json.frames().writerFor(ClientFrame.class);
  private static final ObjectWriter SERVER_WRITER = Json.frames().writerFor(ServerFrame.class);

  private FrameCodec() {}

  /** Decodes and validates a client frame, or says precisely what is wrong with it. */
  public static ClientFrame decodeClient(String text) throws BadFrameException {
    JsonNode tree = parseObject(text);
    String id = requestId(tree);
    String type = type(tree, id);
    if (text.contains("\\u0000")) { // NUL can only arrive escaped; the walk names where it is
      String where = nulAt(tree, "$");
      if (where != null) {
        throw new BadFrameException(ErrorCode.BAD_REQUEST, id, where + ": must not contain U+0000 (NUL)");
      }
    }
    if (!FrameTypes.CLIENT_TYPES.contains(type)) {
      throw new BadFrameException(ErrorCode.BAD_REQUEST, id,
          "unknown frame type '" + type + "' (one of " + String.join(", ", FrameTypes.CLIENT_TYPES) + ")");
    }
    String schema = ContractSchemas.clientFrame(type);
    List<String> problems;
    try {
      problems = ContractSchemas.problems(schema, tree);
    } catch (RuntimeException e) {
      // the validator cannot take every value JSON can write: 1e400 (read as Infinity) in an enum field
      // throws; unanswered, the exception would reach the connection's pipeline and close it
      throw new BadFrameException(ErrorCode.BAD_REQUEST, id, type + ": a value cannot be checked (" + e.getMessage() + ")");
    }
    if (!problems.isEmpty()) {
      throw new BadFrameException(ErrorCode.BAD_REQUEST, id, type + ": " + String.join("; ", problems));
    }
    try {
      return CLIENT_READER.readValue(tree);
    } catch (IOException e) {
      throw new BadFrameException(ErrorCode.BAD_REQUEST, id, type + ": " + JsonErrors.describe(e));
    }
  }

  /** Decodes a server frame (for clients, tests and benchmarks), checked against its schema. */
  public static ServerFrame decodeServer(String text) {
    JsonNode tree = Json.parse(text);
    String type = tree.path("type").asText();
    if (!FrameTypes.SERVER_TYPES.contains(type)) {
      throw new IllegalArgumentException("not a server frame type: '" + type + "'");
    }
    ContractSchemas.requireValid(ContractSchemas.serverFrame(type), tree);
    try {
      return SERVER_READER.readValue(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A server frame as JSON text, {@code type} first. */
  public static String encode(ServerFrame frame) {
    try {
      return SERVER_WRITER.writeValueAsString(frame);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A server frame as UTF-8 JSON bytes, {@code type} first. */
  public static byte[] encodeBytes(ServerFrame frame) {
    try {
      return SERVER_WRITER.writeValueAsBytes(frame);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A client frame as JSON text, {@code type} first (for clients, tests and benchmarks). */
  public static String encode(ClientFrame frame) {
    try {
      return CLIENT_WRITER.writeValueAsString(frame);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode parseObject(String text) throws BadFrameException {
    JsonNode tree;
    try {
      tree = TREE_READER.readTree(text);
    } catch (IOException e) {
      throw new BadFrameException(ErrorCode.BAD_REQUEST, null, "frame is not valid JSON: " + JsonErrors.describe(e));
    }
    if (tree == null || !tree.isObject()) {
      throw new BadFrameException(ErrorCode.BAD_REQUEST, null, "a frame must be a JSON object");
    }
    return tree;
  }

  /** The path of the first string or property name holding U+0000, or null. */
  private static String nulAt(JsonNode node, String path) {
    if (node.isTextual()) {
      return node.textValue().indexOf('\0') >= 0 ? path : null;
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String found = nulAt(node.get(i), path + "[" + i + "]");
        if (found != null) {
          return found;
        }
      }
    } else if (node.isObject()) {
      for (var field : node.properties()) {
        String child = path + "." + field.getKey();
        if (field.getKey().indexOf('\0') >= 0) {
          return child;
        }
        String found = nulAt(field.getValue(), child);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static String requestId(JsonNode tree) throws BadFrameException {
    JsonNode id = tree.get("id");
    if (id == null || id.isNull()) {
      return null;
    }
    if (!id.isTextual()) {
      throw new BadFrameException(ErrorCode.BAD_REQUEST, null, "$.id: must be a string");
    }
    return id.textValue();
  }

  private static String type(JsonNode tree, String id) throws BadFrameException {
    JsonNode type = tree.get("type");
    if (type == null || !type.isTextual()) {
      throw new BadFrameException(ErrorCode.BAD_REQUEST, id, "$.type: is required and must be a string");
    }
    return type.textValue();
  }
}
