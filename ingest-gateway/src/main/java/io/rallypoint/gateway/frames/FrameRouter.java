package io.rallypoint.gateway.frames;

import io.rallypoint.gateway.connection.Connection;
import io.rallypoint.schemas.frame.ClientFrame;
import io.rallypoint.schemas.frame.LocationFrame;
import io.rallypoint.schemas.frame.MeetingPointRequestFrame;
import io.rallypoint.schemas.frame.PingFrame;
import io.rallypoint.schemas.frame.PongFrame;
import io.rallypoint.schemas.frame.PresenceRequestFrame;
import io.rallypoint.schemas.frame.ReadFrame;
import io.rallypoint.schemas.frame.SendFrame;
import io.rallypoint.schemas.frame.SessionFrame;
import io.rallypoint.schemas.frame.SyncFrame;
import io.rallypoint.schemas.frame.TypingFrame;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Sends each decoded client frame to the step that owns it. The switch is exhaustive over the
 * sealed {@link ClientFrame}: a new frame type does not compile until it is routed.
 */
public final class FrameRouter implements FrameStep<ClientFrame> {

  private final FrameStep<SendFrame> send;
  private final FrameStep<ReadFrame> read;
  private final FrameStep<SyncFrame> sync;
  private final FrameStep<LocationFrame> location;
  private final FrameStep<SessionFrame> session;
  private final FrameStep<MeetingPointRequestFrame> meetingPoint;
  private final FrameStep<TypingFrame> typing;
  private final FrameStep<PresenceRequestFrame> presence;

  public FrameRouter(FrameStep<SendFrame> send, FrameStep<ReadFrame> read, FrameStep<SyncFrame> sync,
      FrameStep<LocationFrame> location, FrameStep<SessionFrame> session,
      FrameStep<MeetingPointRequestFrame> meetingPoint, FrameStep<TypingFrame> typing,
      FrameStep<PresenceRequestFrame> presence) {
    this.send = send;
    this.read = read;
    this.sync = sync;
    this.location = location;
    this.session = session;
    this.meetingPoint = meetingPoint;
    this.typing = typing;
    this.presence = presence;
  }

  @Override
  public CompletionStage<Void> handle(Connection connection, ClientFrame frame) {
    return switch (frame) {
      case SendFrame f -> send.handle(connection, f);
      case ReadFrame f -> read.handle(connection, f);
      case SyncFrame f -> sync.handle(connection, f);
      case LocationFrame f -> location.handle(connection, f);
      case SessionFrame f -> session.handle(connection, f);
      case MeetingPointRequestFrame f -> meetingPoint.handle(connection, f);
      case TypingFrame f -> typing.handle(connection, f);
      case PresenceRequestFrame f -> presence.handle(connection, f);
      case PingFrame f -> {
        connection.reply(new PongFrame(f.id()));
        yield CompletableFuture.completedFuture(null);
      }
    };
  }
}
