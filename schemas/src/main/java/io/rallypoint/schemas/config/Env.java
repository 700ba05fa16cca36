package io.rallypoint.schemas.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the environment variables of PROTOCOL section 4 into typed values, once, at start. Every
 * error names the variable and the form it expects, so a service refuses to start with a clear
 * message instead of failing later.
 */
public final class Env {

  private final Map<String, String> variables;

  private Env(Map<String, String> variables) {
    this.variables = Map.copyOf(variables);
  }

  /** The process environment. */
  public static Env system() {
    return new Env(System.getenv());
  }

  /** A given set of variables (tests, embedded runs). */
  public static Env of(Map<String, String> variables) {
    return new Env(variables);
  }

  /** The same variables with one set (or replaced): how `up` hands its embedded servers to each service. */
  public Env with(String name, String value) {
    java.util.HashMap<String, String> copy = new java.util.HashMap<>(variables);
    copy.put(name, value);
    return new Env(copy);
  }

  /** The value when set and not blank. */
  public Optional<String> optional(String name) {
    String value = variables.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  /** The value, or the default when unset. */
  public String string(String name, String defaultValue) {
    return optional(name).orElse(defaultValue);
  }

  /** A TCP port (1..65535), or the default when unset. */
  public int port(String name, int defaultValue) {
    return integer(name, defaultValue, 1, 65_535);
  }

  /** An integer within [min, max], or the default when unset. */
  public int integer(String name, int defaultValue, int min, int max) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    int value;
    try {
      value = Integer.parseInt(raw.get());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + "='" + raw.get() + "' is not a whole number");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + "=" + value + " is outside " + min + ".." + max);
    }
    return value;
  }

  /** A positive ISO-8601 duration such as {@code PT30M}, or the default when unset. */
  public Duration duration(String name, Duration defaultValue) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    Duration value;
    try {
      value = Duration.parse(raw.get());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + "='" + raw.get() + "' is not an ISO-8601 duration such as PT30M");
    }
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + "=" + raw.get() + " must be positive");
    }
    return value;
  }
}
