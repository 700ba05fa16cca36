package io.rallypoint.client.frame;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The wire form of client frames, against PROTOCOL section 1.3's examples. */
class FrameWriterTest {

  @Test
  void a_send_is_written_as_the_protocol_shows_it() {
    String json = FrameWriter.toJson(new ClientFrame.Send("c-17", "ride-42", "5b8e2c1a-3f4d-4e6a-9b7c-2d1e0f9a8b7c",
        "see you at the bridge", null));

    assertThat(json).isEqualTo("{\"type\":\"send\",\"id\":\"c-17\",\"conversation\":\"ride-42\","
        + "\"clientMsgId\":\"5b8e2c1a-3f4d-4e6a-9b7c-2d1e0f9a8b7c\",\"body\":\"see you at the bridge\"}");
  }

  @Test
  void metadata_and_text_that_needs_escaping_go_out_as_json() {
    ObjectNode pin = FrameJson.object().put("kind", "location").put("lat", 51.5007).put("lng", -0.1246);

    String json = FrameWriter.toJson(new ClientFrame.Send(null, "ride-42", "0c6f8a2e-7b1d-4f3a-8e5c-9a4b3d2c1e0f",
        "\"quoted\"\n\u00e9", pin));

    assertThat(FrameJson.parse(json).path("body").asText()).isEqualTo("\"quoted\"\n\u00e9");
    assertThat(FrameJson.parse(json).path("metadata")).isEqualTo(pin);
    assertThat(FrameJson.parse(json).has("id")).as("a null id is left out").isFalse();
  }

  @Test
  void every_other_frame_has_its_protocol_fields() {
    Instant at = Instant.parse("2026-11-24T06:16:12Z");

    assertThat(FrameWriter.toJson(new ClientFrame.Read("c-19", "ride-42", 42)))
        .isEqualTo("{\"type\":\"read\",\"id\":\"c-19\",\"conversation\":\"ride-42\",\"seq\":42}");
    assertThat(FrameWriter.toJson(ClientFrame.Sync.after("ride-42", 41, 100).withId("c-20")))
        .isEqualTo("{\"type\":\"sync\",\"id\":\"c-20\",\"conversation\":\"ride-42\",\"afterSeq\":41,\"limit\":100}");
    assertThat(FrameWriter.toJson(new ClientFrame.Sync("c-21", "ride-42", null, Instant.parse("2026-11-24T06:16:11.042Z"), null)))
        .isEqualTo("{\"type\":\"sync\",\"id\":\"c-21\",\"conversation\":\"ride-42\",\"lastSyncedAt\":\"2026-11-24T06:16:11.042Z\"}");
    assertThat(FrameWriter.toJson(new ClientFrame.Location("c-23", "ride-42", "s-1", 51.5012, -0.1249, at)))
        .isEqualTo("{\"type\":\"location\",\"id\":\"c-23\",\"conversation\":\"ride-42\",\"session\":\"s-1\","
            + "\"lat\":51.5012,\"lng\":-0.1249,\"at\":\"2026-11-24T06:16:12.000Z\"}");
    assertThat(FrameWriter.toJson(new ClientFrame.Session("c-24", "s-1", ClientFrame.SessionState.STARTED, at)))
        .isEqualTo("{\"type\":\"session\",\"id\":\"c-24\",\"session\":\"s-1\",\"state\":\"started\",\"at\":\"2026-11-24T06:16:12.000Z\"}");
    assertThat(FrameWriter.toJson(new ClientFrame.Typing(null, "ride-42", ClientFrame.TypingState.STARTED)))
        .isEqualTo("{\"type\":\"typing\",\"conversation\":\"ride-42\",\"state\":\"started\"}");
    assertThat(FrameWriter.toJson(new ClientFrame.Presence("c-26", "ride-42")))
        .isEqualTo("{\"type\":\"presence\",\"id\":\"c-26\",\"conversation\":\"ride-42\"}");
    assertThat(FrameWriter.toJson(new ClientFrame.MeetingPoint("c-25", "ride-42")))
        .isEqualTo("{\"type\":\"meetingPoint\",\"id\":\"c-25\",\"conversation\":\"ride-42\"}");
    assertThat(FrameWriter.toJson(new ClientFrame.Ping("c-27"))).isEqualTo("{\"type\":\"ping\",\"id\":\"c-27\"}");
  }

  @Test
  void a_pushed_presence_is_told_apart_from_the_reply_to_a_request() {
    assertThat(ServerFrames.isPresencePush(FrameJson.parse(
        "{\"type\":\"presence\",\"conversation\":\"ride-42\",\"user\":\"bob\",\"state\":\"online\"}"))).isTrue();
    assertThat(ServerFrames.isPresencePush(FrameJson.parse(
        "{\"type\":\"presence\",\"id\":\"c-26\",\"conversation\":\"ride-42\",\"online\":[],\"recording\":[]}"))).isFalse();
  }
}
