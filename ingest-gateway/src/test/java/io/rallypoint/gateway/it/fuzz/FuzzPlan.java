package io.rallypoint.gateway.it.fuzz;

import java.time.Duration;

/**
 * How big a fuzz run is: at least {@code frames} fuzz frames from {@code connections} connections
 * over at least {@code duration}, from {@code seed}. Read from system properties ({@code -Dfuzz.frames},
 * {@code -Dfuzz.connections}, {@code -Dfuzz.seconds}, {@code -Dfuzz.seed}) or the environment
 * ({@code FUZZ_FRAMES}, ...), with the defaults of the bounded run CI makes.
 *
 * @param frames      the fewest WebSocket frames the fuzz connections write (every fragment and control frame counts)
 * @param connections fuzz connections open at any time, spread over the nodes
 * @param duration    the shortest time the fuzz lasts (the members chat throughout)
 * @param seed        the seed of every random choice; printed, so a failure reproduces with {@code -Dfuzz.seed}
 */
public record FuzzPlan(long frames, int connections, Duration duration, long seed) {

  public static final long CI_FRAMES = 100_000;
  public static final int CI_CONNECTIONS = 24;
  public static final int CI_SECONDS = 50;
  public static final long CI_SEED = 20_261_203L;

  public FuzzPlan {
    if (frames < 1 || connections < 6 || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("a fuzz plan needs frames >= 1, connections >= 6 and a positive duration: "
          + frames + ", " + connections + ", " + duration);
    }
  }

  /** The plan the system properties and environment describe, CI's defaults for what they leave out. */
  public static FuzzPlan fromSystem() {
    return new FuzzPlan(
        number("fuzz.frames", CI_FRAMES),
        (int) number("fuzz.connections", CI_CONNECTIONS),
        Duration.ofSeconds(number("fuzz.seconds", CI_SECONDS)),
        number("fuzz.seed", CI_SEED));
  }

  /** How long the run may take to write its frames before it counts as too slow. */
  public Duration deadline() {
    return duration.plus(duration.dividedBy(2)).plusSeconds(10);
  }

  private static long number(String property, long fallback) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(property.toUpperCase().replace('.', '_'));
    }
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Long.parseLong(value.trim().replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(property + " must be an integer, not '" + value + "'", e);
    }
  }

  @Override
  public String toString() {
    return "frames>=" + frames + " connections=" + connections + " seconds>=" + duration.toSeconds() + " seed=" + seed
        + " (reproduce: -Dfuzz.seed=" + seed + ")";
  }
}
