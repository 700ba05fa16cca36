package io.rallypoint.persister.replay;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.schemas.json.Json;
import io.rallypoint.schemas.topic.RetryHeaders;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * A record of {@code chat.messages.dlq} read for a person: its retry headers (PROTOCOL section 2.2)
 * and, when its value is a chat message, the fields that name it. Missing or malformed headers read
 * as absent, never as an error: a dead letter may come from an earlier release or a broken producer.
 */
public record DeadLetter(ConsumerRecord<byte[], byte[]> record) {

  public int partition() {
    return record.partition();
  }

  public long offset() {
    return record.offset();
  }

  /** The conversation, from the key; empty for a record without one. */
  public Optional<String> conversation() {
    return record.key() == null ? Optional.empty() : Optional.of(new String(record.key(), StandardCharsets.UTF_8));
  }

  /** A header as UTF-8 text (the last one of that name). */
  public Optional<String> header(String name) {
    Header header = record.headers().lastHeader(name);
    return header == null || header.value() == null
        ? Optional.empty()
        : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
  }

  public Optional<String> error() {
    return header(RetryHeaders.ERROR);
  }

  public Optional<String> errorKind() {
    return header(RetryHeaders.ERROR_KIND);
  }

  /** {@code rallypoint.attempt}: the attempts made before the record was dead-lettered. */
  public OptionalInt attempts() {
    try {
      return header(RetryHeaders.ATTEMPT).map(a -> OptionalInt.of(Integer.parseInt(a.trim()))).orElse(OptionalInt.empty());
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  /** {@code rallypoint.first-failed-at}, when present and an ISO-8601 instant. */
  public Optional<Instant> firstFailedAt() {
    try {
      return header(RetryHeaders.FIRST_FAILED_AT).map(t -> Instant.parse(t.trim()));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** When the record first failed: {@link #firstFailedAt()}, else the record's own timestamp. */
  public Instant failedAt() {
    return firstFailedAt().orElseGet(() -> Instant.ofEpochMilli(record.timestamp()));
  }

  /** The value as a JSON tree; empty for bytes that are not JSON (an {@code unreadable} dead letter). */
  public Optional<JsonNode> value() {
    if (record.value() == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.parse(record.value()));
    } catch (UncheckedIOException e) {
      return Optional.empty();
    }
  }

  /** The chat message's {@code clientMsgId}, when the value is one. */
  public Optional<String> clientMsgId() {
    return value().map(v -> v.path("clientMsgId")).filter(JsonNode::isTextual).map(JsonNode::asText);
  }

  /** The chat message's {@code seq}, when the value is one. */
  public OptionalLong seq() {
    return value().map(v -> v.path("seq")).filter(JsonNode::isIntegralNumber)
        .map(s -> OptionalLong.of(s.asLong())).orElse(OptionalLong.empty());
  }

  /** {@code chat.messages.dlq-3@17}: where the record is, as {@code rallypoint.replayed-from} names it. */
  public String where() {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }
}
