package io.rallypoint.client.outbox;

import java.util.Objects;

/**
 * Why the gateway refused an outbox message for good: its error {@code code} ({@code bad_request},
 * {@code too_large}, {@code forbidden}, {@code consent_required}, PROTOCOL section 1.5) and the
 * message for a person.
 */
public record Failure(String code, String message) {
  public Failure {
    Objects.requireNonNull(code, "code");
    message = message == null ? "" : message;
  }
}
