package io.rallypoint.gateway.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.rallypoint.schemas.frame.ErrorCode;
import io.rallypoint.schemas.frame.ErrorFrame;
import io.rallypoint.schemas.json.FrameCodec;
import io.rallypoint.schemas.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTextTest {

  @Test
  void anUnpairedSurrogateSurvivesTheTripThroughUtf8() {
    String id = "cut-\ud83d|\udc00-lone|pair-\ud83d\ude00|\udc00\ud83d|end-\ud83d";
    String frame = FrameCodec.encode(new ErrorFrame(id, ErrorCode.BAD_REQUEST, "no"));

    byte[] wire = JsonText.withUnpairedSurrogatesEscaped(frame).getBytes(StandardCharsets.UTF_8);

    assertThat(Json.parse(wire).path("id").textValue()).isEqualTo(id);
    assertThat(new String(wire, StandardCharsets.UTF_8))
        .contains("cut-\\ud83d|\\udc00-lone|pair-\ud83d\ude00|\\udc00\\ud83d|end-\\ud83d");
    // what the frame encoder would have sent without it
    assertThat(Json.parse(frame.getBytes(StandardCharsets.UTF_8)).path("id").textValue()).isEqualTo("cut-?|?-lone|pair-\ud83d\ude00|??|end-?");
  }

  @Test
  void textWithoutUnpairedSurrogatesIsLeftAsItIs() {
    String text = "{\"body\":\"émoji \ud83d\ude00\"}";

    assertThat(JsonText.withUnpairedSurrogatesEscaped(text)).isSameAs(text);
    assertThat(JsonText.withUnpairedSurrogatesEscaped("{}")).isSameAs("{}");
  }
}
