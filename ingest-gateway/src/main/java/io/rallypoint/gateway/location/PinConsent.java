package io.rallypoint.gateway.location;

import io.rallypoint.gateway.connection.Connection;
import io.rallypoint.schemas.frame.ErrorFrame;
import io.rallypoint.schemas.frame.SendFrame;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The consent check of a {@code send} whose {@code metadata.kind} is {@code location} or
 * {@code meetup} (a location pin, a meet-up request): it needs the sender's
 * {@code location_sharing_enabled} too.
 */
public interface PinConsent {

  /** Whether the sender may post this pin; the error to reply when not. */
  CompletionStage<Optional<ErrorFrame>> pinAllowed(Connection connection, SendFrame send);

  /** Whether a send needs {@link #pinAllowed}: its {@code metadata.kind} is {@code location} or {@code meetup}. */
  static boolean isPin(SendFrame send) {
    String kind = send.metadataKind();
    return "location".equals(kind) || "meetup".equals(kind);
  }
}
