package io.rallypoint.gateway.location;

import io.rallypoint.gateway.connection.Connection;
import io.rallypoint.schemas.frame.ClientFrame;
import io.rallypoint.schemas.frame.ErrorFrame;
import io.rallypoint.schemas.frame.SendFrame;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Everything about location on the gateway, in one place so the location issue can replace it:
 * the {@code location}, {@code session} and {@code meetingPoint} frames, and the consent check of a
 * {@code send} whose {@code metadata.kind} is {@code location} or {@code meetup}.
 */
public interface LocationFrames {

  /** Handles a {@code location}, {@code session} or {@code meetingPoint} frame; completes once dispatched. */
  CompletionStage<Void> handle(Connection connection, ClientFrame frame);

  /** Whether the sender may post this location pin or meet-up request; the error to reply when not. */
  CompletionStage<Optional<ErrorFrame>> pinAllowed(Connection connection, SendFrame send);

  /** Whether a send needs {@link #pinAllowed}: its {@code metadata.kind} is {@code location} or {@code meetup}. */
  static boolean isPin(SendFrame send) {
    String kind = send.metadataKind();
    return "location".equals(kind) || "meetup".equals(kind);
  }
}
