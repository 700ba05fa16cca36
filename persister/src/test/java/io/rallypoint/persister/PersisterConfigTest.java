package io.rallypoint.persister;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rallypoint.schemas.config.Env;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PersisterConfigTest {

  private static final Map<String, String> KAFKA = Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");

  @Test
  void unsetVariablesGiveTheDocumentedDefaults() {
    PersisterConfig cfg = PersisterConfig.from(Env.of(KAFKA));
    assertThat(cfg.httpPort()).isEqualTo(8082);
    assertThat(cfg.groupId()).isEqualTo("rallypoint-persister");
    assertThat(cfg.maxBatch()).isEqualTo(10_000);
    assertThat(cfg.retryDelays()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(16));
    assertThat(cfg.consumers()).isEqualTo(2);
    assertThat(cfg.poolSize()).isEqualTo(3);
    assertThat(cfg.batchWait()).isEqualTo(Duration.ofMillis(100));
    assertThat(cfg.instanceId()).isEmpty();
  }

  @Test
  void variablesOverrideTheDefaults() {
    PersisterConfig cfg = PersisterConfig.from(Env.of(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
        "PERSISTER_BATCH_WAIT", "PT0.005S",
        "PERSISTER_RETRY_DELAYS", "PT0.5S, PT2S,PT8S",
        "PERSISTER_CONSUMERS", "4",
        "PERSISTER_DB_POOL", "5",
        "PERSISTER_INSTANCE_ID", "persister-2")));
    assertThat(cfg.batchWait()).isEqualTo(Duration.ofMillis(5));
    assertThat(cfg.retryDelays()).isEqualTo(List.of(Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(8)));
    assertThat(cfg.consumers()).isEqualTo(4);
    assertThat(cfg.instanceId()).hasValue("persister-2");
  }

  @Test
  void aBadValueIsRefusedWithItsName() {
    assertThatThrownBy(() -> PersisterConfig.from(Env.of(Map.of())))
        .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
    assertThatThrownBy(() -> PersisterConfig.from(Env.of(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9092",
        "PERSISTER_BATCH_WAIT", "PT10S")))).hasMessageContaining("PERSISTER_BATCH_WAIT");
    assertThatThrownBy(() -> PersisterConfig.from(Env.of(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9092",
        "PERSISTER_BATCH_WAIT", "100ms")))).hasMessageContaining("PERSISTER_BATCH_WAIT");
    assertThatThrownBy(() -> PersisterConfig.from(Env.of(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9092",
        "PERSISTER_RETRY_DELAYS", "PT1S,PT2S")))).hasMessageContaining("PERSISTER_RETRY_DELAYS");
    assertThatThrownBy(() -> PersisterConfig.from(Env.of(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9092",
        "PERSISTER_CONSUMERS", "4")))).hasMessageContaining("PERSISTER_DB_POOL");
  }
}
