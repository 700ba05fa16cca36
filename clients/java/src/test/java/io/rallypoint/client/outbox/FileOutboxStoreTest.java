package io.rallypoint.client.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileOutboxStoreTest {

  @TempDir
  Path folder;

  @Test
  void an_outbox_saved_to_a_folder_is_read_back_by_a_new_store_as_it_was() {
    ObjectNode pin = JsonNodeFactory.instance.objectNode().put("kind", "location").put("lat", 51.5).put("lng", -0.12);
    List<OutboxEntry> saved = List.of(
        new OutboxEntry("ride-42", "5b8e2c1a-3f4d-4e6a-9b7c-2d1e0f9a8b7c", "on my way", null,
            Instant.parse("2026-11-24T06:16:11.042Z"), null),
        new OutboxEntry("ride-42", "0c6f8a2e-7b1d-4f3a-8e5c-9a4b3d2c1e0f", "", pin,
            Instant.parse("2026-11-24T06:16:12Z"), new Failure("consent_required", "enable location sharing")));

    new FileOutboxStore(folder.resolve("outbox")).save("ana/../x \u00e9", saved);

    assertThat(new FileOutboxStore(folder.resolve("outbox")).load("ana/../x \u00e9")).isEqualTo(saved);
    assertThat(new FileOutboxStore(folder.resolve("outbox")).load("ben")).isEmpty();
  }
}
