package io.rallypoint.schemas.topic;

import io.rallypoint.schemas.event.LocationUpdate;
import io.rallypoint.schemas.event.ReceiptEvent;
import io.rallypoint.schemas.event.RecordingSessionEvent;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.frame.MeetingPoint;
import io.rallypoint.schemas.json.ContractSchemas;
import io.rallypoint.schemas.json.JsonSerde;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic of PROTOCOL section 2, with its serdes and schema. Immutable: a service that needs
 * another partition count or replication factor asks for {@link Topic#withPartitions(int)} or
 * {@link Topic#withReplication(TopicReplication)}; the registry's own is a cluster's (3 replicas,
 * {@code min.insync.replicas=2}).
 *
 * <p>Keys are UTF-8 strings: the conversation id, except {@code recording.sessions} (the user id).
 * Topics keyed by conversation share one partition count so a conversation maps to the same
 * partition number everywhere.
 */
public final class Topics {

  /** Partitions of the conversation-keyed topics unless ops choose otherwise. */
  public static final int DEFAULT_PARTITIONS = 12;

  /**
   * How long the dead-letter topic keeps a record: long enough for a person to notice, fix the
   * cause and replay it (PROTOCOL section 2.1).
   */
  public static final java.time.Duration DLQ_RETENTION = java.time.Duration.ofDays(30);

  /** How many retry tiers precede the dead-letter topic. */
  public static final int RETRY_TIERS = 3;

  private static final Serde<String> KEY = Serdes.String();
  private static final JsonSerde<ChatMessage> CHAT_MESSAGE = JsonSerde.of(ChatMessage.class);

  /** Every chat message, keyed by conversation. */
  public static final Topic<String, ChatMessage> CHAT_MESSAGES = chatMessages("chat.messages", Map.of());

  /** Read receipts, keyed by conversation. */
  public static final Topic<String, ReceiptEvent> CHAT_RECEIPTS = json("chat.receipts", ReceiptEvent.class, Map.of());

  /** Accepted member locations, keyed by conversation. */
  public static final Topic<String, LocationUpdate> LOCATION_UPDATES =
      json("location.updates", LocationUpdate.class, Map.of());

  /** Recording sessions started and ended, keyed by user. */
  public static final Topic<String, RecordingSessionEvent> RECORDING_SESSIONS =
      json("recording.sessions", RecordingSessionEvent.class, Map.of());

  /** Each group's latest meeting point, keyed by conversation; compacted: the latest is what counts. */
  public static final Topic<String, MeetingPoint> LOCATION_MEETING_POINTS =
      json("location.meeting-points", MeetingPoint.class, Map.of("cleanup.policy", "compact"));

  /** Retry tiers 1..3 of the persister: chat messages PostgreSQL rejected, with retry headers. */
  public static final List<Topic<String, ChatMessage>> CHAT_MESSAGES_RETRIES = IntStream
      .rangeClosed(1, RETRY_TIERS)
      .mapToObj(n -> chatMessages("chat.messages.retry." + n, Map.of()))
      .toList();

  /** Chat messages that failed every retry, or could not be read at all. */
  public static final Topic<String, ChatMessage> CHAT_MESSAGES_DLQ = chatMessages("chat.messages.dlq",
      Map.of("retention.ms", String.valueOf(DLQ_RETENTION.toMillis())));

  /** Every topic, in pipeline order. */
  public static final List<Topic<String, ?>> ALL = List.of(
      CHAT_MESSAGES,
      CHAT_MESSAGES_RETRIES.get(0),
      CHAT_MESSAGES_RETRIES.get(1),
      CHAT_MESSAGES_RETRIES.get(2),
      CHAT_MESSAGES_DLQ,
      CHAT_RECEIPTS,
      LOCATION_UPDATES,
      RECORDING_SESSIONS,
      LOCATION_MEETING_POINTS);

  private Topics() {}

  /** Retry tier {@code n} (1-based). */
  public static Topic<String, ChatMessage> chatMessagesRetry(int n) {
    if (n < 1 || n > RETRY_TIERS) {
      throw new IllegalArgumentException("retry tier must be 1.." + RETRY_TIERS + ": " + n);
    }
    return CHAT_MESSAGES_RETRIES.get(n - 1);
  }

  private static Topic<String, ChatMessage> chatMessages(String name, Map<String, String> config) {
    return new Topic<>(name, KEY, CHAT_MESSAGE, ContractSchemas.topic("chat.messages"), DEFAULT_PARTITIONS,
        TopicReplication.CLUSTER, config);
  }

  private static <V> Topic<String, V> json(String name, Class<V> type, Map<String, String> config) {
    return new Topic<>(name, KEY, JsonSerde.of(type), ContractSchemas.topic(name), DEFAULT_PARTITIONS,
        TopicReplication.CLUSTER, config);
  }
}
