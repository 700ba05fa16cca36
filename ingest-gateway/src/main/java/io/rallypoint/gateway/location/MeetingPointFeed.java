package io.rallypoint.gateway.location;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rallypoint.gateway.fanout.LocalConnections;
import io.rallypoint.gateway.metrics.GatewayMetrics;
import io.rallypoint.gateway.store.RedisLocationStore;
import io.rallypoint.schemas.frame.MeetingPoint;
import io.rallypoint.schemas.json.Json;
import io.rallypoint.schemas.topic.Topic;
import io.rallypoint.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code location.meeting-points} on every gateway node: all partitions assigned without a
 * consumer group (each node sees every record), from the end at start. Each point is kept in Redis
 * as the conversation's latest (so any node answers a {@code meetingPoint} request), then pushed as
 * a {@code meetingPoint} frame to the conversation's members connected to this node.
 *
 * <p>Nothing is committed: a node that restarts follows from the end again, and Redis keeps the
 * latest point meanwhile (written by any node that was up).
 */
public final class MeetingPointFeed implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MeetingPointFeed.class);
  private static final Topic<String, MeetingPoint> TOPIC = Topics.LOCATION_MEETING_POINTS;
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration RETRY = Duration.ofSeconds(1);

  private final Consumer<String, byte[]> consumer;
  private final RedisLocationStore store;
  private final LocalConnections local;
  private final GatewayMetrics metrics;
  private final Thread thread;
  private volatile boolean running = true;
  private boolean assigned;

  public MeetingPointFeed(Consumer<String, byte[]> consumer, RedisLocationStore store, LocalConnections local,
      GatewayMetrics metrics) {
    this.consumer = consumer;
    this.store = store;
    this.local = local;
    this.metrics = metrics;
    this.thread = new Thread(this::run, "gateway-meeting-points");
    this.thread.setDaemon(true);
  }

  /** A consumer that reads without a group: nothing to coordinate between nodes, nothing committed. */
  public static Consumer<String, byte[]> consumer(String bootstrapServers, Duration timeout) {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", // the location stream writes exactly once
        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
        ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
        ConsumerConfig.CLIENT_ID_CONFIG, "rallypoint-gateway-meeting-points"),
        new StringDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Positions at the end of every partition now when Kafka answers (so a point published after the
   * node started is never missed), else on the feed's thread once it does; then starts following.
   */
  public void start() {
    try {
      assignAtEnd();
    } catch (RuntimeException e) {
      LOG.warn("cannot follow {} yet ({}); retrying in the background", TOPIC.name(), e.toString());
    }
    thread.start();
  }

  private void run() {
    try {
      while (running) {
        try {
          if (!assigned) {
            assignAtEnd();
            continue;
          }
          for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
            handle(record);
          }
        } catch (WakeupException e) {
          // closing
        } catch (RuntimeException e) { // broker unreachable, topic missing: transient for a node
          if (running) {
            LOG.warn("following {} failed; retrying in {}", TOPIC.name(), RETRY, e);
            sleep(RETRY);
          }
        }
      }
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private void assignAtEnd() {
    List<PartitionInfo> partitions = consumer.partitionsFor(TOPIC.name());
    if (partitions == null || partitions.isEmpty()) {
      throw new IllegalStateException("topic " + TOPIC.name() + " has no partitions (not created yet?)");
    }
    List<TopicPartition> all = partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(all);
    consumer.seekToEnd(all);
    all.forEach(consumer::position); // resolve the end now, not at the first poll
    assigned = true;
  }

  private void handle(ConsumerRecord<String, byte[]> record) {
    String conversation = record.key();
    if (conversation == null) {
      LOG.warn("ignoring a meeting point without a key at {}-{}@{}", record.topic(), record.partition(), record.offset());
      return;
    }
    if (record.value() == null) {
      store.forgetMeetingPoint(conversation).exceptionally(error -> {
        LOG.warn("cannot forget the meeting point of conversation {}", conversation, error);
        return null;
      });
      return;
    }
    MeetingPoint point;
    try {
      point = TOPIC.valueSerde().deserializer().deserialize(TOPIC.name(), record.value());
    } catch (RuntimeException e) {
      LOG.warn("ignoring an unreadable meeting point of conversation {} at {}-{}@{}", conversation,
          record.topic(), record.partition(), record.offset(), e);
      return;
    }
    String json = new String(record.value(), StandardCharsets.UTF_8);
    String frame = frameText(Json.parse(json), null);
    // stored first, so a member who gets the push and asks at once is answered with this point
    store.saveMeetingPoint(conversation, point.computedAt(), json).whenComplete((stored, error) -> {
      if (error != null) {
        LOG.warn("cannot keep the meeting point of conversation {} in Redis", conversation, error);
      }
      metrics.meetingPointPushed(local.deliver(conversation, frame, null));
    });
  }

  /** The {@code meetingPoint} frame for a topic value: {@code type} first, then {@code id} when answering a request. */
  static String frameText(JsonNode value, String requestId) {
    ObjectNode frame = Json.object();
    frame.put("type", "meetingPoint");
    if (requestId != null) {
      frame.put("id", requestId);
    }
    value.properties().forEach(field -> {
      if (!"type".equals(field.getKey()) && !"id".equals(field.getKey())) {
        frame.set(field.getKey(), field.getValue());
      }
    });
    return Json.toString(frame);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops following: the poll is woken, the consumer closed on its thread. */
  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
