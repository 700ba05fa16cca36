package io.rallypoint.gateway.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.schemas.json.Json;
import io.rallypoint.testsupport.KafkaBroker;
import io.rallypoint.testsupport.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** Reads a topic from the beginning: the values keyed by one conversation, up to a record the test waits for or up to now. */
final class TopicRecords {

  private TopicRecords() {}

  /** Every value keyed {@code key}, in order, up to and including the first that matches {@code last}. */
  static List<JsonNode> until(String topic, String key, Predicate<JsonNode> last) {
    return TopicReader.until(KafkaBroker.bootstrapServers(), topic,
            r -> hasKey(r.key(), key) && last.test(Json.parse(r.value())), Duration.ofSeconds(20))
        .stream()
        .filter(r -> hasKey(r.key(), key))
        .map(r -> Json.parse(r.value()))
        .toList();
  }

  /** Every value keyed {@code key} that the topic holds now (up to its end offsets), in order. */
  static List<JsonNode> now(String topic, String key) {
    return TopicReader.snapshot(KafkaBroker.bootstrapServers(), topic).stream()
        .filter(r -> hasKey(r.key(), key))
        .map(r -> Json.parse(r.value()))
        .toList();
  }

  private static boolean hasKey(byte[] recordKey, String key) {
    return recordKey != null && key.equals(new String(recordKey, StandardCharsets.UTF_8));
  }
}
