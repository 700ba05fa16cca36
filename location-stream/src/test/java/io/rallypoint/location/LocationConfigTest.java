package io.rallypoint.location;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rallypoint.schemas.config.Env;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocationConfigTest {

  @Test
  void unsetVariablesGiveTheDocumentedDefaults() {
    LocationConfig cfg = LocationConfig.from(Env.of(Map.of()));
    assertThat(cfg.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(cfg.applicationId()).isEqualTo("rallypoint-location-stream");
    assertThat(cfg.httpPort()).isEqualTo(8081);
    assertThat(cfg.stationaryAfter()).isEqualTo(Duration.ofMinutes(30));
    assertThat(cfg.stationaryRadiusMeters()).isEqualTo(50.0);
    assertThat(cfg.punctuateEvery()).isEqualTo(Duration.ofSeconds(1));
    assertThat(cfg.stateDir()).endsWithRaw(Path.of("rallypoint-location-stream", "8081"));
    assertThat(cfg.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(cfg.standbyReplicas()).isEqualTo(1);
    assertThat(cfg.instanceId()).isEmpty();
    assertThat(cfg.jwtSecret()).isEmpty();
    assertThat(cfg.database().jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test");
  }

  @Test
  void variablesOverrideTheDefaults() {
    LocationConfig cfg = LocationConfig.from(Env.of(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
        "LOCATION_HTTP_PORT", "9001",
        "LOCATION_STATIONARY_AFTER", "PT2M",
        "LOCATION_STATIONARY_RADIUS_M", "25",
        "LOCATION_STATE_DIR", "/var/lib/location",
        "LOCATION_INSTANCE_ID", "location-2",
        "LOCATION_SESSION_TIMEOUT", "PT20S",
        "CHAT_JWT_SECRET", "s3cret",
        "DATABASE_URL", "postgresql://reader@db:5432/rallypoint")));
    assertThat(cfg.bootstrapServers()).isEqualTo("kafka:9092");
    assertThat(cfg.httpPort()).isEqualTo(9001);
    assertThat(cfg.stationaryAfter()).isEqualTo(Duration.ofMinutes(2));
    assertThat(cfg.stationaryRadiusMeters()).isEqualTo(25.0);
    assertThat(cfg.stateDir()).isEqualTo(Path.of("/var/lib/location"));
    assertThat(cfg.instanceId()).hasValue("location-2");
    assertThat(cfg.sessionTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(cfg.jwtSecret()).hasValue("s3cret");
    assertThat(cfg.database().jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/rallypoint");
  }

  @Test
  void aBadValueIsRefusedWithItsName() {
    assertThatThrownBy(() -> LocationConfig.from(Env.of(Map.of("LOCATION_STATIONARY_AFTER", "30 minutes"))))
        .hasMessageContaining("LOCATION_STATIONARY_AFTER");
    assertThatThrownBy(() -> LocationConfig.from(Env.of(Map.of("LOCATION_HTTP_PORT", "70000"))))
        .hasMessageContaining("LOCATION_HTTP_PORT");
  }
}
