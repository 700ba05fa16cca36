package io.rallypoint.launcher;

import java.util.Optional;
import java.util.Set;

/**
 * {@code RALLYPOINT_LOG_FORMAT}: {@code text} (the default, one readable line per event) or
 * {@code json} (one JSON object per line, for log shippers). {@code logback.xml} picks its
 * appender by this name, and would print nothing for any other value, so the launcher checks it
 * before anything logs.
 */
final class LogFormat {

  static final String VARIABLE = "RALLYPOINT_LOG_FORMAT";
  private static final Set<String> FORMATS = Set.of("text", "json");

  private LogFormat() {}

  /** Why {@code value} (unset: null) cannot be used, or empty when it can. */
  static Optional<String> problem(String value) {
    if (value == null || FORMATS.contains(value)) {
      return Optional.empty();
    }
    return Optional.of(VARIABLE + "='" + value + "' is not a log format: use text (the default) or json");
  }
}
