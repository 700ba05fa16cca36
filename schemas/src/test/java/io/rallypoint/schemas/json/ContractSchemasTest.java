package io.rallypoint.schemas.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rallypoint.schemas.ContractSamples;
import io.rallypoint.schemas.frame.ClientFrame;
import io.rallypoint.schemas.frame.ServerFrame;
import io.rallypoint.schemas.topic.Topic;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every document the code produces follows its published JSON Schema, and renames are caught. */
class ContractSchemasTest {

  @TestFactory
  Stream<DynamicTest> every_server_frame_the_code_writes_validates_against_its_schema() {
    return ContractSamples.serverFrames().stream().map(frame -> DynamicTest.dynamicTest(
        frame.getClass().getSimpleName(), () -> {
          JsonNode wire = Json.parse(FrameCodec.encode(frame));
          String schema = ContractSchemas.serverFrame(wire.path("type").asText());
          assertThat(ContractSchemas.problems(schema, wire)).as(wire.toString()).isEmpty();
        }));
  }

  @TestFactory
  Stream<DynamicTest> every_client_frame_validates_against_its_schema() {
    return ContractSamples.clientFrames().stream().map(frame -> DynamicTest.dynamicTest(
        frame.getClass().getSimpleName(), () -> {
          JsonNode wire = Json.parse(FrameCodec.encode(frame));
          String schema = ContractSchemas.clientFrame(wire.path("type").asText());
          assertThat(ContractSchemas.problems(schema, wire)).as(wire.toString()).isEmpty();
        }));
  }

  @TestFactory
  Stream<DynamicTest> every_topic_value_validates_against_the_topics_schema() {
    return ContractSamples.topicValues().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey().name(), () -> {
      JsonNode value = Json.parse(serialize(e.getKey(), e.getValue()));
      assertThat(value.has("type")).as("topic values carry no frame type").isFalse();
      assertThat(ContractSchemas.problems(e.getKey().valueSchema(), value)).as(value.toString()).isEmpty();
    }));
  }

  @TestFactory
  Stream<DynamicTest> renaming_any_field_of_a_server_document_breaks_its_schema() {
    List<DynamicTest> tests = new ArrayList<>();
    for (ServerFrame frame : ContractSamples.serverFrames()) {
      ObjectNode wire = (ObjectNode) Json.parse(FrameCodec.encode(frame));
      String schema = ContractSchemas.serverFrame(wire.path("type").asText());
      for (String field : fieldNames(wire)) {
        tests.add(DynamicTest.dynamicTest(wire.path("type").asText() + "." + field, () -> {
          ObjectNode renamed = wire.deepCopy();
          renamed.set(field + "Renamed", renamed.remove(field));
          assertThat(ContractSchemas.problems(schema, renamed)).isNotEmpty();
        }));
      }
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> renaming_any_field_of_a_topic_value_breaks_its_schema() {
    List<DynamicTest> tests = new ArrayList<>();
    ContractSamples.topicValues().forEach((topic, value) -> {
      ObjectNode json = (ObjectNode) Json.parse(serialize(topic, value));
      for (String field : fieldNames(json)) {
        tests.add(DynamicTest.dynamicTest(topic.name() + "." + field, () -> {
          ObjectNode renamed = json.deepCopy();
          renamed.set(field + "Renamed", renamed.remove(field));
          assertThat(ContractSchemas.problems(topic.valueSchema(), renamed)).isNotEmpty();
        }));
      }
    });
    return tests.stream();
  }

  @Test
  void a_missing_field_is_reported_by_name() {
    ObjectNode message = Json.toTree(ContractSamples.chatMessage());
    message.remove("clientMsgId");

    List<String> problems = ContractSchemas.problems("topics/chat.messages.json", message);

    assertThat(problems).anySatisfy(p -> assertThat(p).contains("clientMsgId").contains("required"));
  }

  @Test
  void an_ill_typed_field_is_reported_by_name() {
    ObjectNode message = Json.toTree(ContractSamples.chatMessage());
    message.put("seq", "forty-two");

    List<String> problems = ContractSchemas.problems("topics/chat.messages.json", message);

    assertThat(problems).anySatisfy(p -> assertThat(p).contains("seq"));
  }

  @Test
  void a_time_without_milliseconds_is_not_a_server_time() {
    ObjectNode receipt = Json.object().put("conversation", "c").put("user", "u").put("seq", 1)
        .put("at", "2026-11-24T06:16:11Z");

    assertThat(ContractSchemas.problems("topics/chat.receipts.json", receipt))
        .anySatisfy(p -> assertThat(p).contains("at"));
  }

  @Test
  void a_meeting_point_has_either_a_point_or_a_reason() {
    ObjectNode point = Json.toTree(ContractSamples.meetingPoint());
    point.remove("lat");

    assertThat(ContractSchemas.problems("topics/location.meeting-points.json", point)).isNotEmpty();
  }

  @Test
  void a_meeting_point_reply_may_echo_the_request_id_but_the_topic_value_may_not_carry_one() {
    ObjectNode reply = (ObjectNode) Json.parse(FrameCodec.encode(ContractSamples.meetingPoint()));
    reply.put("id", "r6");
    ObjectNode value = Json.toTree(ContractSamples.meetingPoint());
    value.put("id", "r6");

    assertThat(ContractSchemas.problems("server/meetingPoint.json", reply)).isEmpty();
    assertThat(ContractSchemas.problems("topics/location.meeting-points.json", value)).isNotEmpty();
  }

  @Test
  void every_client_frame_type_has_a_schema() {
    for (ClientFrame frame : ContractSamples.clientFrames()) {
      String type = Json.parse(FrameCodec.encode(frame)).path("type").asText();
      assertThat(ContractSchemas.exists(ContractSchemas.clientFrame(type))).as(type).isTrue();
    }
  }

  @SuppressWarnings("unchecked")
  private static byte[] serialize(Topic<String, ?> topic, Object value) {
    return ((Topic<String, Object>) topic).valueSerde().serializer().serialize(topic.name(), value);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!name.equals("type")) {
        names.add(name);
      }
    }
    return names;
  }
}
