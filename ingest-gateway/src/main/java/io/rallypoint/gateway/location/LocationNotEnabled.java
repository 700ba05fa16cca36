package io.rallypoint.gateway.location;

import io.rallypoint.gateway.ws.Connection;
import io.rallypoint.schemas.frame.ClientFrame;
import io.rallypoint.schemas.frame.ErrorCode;
import io.rallypoint.schemas.frame.ErrorFrame;
import io.rallypoint.schemas.frame.SendFrame;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Location sharing until the location issue lands: every location frame and location pin is
 * refused with {@code unavailable}, so clients keep them and retry later.
 */
public final class LocationNotEnabled implements LocationFrames {

  public static final String MESSAGE = "location sharing is not enabled on this gateway yet";

  @Override
  public CompletionStage<Void> handle(Connection connection, ClientFrame frame) {
    connection.reply(refusal(frame.id()));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Optional<ErrorFrame>> pinAllowed(Connection connection, SendFrame send) {
    return CompletableFuture.completedFuture(Optional.of(refusal(send.id())));
  }

  private static ErrorFrame refusal(String requestId) {
    return new ErrorFrame(requestId, ErrorCode.UNAVAILABLE, MESSAGE);
  }
}
