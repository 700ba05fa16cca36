package io.rallypoint.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rallypoint.schemas.config.Env;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

  @Test
  void defaultsAreTheIssuesTargetWithTheSecretFromTheEnvironment() {
    BenchOptions options = BenchOptions.defaults(Env.of(Map.of("CHAT_JWT_SECRET", "s")));

    assertThat(options.connections()).isEqualTo(1_000);
    assertThat(options.groupSize()).isEqualTo(10);
    assertThat(options.rate()).isEqualTo(5_000);
    assertThat(options.conversations()).isEqualTo(100);
    assertThat(options.jwtSecret()).isEqualTo("s");
    assertThat(options.gateways()).containsExactly(URI.create("ws://127.0.0.1:8080/ws"));
  }

  @Test
  void optionsOverrideTheDefaultsAndSeveralGatewaysAreCommaSeparated() {
    BenchOptions options = BenchOptions.parse(new String[] {
        "--url", "ws://127.0.0.1:8080/ws,ws://127.0.0.1:8090/ws", "--connections", "25", "--group", "10",
        "--rate", "100", "--duration", "PT3S", "--warmup", "PT0S", "--secret", "x"}, Env.of(Map.of()));

    assertThat(options.gateways()).hasSize(2);
    assertThat(options.conversations()).isEqualTo(3);
    assertThat(options.duration()).isEqualTo(Duration.ofSeconds(3));
    assertThat(options.warmup()).isZero();
  }

  @Test
  void badOptionsAreRefusedWithTheUsage() {
    assertThatThrownBy(() -> BenchOptions.parse(new String[0], Env.of(Map.of())))
        .hasMessageContaining("CHAT_JWT_SECRET").hasMessageContaining("usage");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--rate"}, Env.of(Map.of("CHAT_JWT_SECRET", "s"))))
        .hasMessageContaining("usage");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--group", "1"}, Env.of(Map.of("CHAT_JWT_SECRET", "s"))))
        .hasMessageContaining("group");
  }

  @Test
  void theBaselineRunsFirstUnlessTurnedOff() {
    Env env = Env.of(Map.of("CHAT_JWT_SECRET", "s"));

    assertThat(BenchOptions.defaults(env).baseline()).isTrue();
    assertThat(BenchOptions.parse(new String[] {"--baseline", "false"}, env).baseline()).isFalse();
    assertThat(BenchOptions.parse(new String[] {"--baseline", "true"}, env).baseline()).isTrue();
  }

  @Test
  void theBaselineTakesOnlyTrueOrFalseSoATypoIsNotReadAsFalse() {
    Env env = Env.of(Map.of("CHAT_JWT_SECRET", "s"));

    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--baseline", "no"}, env))
        .hasMessageContaining("--baseline takes true or false").hasMessageContaining("usage");
  }

  @Test
  void sharingAndStormsAreOffByDefaultAndAStormFallsInTheMeasuredPartOfARunWithoutSharing() {
    Env env = Env.of(Map.of("CHAT_JWT_SECRET", "s"));

    BenchOptions defaults = BenchOptions.defaults(env);
    assertThat(defaults.sharing()).isFalse();
    assertThat(defaults.storm()).isZero();
    assertThat(BenchOptions.parse(new String[] {"--share-every", "PT2S"}, env).shareEvery())
        .isEqualTo(Duration.ofSeconds(2));
    BenchOptions storm = BenchOptions.parse(new String[] {"--storm", "1000", "--storm-at", "PT15S"}, env);
    assertThat(storm.storm()).isEqualTo(1_000);
    assertThat(storm.stormAt()).isEqualTo(Duration.ofSeconds(15));

    // a storm during the warm-up or after the measured part would be compared with nothing
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--storm", "10", "--storm-at", "PT3S"}, env))
        .hasMessageContaining("--storm-at");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--storm", "10", "--storm-at", "PT40S"}, env))
        .hasMessageContaining("--storm-at");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--storm", "10", "--share-every", "PT2S"}, env))
        .hasMessageContaining("separate runs");
  }
}
