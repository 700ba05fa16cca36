package io.rallypoint.gateway.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.json.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** {@link ChatMessageWire#sentAtMillis}: a delivered frame's accept time, read without decoding it. */
class SentAtMillisTest {

  @Property
  void itIsTheSentAtOfEveryMessageFrameAsJacksonWritesIt(
      @ForAll @LongRange(min = 0, max = 7_258_118_399_999L) long epochMillis) {
    // Given a message accepted at any millisecond from 1970 to 2199 (a whole second has no fraction)
    Instant sentAt = Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.MILLIS);
    String frame = ChatMessageWire.messageFrame(Json.toString(message(sentAt)));

    // Then the frame's sentAt reads back as that instant
    assertThat(ChatMessageWire.sentAtMillis(frame)).isEqualTo(epochMillis);
  }

  @Test
  void theScriptsFormsAndLongerFractionsReadTooAndOtherFramesAreNotMessages() {
    String head = "{\"type\":\"message\",\"conversation\":\"ride-1\",\"seq\":3,\"sentAt\":\"";
    assertThat(ChatMessageWire.sentAtMillis(head + "2026-11-24T06:16:11.042Z\"}"))
        .isEqualTo(Instant.parse("2026-11-24T06:16:11.042Z").toEpochMilli());
    assertThat(ChatMessageWire.sentAtMillis(head + "2024-02-29T23:59:59Z\"}"))
        .isEqualTo(Instant.parse("2024-02-29T23:59:59Z").toEpochMilli());
    assertThat(ChatMessageWire.sentAtMillis(head + "2026-11-24T06:16:11.5Z\"}"))
        .isEqualTo(Instant.parse("2026-11-24T06:16:11.500Z").toEpochMilli());
    assertThat(ChatMessageWire.sentAtMillis(head + "2026-11-24T06:16:11.042999Z\"}"))
        .isEqualTo(Instant.parse("2026-11-24T06:16:11.042Z").toEpochMilli());

    assertThat(ChatMessageWire.sentAtMillis("{\"type\":\"receipt\",\"conversation\":\"ride-1\",\"user\":\"ana\",\"seq\":1}"))
        .isEqualTo(-1);
    assertThat(ChatMessageWire.sentAtMillis(head + "yesterday\"}")).isEqualTo(-1);
    assertThat(ChatMessageWire.sentAtMillis(head + "2026-13-24T06:16:11Z\"}")).isEqualTo(-1);
    assertThat(ChatMessageWire.sentAtMillis(head + "2026-11-24T06:16:11.Z\"}")).isEqualTo(-1);
    assertThat(ChatMessageWire.sentAtMillis(head + "2026-11-24T06:16:11.04x2Z\"}")).isEqualTo(-1);
  }

  private static ChatMessage message(Instant sentAt) {
    return new ChatMessage("ride-1", "0190f0a0-0000-7000-8000-000000000001", 7, "ana",
        "3f1c1b1e-2a59-4bb8-9f55-0c9f2b0d1a01", "on my way", Json.object(), sentAt);
  }
}
