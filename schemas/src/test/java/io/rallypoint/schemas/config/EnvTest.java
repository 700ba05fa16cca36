package io.rallypoint.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {

  @Test
  void unset_and_blank_variables_take_the_default() {
    Env env = Env.of(Map.of("GATEWAY_PORT", "  "));

    assertThat(env.port("GATEWAY_PORT", 8080)).isEqualTo(8080);
    assertThat(env.duration("LOCATION_STATIONARY_AFTER", Duration.ofMinutes(30))).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void set_variables_are_parsed() {
    Env env = Env.of(Map.of("GATEWAY_PORT", "9000", "LOCATION_STATIONARY_AFTER", "PT2M"));

    assertThat(env.port("GATEWAY_PORT", 8080)).isEqualTo(9000);
    assertThat(env.duration("LOCATION_STATIONARY_AFTER", Duration.ofMinutes(30))).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void errors_name_the_variable_and_the_expected_form() {
    assertThatThrownBy(() -> Env.of(Map.of("GATEWAY_PORT", "eighty")).port("GATEWAY_PORT", 8080))
        .hasMessageContaining("GATEWAY_PORT").hasMessageContaining("whole number");
    assertThatThrownBy(() -> Env.of(Map.of("GATEWAY_PORT", "70000")).port("GATEWAY_PORT", 8080))
        .hasMessageContaining("GATEWAY_PORT").hasMessageContaining("1..65535");
    assertThatThrownBy(() -> Env.of(Map.of("LOCATION_STATIONARY_AFTER", "30m")).duration("LOCATION_STATIONARY_AFTER", null))
        .hasMessageContaining("LOCATION_STATIONARY_AFTER").hasMessageContaining("PT30M");
    assertThatThrownBy(() -> Env.of(Map.of("LOCATION_STATIONARY_AFTER", "PT0S")).duration("LOCATION_STATIONARY_AFTER", null))
        .hasMessageContaining("positive");
  }
}
