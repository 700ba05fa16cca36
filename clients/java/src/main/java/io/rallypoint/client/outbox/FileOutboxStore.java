package io.rallypoint.client.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * An {@link OutboxStore} in a folder: one JSON file per user ({@code outbox-<SHA-256 of the user id>.json}),
 * replaced atomically on every save (written beside it, then moved over it), so a crash leaves
 * either the old outbox or the new one.
 */
public final class FileOutboxStore implements OutboxStore {

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private final Path folder;

  /** A store in {@code folder} (created when missing). */
  public FileOutboxStore(Path folder) {
    this.folder = folder;
  }

  @Override
  public List<OutboxEntry> load(String user) {
    JsonNode saved;
    try {
      saved = MAPPER.readTree(Files.readString(fileOf(user), StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the outbox of " + user + " in " + folder, e);
    }
    List<OutboxEntry> entries = new ArrayList<>();
    for (JsonNode e : saved) {
      JsonNode failed = e.get("failure");
      entries.add(new OutboxEntry(e.path("conversation").asText(), e.path("clientMsgId").asText(), e.path("body").asText(),
          e.get("metadata") instanceof ObjectNode metadata ? metadata : null, Instant.parse(e.path("createdAt").asText()),
          failed == null ? null : new Failure(failed.path("code").asText(), failed.path("message").asText())));
    }
    return entries;
  }

  @Override
  public void save(String user, List<OutboxEntry> entries) {
    ArrayNode all = JsonNodeFactory.instance.arrayNode();
    for (OutboxEntry entry : entries) {
      ObjectNode e = all.addObject()
          .put("conversation", entry.conversation())
          .put("clientMsgId", entry.clientMsgId())
          .put("body", entry.body())
          .put("createdAt", entry.createdAt().toString());
      if (entry.metadata() != null) {
        e.set("metadata", entry.metadata());
      }
      if (entry.failure() != null) {
        e.putObject("failure").put("code", entry.failure().code()).put("message", entry.failure().message());
      }
    }
    Path file = fileOf(user);
    try {
      Files.createDirectories(folder);
      Path next = Files.createTempFile(folder, file.getFileName().toString(), ".next");
      Files.writeString(next, MAPPER.writeValueAsString(all), StandardCharsets.UTF_8);
      try {
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the outbox of " + user + " in " + folder, e);
    }
  }

  /** Named by the SHA-256 of the user id: any id (1 to 128 characters of anything) makes a short, safe file name. */
  private Path fileOf(String user) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(user.getBytes(StandardCharsets.UTF_8));
      return folder.resolve("outbox-" + HexFormat.of().formatHex(digest) + ".json");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
