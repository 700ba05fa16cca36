package io.rallypoint.e2e.client;

import static io.rallypoint.e2e.client.ClientGateway.client;
import static io.rallypoint.e2e.client.ClientGateway.conversation;
import static io.rallypoint.e2e.client.ClientGateway.options;
import static io.rallypoint.e2e.client.ClientGateway.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rallypoint.client.ClientState;
import io.rallypoint.client.RallypointClient;
import io.rallypoint.client.conversation.ChatMessage;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An outbox larger than the gateway's burst, sent at once: the excess is refused {@code rate_limited},
 * and the client sends each refused message again at its {@code retryAfterMs}, so every message is
 * acked once, each refused at most once, at the gateway's sustained rate, and the connection stays
 * open (PROTOCOL 1.5).
 */
class ClientRateLimitIT {

  private static final int OUTBOX = 40;
  private static final int RATE = 10;
  private static final int BURST = 5;

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  @Test
  void anOutboxOverTheBurstDrainsAtTheSustainedRateEachMessageRefusedAtMostOnce() {
    String ana = user("ana");
    String ride = conversation(db, ana);
    ClientEvents anaSaw = new ClientEvents();
    try (GatewayServer gateway = ClientGateway.start(db, redis, Map.of(
            "GATEWAY_RATE_LIMIT_PER_SECOND", String.valueOf(RATE), "GATEWAY_RATE_LIMIT_BURST", String.valueOf(BURST)));
        RallypointClient anaPhone = client(options(gateway.port(), ride).build(), ana, anaSaw)) {
      await().until(() -> anaSaw.synced.contains(ride));

      // When 40 messages are written at once
      long start = System.nanoTime();
      List<String> clientMsgIds = new ArrayList<>();
      for (int i = 0; i < OUTBOX; i++) {
        clientMsgIds.add(anaPhone.send(ride, "m" + i));
      }

      // Then all are acked, each once
      await().atMost(Duration.ofSeconds(30)).until(() -> anaPhone.pendingCount() == 0);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(anaSaw.acks).extracting(ChatMessage::clientMsgId).containsExactlyInAnyOrderElementsOf(clientMsgIds);
      assertThat(anaSaw.acks).extracting(ChatMessage::seq).doesNotHaveDuplicates();
      // the excess over the burst was refused, no message more than once (each went again at its turn): at most
      // the outbox less the burst, and the two tokens the connection's sync and presence request took
      long refused = anaSaw.errorCodes().stream().filter("rate_limited"::equals).count();
      assertThat(refused).isPositive().isLessThanOrEqualTo(OUTBOX - BURST + 2);
      // at the sustained rate, not faster
      assertThat(took).isGreaterThan(Duration.ofMillis((OUTBOX - BURST) * 1_000L / RATE - 500));
      // without ever losing the connection
      assertThat(anaSaw.states).containsExactly(ClientState.CONNECTING, ClientState.OPEN);
      assertThat(anaSaw.errorCodes()).containsOnly("rate_limited");
    }
  }
}
