package io.rallypoint.persister.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.json.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageCsvTest {

  @Test
  void quotes_commas_and_line_breaks_survive_and_absent_values_are_null() {
    ChatMessage m = new ChatMessage("run, club", "0190a8f2-7c1e-7d3a-9c55-2b1f0e6d4a10", 7, "al\"ice",
        "11111111-1111-4111-8111-111111111111", "line one\nsaid \"hi\", then left", Json.object().put("kind", "text"),
        null);

    String csv = MessageCsv.of(List.of(m));

    assertThat(csv).isEqualTo("\"0190a8f2-7c1e-7d3a-9c55-2b1f0e6d4a10\",\"run, club\",7,\"al\"\"ice\","
        + "\"11111111-1111-4111-8111-111111111111\",\"line one\nsaid \"\"hi\"\", then left\","
        + "\"{\"\"kind\"\":\"\"text\"\"}\",\n");
  }

  @Test
  void times_are_written_with_milliseconds_in_utc() {
    ChatMessage m = new ChatMessage("c", "0190a8f2-7c1e-7d3a-9c55-2b1f0e6d4a10", 1, "a",
        "11111111-1111-4111-8111-111111111111", "", null, Instant.parse("2026-11-24T06:16:11Z"));

    assertThat(MessageCsv.of(List.of(m))).endsWith(",\"{}\",\"2026-11-24T06:16:11.000Z\"\n");
  }
}
