package io.rallypoint.client;

import io.rallypoint.client.frame.FrameConnector;
import io.rallypoint.client.frame.WebSocketConnection;
import io.rallypoint.client.outbox.InMemoryOutboxStore;
import io.rallypoint.client.outbox.OutboxStore;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link RallypointClient} behaves: where the gateway is, which conversations it follows, where
 * its outbox is kept, and its timings. Immutable; {@link #builder} gives the defaults below, each
 * one the TypeScript client's (clients/typescript).
 *
 * @param uri              the gateway's WebSocket endpoint, e.g. {@code wss://chat.example/ws}
 * @param conversations    conversations synced on every (re)connect from the start ({@link RallypointClient#watch} adds more)
 * @param outboxStore      where the outbox survives (default: in memory)
 * @param connector        the WebSocket implementation (default: {@code java.net.http})
 * @param connectTimeout   how long opening a connection may take (10 s)
 * @param initialBackoff   the first reconnect backoff, before jitter (0.5 s); doubled per failed attempt
 * @param maxBackoff       the longest reconnect backoff (15 s)
 * @param abuseBackoff     the least wait after a close with 1008, when the gateway judged the pace abusive (30 s)
 * @param pageSize         messages per sync page (100; 1 to 500)
 * @param ackTimeout       a message not acked this long after its send is sent again (10 s)
 * @param requestTimeout   a request not answered this long fails with {@code timeout}; a ping not answered closes the connection (10 s)
 * @param requestRetries   how often a request refused {@code rate_limited} or {@code unavailable} is sent again (5)
 * @param maxRetryBackoff  the most a retry after {@code unavailable} waits before jitter (30 s)
 * @param pingEvery        how often a quiet connection pings, below the gateway's idle timeout (25 s)
 * @param presenceRefresh  how often presence is asked again while connected (15 s)
 * @param typingRenew      how often {@code typing started} is renewed while the user types (3 s)
 * @param typingIdle       how long after the last keystroke {@code stopped} goes out (5 s)
 * @param typingLapse      how long another member shows typing without a renewal (6 s)
 * @param maxMessages      messages kept in memory per conversation (2,000)
 * @param maxFrameBytes    a send whose frame is larger is failed {@code too_large} instead of sent (65,536, the gateway's default)
 */
public record ClientOptions(URI uri, List<String> conversations, OutboxStore outboxStore, FrameConnector connector,
    Duration connectTimeout, Duration initialBackoff, Duration maxBackoff, Duration abuseBackoff, int pageSize,
    Duration ackTimeout, Duration requestTimeout, int requestRetries, Duration maxRetryBackoff, Duration pingEvery,
    Duration presenceRefresh, Duration typingRenew, Duration typingIdle, Duration typingLapse, int maxMessages,
    int maxFrameBytes) {

  public ClientOptions {
    Objects.requireNonNull(uri, "uri");
    conversations = List.copyOf(conversations);
    Objects.requireNonNull(outboxStore, "outboxStore");
    Objects.requireNonNull(connector, "connector");
    for (Duration d : List.of(connectTimeout, initialBackoff, maxBackoff, ackTimeout, requestTimeout, maxRetryBackoff,
        pingEvery, presenceRefresh, typingRenew, typingIdle, typingLapse)) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("every duration of ClientOptions must be positive, not " + d);
      }
    }
    if (abuseBackoff.isNegative()) {
      throw new IllegalArgumentException("abuseBackoff must not be negative");
    }
    if (pageSize < 1 || pageSize > 500) {
      throw new IllegalArgumentException("pageSize must be 1 to 500 (PROTOCOL 1.3), not " + pageSize);
    }
    if (requestRetries < 0 || maxMessages < 1 || maxFrameBytes < 1) {
      throw new IllegalArgumentException("requestRetries >= 0, maxMessages >= 1 and maxFrameBytes >= 1");
    }
  }

  /** The defaults for the gateway at {@code uri}. */
  public static Builder builder(URI uri) {
    return new Builder(uri);
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    Builder b = new Builder(uri);
    b.conversations = conversations;
    b.outboxStore = outboxStore;
    b.connector = connector;
    b.connectTimeout = connectTimeout;
    b.initialBackoff = initialBackoff;
    b.maxBackoff = maxBackoff;
    b.abuseBackoff = abuseBackoff;
    b.pageSize = pageSize;
    b.ackTimeout = ackTimeout;
    b.requestTimeout = requestTimeout;
    b.requestRetries = requestRetries;
    b.maxRetryBackoff = maxRetryBackoff;
    b.pingEvery = pingEvery;
    b.presenceRefresh = presenceRefresh;
    b.typingRenew = typingRenew;
    b.typingIdle = typingIdle;
    b.typingLapse = typingLapse;
    b.maxMessages = maxMessages;
    b.maxFrameBytes = maxFrameBytes;
    return b;
  }

  /** Builds {@link ClientOptions}; every setter has the default named in the record's description. */
  public static final class Builder {
    private final URI uri;
    private List<String> conversations = List.of();
    private OutboxStore outboxStore;
    private FrameConnector connector = WebSocketConnection.connector();
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration initialBackoff = Duration.ofMillis(500);
    private Duration maxBackoff = Duration.ofSeconds(15);
    private Duration abuseBackoff = Duration.ofSeconds(30);
    private int pageSize = 100;
    private Duration ackTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private int requestRetries = 5;
    private Duration maxRetryBackoff = Duration.ofSeconds(30);
    private Duration pingEvery = Duration.ofSeconds(25);
    private Duration presenceRefresh = Duration.ofSeconds(15);
    private Duration typingRenew = Duration.ofSeconds(3);
    private Duration typingIdle = Duration.ofSeconds(5);
    private Duration typingLapse = Duration.ofSeconds(6);
    private int maxMessages = 2_000;
    private int maxFrameBytes = 65_536;

    private Builder(URI uri) {
      this.uri = uri;
    }

    public Builder conversations(List<String> value) { conversations = value; return this; }
    public Builder outboxStore(OutboxStore value) { outboxStore = value; return this; }
    public Builder connector(FrameConnector value) { connector = value; return this; }
    public Builder connectTimeout(Duration value) { connectTimeout = value; return this; }
    public Builder initialBackoff(Duration value) { initialBackoff = value; return this; }
    public Builder maxBackoff(Duration value) { maxBackoff = value; return this; }
    public Builder abuseBackoff(Duration value) { abuseBackoff = value; return this; }
    public Builder pageSize(int value) { pageSize = value; return this; }
    public Builder ackTimeout(Duration value) { ackTimeout = value; return this; }
    public Builder requestTimeout(Duration value) { requestTimeout = value; return this; }
    public Builder requestRetries(int value) { requestRetries = value; return this; }
    public Builder maxRetryBackoff(Duration value) { maxRetryBackoff = value; return this; }
    public Builder pingEvery(Duration value) { pingEvery = value; return this; }
    public Builder presenceRefresh(Duration value) { presenceRefresh = value; return this; }
    public Builder typingRenew(Duration value) { typingRenew = value; return this; }
    public Builder typingIdle(Duration value) { typingIdle = value; return this; }
    public Builder typingLapse(Duration value) { typingLapse = value; return this; }
    public Builder maxMessages(int value) { maxMessages = value; return this; }
    public Builder maxFrameBytes(int value) { maxFrameBytes = value; return this; }

    public ClientOptions build() {
      return new ClientOptions(uri, conversations, outboxStore == null ? new InMemoryOutboxStore() : outboxStore,
          connector, connectTimeout, initialBackoff, maxBackoff, abuseBackoff, pageSize, ackTimeout, requestTimeout,
          requestRetries, maxRetryBackoff, pingEvery, presenceRefresh, typingRenew, typingIdle, typingLapse, maxMessages,
          maxFrameBytes);
    }
  }
}
