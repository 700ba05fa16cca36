package io.rallypoint.schemas.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.schemas.ContractSamples;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.frame.ClientFrame;
import io.rallypoint.schemas.frame.ErrorCode;
import io.rallypoint.schemas.frame.ErrorFrame;
import io.rallypoint.schemas.frame.LocationFrame;
import io.rallypoint.schemas.frame.PingFrame;
import io.rallypoint.schemas.frame.SendFrame;
import io.rallypoint.schemas.frame.ServerFrame;
import io.rallypoint.schemas.frame.SyncFrame;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameCodecTest {

  @Test
  void every_client_frame_survives_a_round_trip() throws BadFrameException {
    for (ClientFrame frame : ContractSamples.clientFrames()) {
      assertThat(FrameCodec.decodeClient(FrameCodec.encode(frame))).isEqualTo(frame);
    }
  }

  @Test
  void every_server_frame_survives_a_round_trip() {
    for (ServerFrame frame : ContractSamples.serverFrames()) {
      assertThat(FrameCodec.decodeServer(FrameCodec.encode(frame))).isEqualTo(frame);
    }
  }

  @Test
  void a_send_frame_as_a_phone_writes_it_is_understood() throws BadFrameException {
    String wire = """
        {"type":"send","id":"42","conversation":"run-club","clientMsgId":"0190a8f2-7c1e-7d3a-9c55-2b1f0e6d4a10",
         "body":"", "metadata":{"kind":"meetup","lat":51.5,"lng":-0.12}}""";

    SendFrame send = (SendFrame) FrameCodec.decodeClient(wire);

    assertThat(send.id()).isEqualTo("42");
    assertThat(send.body()).isEmpty();
    assertThat(send.metadataKind()).isEqualTo("meetup");
  }

  @Test
  void client_times_with_an_offset_are_read_as_instants() throws BadFrameException {
    String wire = """
        {"type":"location","conversation":"c","session":"s","lat":1.5,"lng":2.5,"at":"2026-11-24T08:16:11+02:00"}""";

    LocationFrame location = (LocationFrame) FrameCodec.decodeClient(wire);

    assertThat(location.at()).isEqualTo(Instant.parse("2026-11-24T06:16:11Z"));
  }

  @Test
  void unknown_fields_from_newer_clients_are_ignored() throws BadFrameException {
    assertThat(FrameCodec.decodeClient("{\"type\":\"ping\",\"id\":\"1\",\"trace\":\"abc\"}"))
        .isEqualTo(new PingFrame("1"));
  }

  @Test
  void server_frames_carry_their_type_first_and_times_with_milliseconds() {
    ChatMessage message = ContractSamples.chatMessage();

    String wire = FrameCodec.encode(message);

    assertThat(wire).startsWith("{\"type\":\"message\",");
    assertThat(wire).contains("\"sentAt\":\"2026-11-24T06:16:11.042Z\"");
  }

  @Test
  void a_whole_second_is_still_written_with_milliseconds() {
    assertThat(Json.format(Instant.parse("2026-11-24T06:16:11Z"))).isEqualTo("2026-11-24T06:16:11.000Z");
  }

  @Test
  void a_chat_message_on_kafka_carries_no_type() {
    byte[] value = JsonSerde.of(ChatMessage.class).serialize("chat.messages", ContractSamples.chatMessage());

    assertThat(Json.parse(value).has("type")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json", "{\"type\":", "[1,2]", "42", "\"send\""})
  void what_is_not_a_json_object_is_a_bad_request(String wire) {
    assertThatThrownBy(() -> FrameCodec.decodeClient(wire))
        .isInstanceOfSatisfying(BadFrameException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
          assertThat(e.requestId()).isNull();
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"type\":\"ping\",\"id\":\"a\"}{\"type\":\"ping\",\"id\":\"b\"}",
      "{\"type\":\"ping\",\"id\":\"a\"} trailing",
      "{\"type\":\"ping\",\"id\":\"a\"}]"})
  void a_frame_with_anything_after_its_object_is_a_bad_request(String wire) {
    // Given two frames glued together, or one with junk after it
    // Then neither is half-processed: the whole frame is refused
    assertThatThrownBy(() -> FrameCodec.decodeClient(wire))
        .isInstanceOfSatisfying(BadFrameException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"type\":\"send\",\"id\":\"n\",\"conversation\":\"c\",\"clientMsgId\":\"0190a7e4-8f5e-7c3a-9d2b-1f2e3d4c5b6a\",\"body\":\"a\\u0000b\"}|$.body",
      "{\"type\":\"send\",\"id\":\"n\",\"conversation\":\"c\",\"clientMsgId\":\"0190a7e4-8f5e-7c3a-9d2b-1f2e3d4c5b6a\",\"body\":\"\",\"metadata\":{\"k\":[\"ok\",\"x\\u0000y\"]}}|$.metadata.k[1]",
      "{\"type\":\"send\",\"id\":\"n\",\"conversation\":\"c\",\"clientMsgId\":\"0190a7e4-8f5e-7c3a-9d2b-1f2e3d4c5b6a\",\"body\":\"\",\"metadata\":{\"k\\u0000\":1}}|$.metadata.k\u0000",
      "{\"type\":\"read\",\"id\":\"n\",\"conversation\":\"c\\u0000\",\"seq\":1}|$.conversation"})
  void a_string_holding_nul_is_a_bad_request_naming_where(String wireAndPath) {
    // Given a frame with U+0000 somewhere (PostgreSQL can store it neither in text nor in jsonb)
    String[] parts = wireAndPath.split("\\|");
    // Then it is refused before anything is accepted, and the error says where
    assertThatThrownBy(() -> FrameCodec.decodeClient(parts[0]))
        .isInstanceOfSatisfying(BadFrameException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
          assertThat(e.requestId()).isEqualTo("n");
          assertThat(e.getMessage()).contains(parts[1]).contains("U+0000");
        });
  }

  @Test
  void an_escaped_backslash_before_u0000_is_text_not_nul() throws BadFrameException {
    // Given a body that is the six characters \u0000 (the backslash itself escaped)
    ClientFrame frame = FrameCodec.decodeClient("{\"type\":\"send\",\"conversation\":\"c\","
        + "\"clientMsgId\":\"0190a7e4-8f5e-7c3a-9d2b-1f2e3d4c5b6a\",\"body\":\"\\\\u0000\"}");
    // Then it is an ordinary message
    assertThat(((SendFrame) frame).body()).isEqualTo("\\u0000");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ",\"metadata\":{}"})
  void an_empty_body_needs_metadata_that_carries_the_content(String metadata) throws BadFrameException {
    String empty = "{\"type\":\"send\",\"id\":\"e\",\"conversation\":\"c\","
        + "\"clientMsgId\":\"0190a7e4-8f5e-7c3a-9d2b-1f2e3d4c5b6a\",\"body\":\"\"";
    // Given an empty body with no metadata, or an empty one: refused, naming metadata
    assertThatThrownBy(() -> FrameCodec.decodeClient(empty + metadata + "}"))
        .isInstanceOfSatisfying(BadFrameException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
          assertThat(e.getMessage()).contains("metadata");
        });
    // Given an empty body with a photo in metadata: a message
    ClientFrame photo = FrameCodec.decodeClient(empty + ",\"metadata\":{\"photo\":\"p.jpg\"}}");
    assertThat(((SendFrame) photo).body()).isEmpty();
  }

  @Test
  void an_unknown_type_is_a_bad_request_that_echoes_the_id() {
    assertThatThrownBy(() -> FrameCodec.decodeClient("{\"type\":\"shout\",\"id\":\"7\"}"))
        .isInstanceOfSatisfying(BadFrameException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
          assertThat(e.requestId()).isEqualTo("7");
          assertThat(e.getMessage()).contains("shout");
        });
  }

  @Test
  void a_missing_type_is_a_bad_request() {
    assertThatThrownBy(() -> FrameCodec.decodeClient("{\"id\":\"7\"}"))
        .isInstanceOfSatisfying(BadFrameException.class, e -> assertThat(e.getMessage()).contains("type"));
  }

  @Test
  void a_missing_field_is_named_in_the_error() {
    assertThatThrownBy(() -> FrameCodec.decodeClient("{\"type\":\"send\",\"id\":\"9\",\"conversation\":\"c\",\"body\":\"x\"}"))
        .isInstanceOfSatisfying(BadFrameException.class, e -> {
          assertThat(e.requestId()).isEqualTo("9");
          assertThat(e.getMessage()).contains("clientMsgId");
        });
  }

  @Test
  void an_ill_typed_field_is_named_in_the_error() {
    assertThatThrownBy(() -> FrameCodec.decodeClient("{\"type\":\"read\",\"conversation\":\"c\",\"seq\":\"ten\"}"))
        .isInstanceOfSatisfying(BadFrameException.class, e -> assertThat(e.getMessage()).contains("seq"));
  }

  @Test
  void a_client_msg_id_must_be_a_uuid() {
    assertThatThrownBy(() -> FrameCodec.decodeClient(
        "{\"type\":\"send\",\"conversation\":\"c\",\"clientMsgId\":\"abc\",\"body\":\"x\"}"))
        .isInstanceOfSatisfying(BadFrameException.class, e -> assertThat(e.getMessage()).contains("clientMsgId"));
  }

  @Test
  void a_latitude_off_the_globe_is_refused() {
    assertThatThrownBy(() -> FrameCodec.decodeClient(
        "{\"type\":\"location\",\"conversation\":\"c\",\"session\":\"s\",\"lat\":91,\"lng\":0,\"at\":\"2026-11-24T06:16:11Z\"}"))
        .isInstanceOfSatisfying(BadFrameException.class, e -> assertThat(e.getMessage()).contains("lat"));
  }

  @Test
  void a_number_too_big_for_a_double_in_an_enum_field_is_a_bad_request_that_echoes_the_id() {
    // 1e400 reads as Infinity, which the schema validator's enum check cannot compare (it threw)
    assertThatThrownBy(() -> FrameCodec.decodeClient(
        "{\"type\":\"session\",\"id\":\"s1\",\"session\":\"s\",\"state\":1e400,\"at\":\"2026-11-24T06:16:11Z\"}"))
        .isInstanceOfSatisfying(BadFrameException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
          assertThat(e.requestId()).isEqualTo("s1");
        });
  }

  @Test
  void a_sync_limit_above_the_maximum_is_refused() {
    assertThatThrownBy(() -> FrameCodec.decodeClient("{\"type\":\"sync\",\"conversation\":\"c\",\"limit\":501}"))
        .isInstanceOfSatisfying(BadFrameException.class, e -> assertThat(e.getMessage()).contains("limit"));
  }

  @Test
  void a_sync_without_a_limit_uses_the_default() throws BadFrameException {
    SyncFrame sync = (SyncFrame) FrameCodec.decodeClient("{\"type\":\"sync\",\"conversation\":\"c\"}");

    assertThat(sync.effectiveLimit()).isEqualTo(SyncFrame.DEFAULT_LIMIT);
  }

  @Test
  void a_numeric_id_is_refused_rather_than_silently_dropped() {
    assertThatThrownBy(() -> FrameCodec.decodeClient("{\"type\":\"ping\",\"id\":5}"))
        .isInstanceOfSatisfying(BadFrameException.class, e -> assertThat(e.getMessage()).contains("id"));
  }

  @Test
  void the_error_frame_of_a_bad_frame_names_code_and_id() {
    BadFrameException bad = new BadFrameException(ErrorCode.FORBIDDEN, "3", "not a member");

    JsonNode wire = Json.parse(FrameCodec.encode(bad.toErrorFrame()));

    assertThat(wire.path("type").asText()).isEqualTo("error");
    assertThat(wire.path("code").asText()).isEqualTo("forbidden");
    assertThat(wire.path("id").asText()).isEqualTo("3");
  }

  @Test
  void a_rate_limited_error_carries_when_to_retry_and_reads_back() {
    ErrorFrame refused = new ErrorFrame("7", ErrorCode.RATE_LIMITED, "too many frames", 1_250L);

    String wire = FrameCodec.encode(refused);

    assertThat(Json.parse(wire).path("retryAfterMs").asLong()).isEqualTo(1_250L);
    assertThat(FrameCodec.decodeServer(wire)).isEqualTo(refused);
  }

  @Test
  void rate_limited_and_unavailable_errors_without_retry_after_do_not_match_the_schema() {
    String schema = ContractSchemas.serverFrame("error");
    for (String code : List.of("rate_limited", "unavailable")) {
      JsonNode without = Json.parse("{\"type\":\"error\",\"code\":\"" + code + "\",\"message\":\"m\"}");
      assertThat(ContractSchemas.problems(schema, without)).as(code).isNotEmpty();
    }
    JsonNode forbidden = Json.parse("{\"type\":\"error\",\"code\":\"forbidden\",\"message\":\"m\"}");
    assertThat(ContractSchemas.problems(schema, forbidden)).isEmpty();
    assertThat(FrameCodec.encode(new ErrorFrame(null, ErrorCode.FORBIDDEN, "m"))).doesNotContain("retryAfterMs");
  }
}
