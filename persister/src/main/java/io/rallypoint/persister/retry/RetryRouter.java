package io.rallypoint.persister.retry;

import io.rallypoint.schemas.json.Json;
import io.rallypoint.schemas.topic.RetryHeaders;
import io.rallypoint.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Decides where a refused record goes next and writes the retry headers: {@code chat.messages}
 * to {@code retry.1}, {@code retry.N} to {@code retry.N+1}, the last tier (or unreadable bytes) to
 * the dead-letter topic. The value and key travel unchanged, byte for byte.
 */
public final class RetryRouter {

  private final List<Duration> delays;
  private final Clock clock;

  public RetryRouter(List<Duration> delays, Clock clock) {
    this.delays = List.copyOf(delays);
    this.clock = clock;
  }

  /** The attempt a record on this topic is: 0 on {@code chat.messages}, N on {@code retry.N}. */
  public static int attemptOf(ConsumerRecord<?, ?> record) {
    String header = header(record.headers(), RetryHeaders.ATTEMPT);
    return header == null ? 0 : Integer.parseInt(header);
  }

  /** When a retry record is due, from its header; {@link Instant#EPOCH} when it has none. */
  public static Instant dueAt(ConsumerRecord<?, ?> record) {
    String header = header(record.headers(), RetryHeaders.DUE_AT);
    return header == null ? Instant.EPOCH : Instant.parse(header);
  }

  /** The next hop of a record the database refused with {@code error} ({@code errorKind} for grouping). */
  public ProducerRecord<byte[], byte[]> next(ConsumerRecord<byte[], byte[]> record, String error, String errorKind) {
    int attempt = attemptOf(record) + 1;
    Instant now = clock.instant();
    if (attempt > Topics.RETRY_TIERS) {
      return forward(Topics.CHAT_MESSAGES_DLQ.name(), record, Topics.RETRY_TIERS, error, errorKind, now, now);
    }
    Instant due = now.plus(delays.get(attempt - 1));
    return forward(Topics.chatMessagesRetry(attempt).name(), record, attempt, error, errorKind, now, due);
  }

  /** Straight to the dead-letter topic: bytes that cannot be read as a chat message at all. */
  public ProducerRecord<byte[], byte[]> deadLetter(ConsumerRecord<byte[], byte[]> record, String error) {
    Instant now = clock.instant();
    return forward(Topics.CHAT_MESSAGES_DLQ.name(), record, attemptOf(record), error, "unreadable", now, now);
  }

  private static ProducerRecord<byte[], byte[]> forward(
      String topic, ConsumerRecord<byte[], byte[]> record, int attempt, String error, String errorKind, Instant now,
      Instant due) {
    Headers headers = new RecordHeaders();
    String originalTopic = header(record.headers(), RetryHeaders.ORIGINAL_TOPIC);
    boolean first = originalTopic == null;
    put(headers, RetryHeaders.ATTEMPT, String.valueOf(attempt));
    put(headers, RetryHeaders.ERROR, error.length() > 1_000 ? error.substring(0, 1_000) : error);
    put(headers, RetryHeaders.ERROR_KIND, errorKind);
    put(headers, RetryHeaders.DUE_AT, Json.format(due));
    // A record forwarded before this header existed has none: its first failure is then this one.
    String firstFailedAt = header(record.headers(), RetryHeaders.FIRST_FAILED_AT);
    put(headers, RetryHeaders.FIRST_FAILED_AT, firstFailedAt != null ? firstFailedAt : Json.format(now));
    put(headers, RetryHeaders.ORIGINAL_TOPIC, first ? record.topic() : originalTopic);
    put(headers, RetryHeaders.ORIGINAL_PARTITION,
        first ? String.valueOf(record.partition()) : header(record.headers(), RetryHeaders.ORIGINAL_PARTITION));
    put(headers, RetryHeaders.ORIGINAL_OFFSET,
        first ? String.valueOf(record.offset()) : header(record.headers(), RetryHeaders.ORIGINAL_OFFSET));
    return new ProducerRecord<>(topic, null, record.key(), record.value(), headers);
  }

  private static void put(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  static String header(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
