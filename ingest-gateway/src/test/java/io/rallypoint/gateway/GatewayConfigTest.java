package io.rallypoint.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rallypoint.gateway.kafka.KafkaTopicWriter;
import io.rallypoint.schemas.config.Env;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    GatewayConfig config = GatewayConfig.from(Env.of(Map.of("CHAT_JWT_SECRET", "s")));

    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.maxFrameBytes()).isEqualTo(65_536);
    assertThat(config.maxBodyChars()).isEqualTo(4_000);
    assertThat(config.rateLimitPerSecond()).isEqualTo(20);
    assertThat(config.rateLimitBurst()).isEqualTo(40);
    assertThat(config.abuseWindow()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.abuseCloseAfter()).isEqualTo(100);
    assertThat(config.outboundHighWaterBytes()).isEqualTo(1_048_576);
    assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(config.membershipCacheTtl()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.kafkaBootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(config.redisUrl()).isEqualTo("redis://127.0.0.1:6379");
    assertThat(config.consentCacheTtl()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.kafkaLinger()).isEqualTo(Duration.ofMillis(2));
    assertThat(config.redisMaxPendingSends()).isEqualTo(2_000);
  }

  @Test
  void theSecretIsRequiredAndBadValuesNameTheirVariable() {
    assertThatThrownBy(() -> GatewayConfig.from(Env.of(Map.of())))
        .hasMessageContaining("CHAT_JWT_SECRET");
    assertThatThrownBy(() -> GatewayConfig.from(Env.of(Map.of("CHAT_JWT_SECRET", "s", "GATEWAY_PORT", "http"))))
        .hasMessageContaining("GATEWAY_PORT");
    assertThatThrownBy(() -> GatewayConfig.from(Env.of(Map.of("CHAT_JWT_SECRET", "s", "GATEWAY_IDLE_TIMEOUT", "5s"))))
        .hasMessageContaining("GATEWAY_IDLE_TIMEOUT");
    // PROTOCOL: a consent change takes effect within 10 s
    assertThatThrownBy(() -> GatewayConfig.from(Env.of(Map.of("CHAT_JWT_SECRET", "s", "GATEWAY_CONSENT_CACHE_TTL", "PT11S"))))
        .hasMessageContaining("GATEWAY_CONSENT_CACHE_TTL");
    // every ack waits for the linger
    assertThatThrownBy(() -> GatewayConfig.from(Env.of(Map.of("CHAT_JWT_SECRET", "s", "GATEWAY_KAFKA_LINGER", "PT2S"))))
        .hasMessageContaining("GATEWAY_KAFKA_LINGER");
    assertThatThrownBy(() -> GatewayConfig.from(Env.of(Map.of("CHAT_JWT_SECRET", "s", "GATEWAY_REDIS_MAX_PENDING_SENDS", "0"))))
        .hasMessageContaining("GATEWAY_REDIS_MAX_PENDING_SENDS");
    assertThatThrownBy(() -> GatewayConfig.from(Env.of(Map.of("CHAT_JWT_SECRET", "s", "GATEWAY_ABUSE_WINDOW", "PT0S"))))
        .hasMessageContaining("GATEWAY_ABUSE_WINDOW");
  }

  @Test
  void theKafkaLingerReachesTheProducer() {
    GatewayConfig config = GatewayConfig.from(Env.of(Map.of("CHAT_JWT_SECRET", "s", "GATEWAY_KAFKA_LINGER", "PT0.02S")));

    assertThat(KafkaTopicWriter.producerConfig("k:9092", config.kafkaTimeout(), config.kafkaLinger()))
        .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 20)
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
  }

  @Test
  void portZeroIsAllowedForTests() {
    assertThat(GatewayConfig.from(Env.of(Map.of("CHAT_JWT_SECRET", "s", "GATEWAY_PORT", "0"))).port()).isZero();
  }

  @Test
  void aRedisClusterUrlIsAcceptedAndABadOneNamesTheVariable() {
    assertThat(GatewayConfig.from(Env.of(Map.of("CHAT_JWT_SECRET", "s",
        "REDIS_URL", "redis-cluster://10.0.0.1:7000,10.0.0.2:7000"))).redisUrl())
        .isEqualTo("redis-cluster://10.0.0.1:7000,10.0.0.2:7000");
    assertThatThrownBy(() -> GatewayConfig.from(Env.of(Map.of("CHAT_JWT_SECRET", "s",
        "REDIS_URL", "redis-cluster://10.0.0.1:7000/4"))))
        .hasMessageContaining("REDIS_URL");
    assertThatThrownBy(() -> GatewayConfig.from(Env.of(Map.of("CHAT_JWT_SECRET", "s",
        "GATEWAY_REDIS_CHANNEL_PREFIX", "rp{x}"))))
        .hasMessageContaining("GATEWAY_REDIS_CHANNEL_PREFIX");
  }
}
