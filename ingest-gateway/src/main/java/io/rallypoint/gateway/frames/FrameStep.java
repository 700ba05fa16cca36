package io.rallypoint.gateway.frames;

import io.rallypoint.gateway.connection.Connection;
import io.rallypoint.schemas.frame.ClientFrame;
import java.util.concurrent.CompletionStage;

/** Handles one type of client frame; the stage completes once the frame is dispatched. */
@FunctionalInterface
public interface FrameStep<F extends ClientFrame> {
  CompletionStage<Void> handle(Connection connection, F frame);
}
