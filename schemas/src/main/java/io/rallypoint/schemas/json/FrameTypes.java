package io.rallypoint.schemas.json;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.rallypoint.schemas.frame.AckFrame;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.frame.ErrorFrame;
import io.rallypoint.schemas.frame.LocationFrame;
import io.rallypoint.schemas.frame.LocationNotice;
import io.rallypoint.schemas.frame.MeetingPoint;
import io.rallypoint.schemas.frame.MeetingPointRequestFrame;
import io.rallypoint.schemas.frame.OkFrame;
import io.rallypoint.schemas.frame.PingFrame;
import io.rallypoint.schemas.frame.PongFrame;
import io.rallypoint.schemas.frame.PresenceFrame;
import io.rallypoint.schemas.frame.PresenceRequestFrame;
import io.rallypoint.schemas.frame.ReadFrame;
import io.rallypoint.schemas.frame.ReceiptFrame;
import io.rallypoint.schemas.frame.SendFrame;
import io.rallypoint.schemas.frame.SessionFrame;
import io.rallypoint.schemas.frame.SyncFrame;
import io.rallypoint.schemas.frame.SyncReplyFrame;
import io.rallypoint.schemas.frame.TypingFrame;
import io.rallypoint.schemas.frame.TypingNotice;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The wire names of the frame types, as Jackson mix-ins. They live apart from the records so that a
 * {@link ChatMessage} written to Kafka carries no {@code type} while the same record sent as a
 * {@code message} frame does.
 */
final class FrameTypes {

  /** The {@code type} names of client frames, in PROTOCOL order. */
  static final Set<String> CLIENT_TYPES = names(Client.class);

  /** The {@code type} names of server frames, in PROTOCOL order. */
  static final Set<String> SERVER_TYPES = names(Server.class);

  private FrameTypes() {}

  private static Set<String> names(Class<?> mixin) {
    Set<String> names = new LinkedHashSet<>();
    for (JsonSubTypes.Type type : mixin.getAnnotation(JsonSubTypes.class).value()) {
      names.add(type.name());
    }
    return Collections.unmodifiableSet(names);
  }

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = SendFrame.class, name = "send"),
    @JsonSubTypes.Type(value = ReadFrame.class, name = "read"),
    @JsonSubTypes.Type(value = SyncFrame.class, name = "sync"),
    @JsonSubTypes.Type(value = LocationFrame.class, name = "location"),
    @JsonSubTypes.Type(value = SessionFrame.class, name = "session"),
    @JsonSubTypes.Type(value = MeetingPointRequestFrame.class, name = "meetingPoint"),
    @JsonSubTypes.Type(value = TypingFrame.class, name = "typing"),
    @JsonSubTypes.Type(value = PresenceRequestFrame.class, name = "presence"),
    @JsonSubTypes.Type(value = PingFrame.class, name = "ping"),
  })
  interface Client {}

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = AckFrame.class, name = "ack"),
    @JsonSubTypes.Type(value = ChatMessage.class, name = "message"),
    @JsonSubTypes.Type(value = ReceiptFrame.class, name = "receipt"),
    @JsonSubTypes.Type(value = SyncReplyFrame.class, name = "sync"),
    @JsonSubTypes.Type(value = MeetingPoint.class, name = "meetingPoint"),
    @JsonSubTypes.Type(value = LocationNotice.class, name = "location"),
    @JsonSubTypes.Type(value = TypingNotice.class, name = "typing"),
    @JsonSubTypes.Type(value = PresenceFrame.class, name = "presence"),
    @JsonSubTypes.Type(value = OkFrame.class, name = "ok"),
    @JsonSubTypes.Type(value = PongFrame.class, name = "pong"),
    @JsonSubTypes.Type(value = ErrorFrame.class, name = "error"),
  })
  interface Server {}
}
