package io.rallypoint.schemas.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.rallypoint.schemas.frame.ErrorCode;
import io.rallypoint.schemas.topic.RetryHeaders;
import io.rallypoint.schemas.topic.Topic;
import io.rallypoint.schemas.topic.Topics;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/asyncapi.yaml cannot silently fall behind the code or docs/PROTOCOL.md: its WebSocket
 * channel has a message for every frame type either of them names (and for nothing else), its
 * error message lists the error codes, it has a channel for every topic with the topic's schema
 * and settings, and the retry headers are the code's. Payloads reference the schema files where
 * those exist, and the examples of those messages are valid against them. (That the document is
 * valid AsyncAPI is AsyncApiDocumentIT's job, with the official parser.)
 */
class AsyncApiDocsTest {

  static final Path DOC = Path.of("..", "docs", "asyncapi.yaml");
  /** How the document references a schema file (relative to docs/). */
  private static final String SCHEMA_REF = "../schemas/src/main/resources/rallypoint/schemas/";
  private static final Pattern CODE_ROW = Pattern.compile("^\\| `([a-z_]+)` \\|.*");

  private final JsonNode api = read();
  private final ProtocolDoc protocol = ProtocolDoc.read();

  @Test
  void theWebSocketChannelHasAMessageForEveryClientFrameOfTheCodeAndOfProtocolMdAndNoOther() {
    Set<String> named = union(FrameTypes.CLIENT_TYPES, ProtocolDoc.schemaFiles("client"), protocol.clientFrames());
    assertThat(frames("client")).as("client.* messages of channel gateway").isEqualTo(named);
  }

  @Test
  void theWebSocketChannelHasAMessageForEveryServerFrameOfTheCodeAndOfProtocolMdAndNoOther() {
    Set<String> named = union(FrameTypes.SERVER_TYPES, ProtocolDoc.schemaFiles("server"), protocol.serverFrames());
    assertThat(frames("server")).as("server.* messages of channel gateway").isEqualTo(named);
  }

  @Test
  void aFrameWithASchemaFileReferencesItAndOneWithoutIsInlineAndListedAsNotServedYet() {
    for (Map.Entry<String, JsonNode> entry : fields(api.path("channels").path("gateway").path("messages")).entrySet()) {
      String direction = entry.getKey().substring(0, entry.getKey().indexOf('.'));
      String type = entry.getKey().substring(direction.length() + 1);
      JsonNode message = resolve(entry.getValue());
      assertThat(message.path("name").asText()).as("name of %s", entry.getKey()).isEqualTo(type);
      String payload = message.path("payload").path("$ref").asText();
      String file = direction + "/" + type + ".json";
      if (ContractSchemas.exists(file)) {
        assertThat(payload).as("payload of %s: its schema file", entry.getKey()).isEqualTo(SCHEMA_REF + file);
      } else {
        assertThat(payload).as("payload of %s (no schema file yet)", entry.getKey()).startsWith("#/components/schemas/");
        assertThat(protocol.notBuilt()).as("%s has no schema file, so PROTOCOL lists it as not served yet", type)
            .contains(type);
        assertThat(typeConstants(pointer(payload))).as("the type of the inline schema of %s", entry.getKey())
            .containsOnly(type);
      }
    }
  }

  @Test
  void theErrorMessageListsEveryErrorCodeOfTheCode() {
    Set<String> listed = new TreeSet<>();
    for (String line : resolve(api.path("channels").path("gateway").path("messages").path("server.error"))
        .path("description").asText().lines().toList()) {
      Matcher m = CODE_ROW.matcher(line);
      if (m.matches()) {
        listed.add(m.group(1));
      }
    }
    Set<String> coded = Arrays.stream(ErrorCode.values()).map(ErrorCode::wire).collect(Collectors.toCollection(TreeSet::new));
    assertThat(listed).isEqualTo(coded);
  }

  @Test
  void everyTopicOfTheRegistryAndOfProtocolMdIsAKafkaChannelAndNothingElseIs() {
    Set<String> named = union(Topics.ALL.stream().map(Topic::name).toList(), protocol.topics());
    assertThat(kafkaChannels().keySet()).isEqualTo(named);
  }

  @Test
  void eachTopicChannelCarriesTheTopicsSchemaKeyAndSettings() {
    Map<String, JsonNode> channels = kafkaChannels();
    for (Topic<String, ?> topic : Topics.ALL) {
      JsonNode channel = channels.get(topic.name());
      JsonNode binding = channel.path("bindings").path("kafka");
      assertThat(binding.path("topic").asText()).as("kafka binding of %s", topic.name()).isEqualTo(topic.name());
      assertThat(binding.path("partitions").asInt()).as("partitions of %s", topic.name()).isEqualTo(topic.partitions());
      JsonNode config = binding.path("topicConfiguration");
      assertThat(config.path("cleanup.policy").path(0).asText())
          .as("cleanup.policy of %s", topic.name()).isEqualTo(topic.config().getOrDefault("cleanup.policy", "delete"));
      assertThat(config.path("retention.ms").asText(null))
          .as("retention.ms of %s", topic.name()).isEqualTo(topic.config().get("retention.ms"));

      List<String> payloads = new ArrayList<>();
      for (JsonNode ref : fields(channel.path("messages")).values()) {
        JsonNode message = resolve(ref);
        assertThat(message.path("bindings").path("kafka").path("key").isMissingNode()
            && traitKey(message).isMissingNode()).as("a message of %s without a key schema", topic.name()).isFalse();
        if (message.path("payload").has("$ref")) {
          payloads.add(message.path("payload").path("$ref").asText());
        }
      }
      assertThat(payloads).as("JSON payloads of %s", topic.name()).isNotEmpty()
          .containsOnly(SCHEMA_REF + topic.valueSchema());
    }
  }

  @Test
  void theRetryHeadersAreThoseOfTheCodeAndOfProtocolMd() throws IllegalAccessException {
    Set<String> coded = new TreeSet<>();
    for (Field field : RetryHeaders.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        coded.add((String) field.get(null));
      }
    }
    JsonNode headers = api.path("components").path("schemas").path("retryHeaders");
    assertThat(fields(headers.path("properties")).keySet()).as("components.schemas.retryHeaders").isEqualTo(coded);
    assertThat(protocol.retryHeaders()).as("the table of PROTOCOL section 2.2").isEqualTo(coded);
    for (String topic : List.of("chat.messages.retry.1", "chat.messages.retry.2", "chat.messages.retry.3",
        "chat.messages.dlq")) {
      for (JsonNode ref : fields(kafkaChannels().get(topic).path("messages")).values()) {
        assertThat(resolve(ref).path("headers").path("$ref").asText()).as("headers of the records of %s", topic)
            .isEqualTo("#/components/schemas/retryHeaders");
      }
    }
  }

  @Test
  void theExamplesOfEveryMessageWithASchemaFileAreValidAgainstIt() {
    int checked = 0;
    for (Map.Entry<String, JsonNode> entry : fields(api.path("components").path("messages")).entrySet()) {
      String ref = entry.getValue().path("payload").path("$ref").asText();
      if (!ref.startsWith(SCHEMA_REF)) {
        continue;
      }
      String schema = ref.substring(SCHEMA_REF.length());
      for (JsonNode example : entry.getValue().path("examples")) {
        assertThat(ContractSchemas.problems(schema, example.path("payload")))
            .as("example %s of %s against %s", example.path("name").asText(), entry.getKey(), schema).isEmpty();
        checked++;
      }
    }
    assertThat(checked).as("examples checked").isGreaterThan(20);
  }

  private static JsonNode read() {
    try {
      return new YAMLMapper().readTree(DOC.toFile());
    } catch (IOException e) {
      throw new AssertionError("cannot read " + DOC + ": " + e.getMessage(), e);
    }
  }

  /** The frame types of one direction that channel gateway has a message for ({@code client.send} is send). */
  private Set<String> frames(String direction) {
    return fields(api.path("channels").path("gateway").path("messages")).keySet().stream()
        .filter(k -> k.startsWith(direction + "."))
        .map(k -> k.substring(direction.length() + 1))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The channels with a Kafka binding, by address. */
  private Map<String, JsonNode> kafkaChannels() {
    Map<String, JsonNode> byAddress = new TreeMap<>();
    fields(api.path("channels")).values().stream()
        .filter(c -> c.path("bindings").has("kafka"))
        .forEach(c -> byAddress.put(c.path("address").asText(), c));
    return byAddress;
  }

  /** The key schema a message gets from its traits. */
  private JsonNode traitKey(JsonNode message) {
    for (JsonNode trait : message.path("traits")) {
      JsonNode key = resolve(trait).path("bindings").path("kafka").path("key");
      if (!key.isMissingNode()) {
        return key;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  /** Every {@code type} constant of a schema and of its {@code oneOf} branches. */
  private static Set<String> typeConstants(JsonNode schema) {
    Set<String> types = new TreeSet<>();
    Stream.concat(Stream.of(schema), stream(schema.path("oneOf")))
        .map(s -> s.path("properties").path("type").path("const"))
        .filter(JsonNode::isTextual)
        .forEach(t -> types.add(t.asText()));
    return types;
  }

  /** The node a local reference ({@code {"$ref": "#/..."}}) points to, or the node itself. */
  private JsonNode resolve(JsonNode node) {
    return node.has("$ref") ? pointer(node.path("$ref").asText()) : node;
  }

  private JsonNode pointer(String ref) {
    assertThat(ref).as("a reference inside the document").startsWith("#/");
    JsonNode target = api;
    for (String token : ref.substring(2).split("/")) {
      target = target.path(token.replace("~1", "/").replace("~0", "~"));
    }
    assertThat(target.isMissingNode()).as("%s points to nothing", ref).isFalse();
    return target;
  }

  private static Map<String, JsonNode> fields(JsonNode node) {
    Map<String, JsonNode> fields = new TreeMap<>();
    node.properties().forEach(e -> fields.put(e.getKey(), e.getValue()));
    return fields;
  }

  private static Stream<JsonNode> stream(JsonNode array) {
    List<JsonNode> items = new ArrayList<>();
    array.forEach(items::add);
    return items.stream();
  }

  @SafeVarargs
  private static Set<String> union(Collection<String>... sets) {
    Set<String> all = new TreeSet<>();
    for (Collection<String> set : sets) {
      all.addAll(set);
    }
    return all;
  }
}
