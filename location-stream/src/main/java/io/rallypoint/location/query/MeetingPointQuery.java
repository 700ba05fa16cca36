package io.rallypoint.location.query;

import io.rallypoint.location.topology.GroupState;
import io.rallypoint.location.topology.LocationTopology;
import io.rallypoint.schemas.frame.MeetingPoint;
import io.rallypoint.schemas.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Answers "what is this conversation's meeting point" from the state store of whichever instance
 * owns the conversation's partition: this one reads its local store; otherwise the request is
 * forwarded once over HTTP to the owner named by Kafka Streams' metadata ({@code application.server}),
 * with the caller's {@code Authorization} header (the owner checks the caller again).
 */
public final class MeetingPointQuery {

  /** Query parameter marking a forwarded request, so a stale owner answers instead of forwarding again. */
  public static final String FORWARDED_PARAM = "forwarded";

  /** Response header naming the instance ({@code host:port}) that read its store. */
  public static final String SERVED_BY_HEADER = "X-Served-By";

  private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(5);

  private final KafkaStreams streams;
  private final HostInfo self;
  private final HttpClient http;

  public MeetingPointQuery(KafkaStreams streams, HostInfo self) {
    this.streams = streams;
    this.self = self;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  }

  /** The outcome of a query: an HTTP status, a JSON body, and who served it. */
  public record Answer(int status, byte[] body, String servedBy) {

    static Answer found(MeetingPoint point, HostInfo by) {
      return new Answer(200, Json.toBytes(point), by.host() + ":" + by.port());
    }

    static Answer error(int status, String code, String message) {
      var body = Json.object().put("code", code).put("message", message);
      return new Answer(status, Json.toBytes(body), null);
    }
  }

  /**
   * The meeting point of a conversation, from this instance or forwarded to its owner with the
   * caller's {@code authorization} header.
   */
  public Answer find(String conversation, boolean forwarded, String authorization) {
    KeyQueryMetadata meta;
    try {
      meta = streams.queryMetadataForKey(LocationTopology.GROUPS_STORE, conversation, Serdes.String().serializer());
    } catch (IllegalStateException e) {
      return Answer.error(503, "unavailable", "the location stream is not running: " + e.getMessage());
    }
    if (meta == null || meta == KeyQueryMetadata.NOT_AVAILABLE || meta.activeHost() == null
        || HostInfo.unavailable().equals(meta.activeHost())) {
      return Answer.error(503, "unavailable", "no instance owns this conversation yet (rebalancing); retry");
    }
    if (self.equals(meta.activeHost())) {
      return local(conversation, meta.partition());
    }
    if (forwarded) {
      return Answer.error(503, "unavailable", "ownership is moving between instances; retry");
    }
    return forward(meta.activeHost(), conversation, authorization);
  }

  private Answer local(String conversation, int partition) {
    try {
      ReadOnlyKeyValueStore<String, GroupState> store = streams.store(StoreQueryParameters
          .fromNameAndType(LocationTopology.GROUPS_STORE, QueryableStoreTypes.<String, GroupState>keyValueStore())
          .withPartition(partition));
      GroupState state = store.get(conversation);
      if (state == null || state.published() == null) {
        return Answer.error(404, "not_found", "no meeting point for conversation " + conversation);
      }
      return Answer.found(state.published(), self);
    } catch (InvalidStateStoreException e) {
      return Answer.error(503, "unavailable", "the store is not queryable right now (" + e.getMessage() + "); retry");
    }
  }

  private Answer forward(HostInfo owner, String conversation, String authorization) {
    URI uri = URI.create("http://" + owner.host() + ":" + owner.port() + "/meeting-points/"
        + URLEncoder.encode(conversation, StandardCharsets.UTF_8).replace("+", "%20") + "?" + FORWARDED_PARAM + "=true");
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(FORWARD_TIMEOUT).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Answer(response.statusCode(), response.body(),
          response.headers().firstValue(SERVED_BY_HEADER).orElse(null));
    } catch (IOException e) {
      return Answer.error(503, "unavailable", "the owning instance " + owner.host() + ":" + owner.port()
          + " did not answer: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Answer.error(503, "unavailable", "interrupted while asking the owning instance");
    }
  }
}
