package io.rallypoint.schemas.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON Schemas (draft 2020-12) shipped in this jar under {@code rallypoint/schemas/}, each with
 * an {@code $id} below {@value #ID_PREFIX}. Names are paths below that prefix, e.g.
 * {@code client/send.json} or {@code topics/chat.messages.json}.
 */
public final class ContractSchemas {

  /** The {@code $id} prefix of every schema; mapped to the classpath, never fetched. */
  public static final String ID_PREFIX = "https://rallypoint.dev/schemas/";

  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
      SpecificationVersion.DRAFT_2020_12,
      builder -> builder
          .schemaIdResolvers(ids -> ids.mapPrefix(ID_PREFIX, "classpath:rallypoint/schemas/"))
          .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

  private static final Map<String, Schema> LOADED = new ConcurrentHashMap<>();

  private ContractSchemas() {}

  /** The schema for a client frame type ({@code send}, {@code read}, ...). */
  public static String clientFrame(String type) {
    return "client/" + type + ".json";
  }

  /** The schema for a server frame type ({@code ack}, {@code message}, ...). */
  public static String serverFrame(String type) {
    return "server/" + type + ".json";
  }

  /** The schema for the values of a topic. */
  public static String topic(String topicName) {
    return "topics/" + topicName + ".json";
  }

  /** Whether a schema of that name ships in this jar. */
  public static boolean exists(String name) {
    return ContractSchemas.class.getClassLoader().getResource("rallypoint/schemas/" + name) != null;
  }

  /** The problems of a document against a schema, one line each naming the field; empty when valid. */
  public static List<String> problems(String name, JsonNode document) {
    List<Error> errors = schema(name).validate(document);
    return errors.stream().map(ContractSchemas::describe).toList();
  }

  /** Throws {@link ContractViolation} unless the document is valid against the schema. */
  public static void requireValid(String name, JsonNode document) {
    List<String> problems = problems(name, document);
    if (!problems.isEmpty()) {
      throw new ContractViolation(name, problems);
    }
  }

  private static Schema schema(String name) {
    return LOADED.computeIfAbsent(name, n -> {
      if (!exists(n)) {
        throw new IllegalArgumentException("no schema named " + n);
      }
      Schema schema = REGISTRY.getSchema(SchemaLocation.of(ID_PREFIX + n));
      schema.initializeValidators();
      return schema;
    });
  }

  private static String describe(Error error) {
    // "required" errors point at the parent object; name the missing property itself.
    String location = error.getInstanceLocation().toString();
    if (error.getProperty() != null && "required".equals(error.getKeyword())) {
      location = location + "." + error.getProperty();
      return location + ": is required";
    }
    return error.getMessage().startsWith(location) ? error.getMessage() : location + ": " + error.getMessage();
  }
}
