package io.rallypoint.schemas;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rallypoint.schemas.event.LocationUpdate;
import io.rallypoint.schemas.event.ReceiptEvent;
import io.rallypoint.schemas.event.RecordingSessionEvent;
import io.rallypoint.schemas.frame.AckFrame;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.frame.ClientFrame;
import io.rallypoint.schemas.frame.ErrorCode;
import io.rallypoint.schemas.frame.ErrorFrame;
import io.rallypoint.schemas.frame.Exclusion;
import io.rallypoint.schemas.frame.GeoPoint;
import io.rallypoint.schemas.frame.LocationFrame;
import io.rallypoint.schemas.frame.LocationNotice;
import io.rallypoint.schemas.frame.MeetingPoint;
import io.rallypoint.schemas.frame.MeetingPointRequestFrame;
import io.rallypoint.schemas.frame.OkFrame;
import io.rallypoint.schemas.frame.PingFrame;
import io.rallypoint.schemas.frame.PongFrame;
import io.rallypoint.schemas.frame.PresenceFrame;
import io.rallypoint.schemas.frame.PresenceRequestFrame;
import io.rallypoint.schemas.frame.PresenceState;
import io.rallypoint.schemas.frame.ReadFrame;
import io.rallypoint.schemas.frame.ReceiptFrame;
import io.rallypoint.schemas.frame.SendFrame;
import io.rallypoint.schemas.frame.ServerFrame;
import io.rallypoint.schemas.frame.SessionFrame;
import io.rallypoint.schemas.frame.SessionState;
import io.rallypoint.schemas.frame.SyncFrame;
import io.rallypoint.schemas.frame.SyncReplyFrame;
import io.rallypoint.schemas.frame.TypingFrame;
import io.rallypoint.schemas.frame.TypingNotice;
import io.rallypoint.schemas.frame.TypingState;
import io.rallypoint.schemas.id.UuidV7;
import io.rallypoint.schemas.json.Json;
import io.rallypoint.schemas.topic.Topic;
import io.rallypoint.schemas.topic.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** One valid example of every frame and every topic value, as the code produces them. */
public final class ContractSamples {

  public static final Instant AT = Instant.parse("2026-11-24T06:16:11.042Z");

  private ContractSamples() {}

  public static ChatMessage chatMessage() {
    ObjectNode metadata = Json.object();
    metadata.put("kind", "photo").putArray("photos").addObject().put("url", "https://example.org/a.jpg");
    return new ChatMessage("run-club", UuidV7.next().toString(), 42, "alice", UUID.randomUUID().toString(),
        "see you at the bridge", metadata, AT);
  }

  public static MeetingPoint meetingPoint() {
    return new MeetingPoint("run-club", 51.5007, -0.1246, new GeoPoint(51.5010, -0.1240), List.of("alice", "bob"),
        List.of(new Exclusion("carol", Exclusion.Reason.STATIONARY), new Exclusion("dan", Exclusion.Reason.EXPIRED)),
        AT, null);
  }

  public static MeetingPoint meetingPointWithoutPoint() {
    return new MeetingPoint("run-club", null, null, null, List.of("alice", "bob"), List.of(), AT,
        "members are antipodal: no midpoint");
  }

  /** Every client frame type. */
  public static List<ClientFrame> clientFrames() {
    ObjectNode pin = Json.object().put("kind", "location").put("lat", 51.5).put("lng", -0.12);
    return List.of(
        new SendFrame("r1", "run-club", UUID.randomUUID().toString(), "hello", null),
        new SendFrame(null, "run-club", UUID.randomUUID().toString(), "", pin),
        new ReadFrame("r2", "run-club", 42),
        new SyncFrame("r3", "run-club", 41L, null, 100),
        new SyncFrame(null, "run-club", null, AT, null),
        new LocationFrame("r4", "run-club", "session-1", 51.5, -0.12, AT),
        new SessionFrame("r5", "session-1", SessionState.STARTED, AT),
        new MeetingPointRequestFrame("r6", "run-club"),
        new TypingFrame(null, "run-club", TypingState.STARTED),
        new TypingFrame("r8", "run-club", TypingState.STOPPED),
        new PresenceRequestFrame("r9", "run-club"),
        new PingFrame("r7"),
        new PingFrame(null));
  }

  /** Every server frame type. */
  public static List<ServerFrame> serverFrames() {
    ChatMessage message = chatMessage();
    return List.of(
        new AckFrame("r1", message.clientMsgId(), message.messageId(), message.seq(), message.sentAt()),
        new AckFrame(null, message.clientMsgId(), message.messageId(), message.seq(), message.sentAt()),
        message,
        new ReceiptFrame("run-club", "bob", 42),
        new SyncReplyFrame("r3", "run-club", List.of(message), 42, AT, false),
        new SyncReplyFrame(null, "run-club", List.of(), 0, AT, true),
        meetingPoint(),
        meetingPointWithoutPoint(),
        new LocationNotice("run-club", "bob", 51.5012, -0.1249, AT),
        new TypingNotice("run-club", "bob", TypingState.STARTED),
        new TypingNotice("run-club", "bob", TypingState.STOPPED),
        PresenceFrame.change("run-club", "bob", PresenceState.ONLINE),
        PresenceFrame.change("run-club", "bob", PresenceState.OFFLINE),
        PresenceFrame.reply("r9", "run-club", List.of("alice", "bob"), List.of("bob")),
        PresenceFrame.reply(null, "run-club", List.of(), List.of()),
        new OkFrame("r2"),
        new PongFrame("r7"),
        new PongFrame(null),
        new ErrorFrame("r1", ErrorCode.FORBIDDEN, "you are not a member of run-club"),
        new ErrorFrame(null, ErrorCode.BAD_REQUEST, "frame is not valid JSON"),
        new ErrorFrame("r8", ErrorCode.RATE_LIMITED, "too many frames; slow down and retry", 50L),
        new ErrorFrame("r9", ErrorCode.UNAVAILABLE, "the message was not accepted (Redis is unavailable); retry it", 1_000L));
  }

  /** A sample value for each topic of the registry. */
  public static Map<Topic<String, ?>, Object> topicValues() {
    Map<Topic<String, ?>, Object> values = new java.util.LinkedHashMap<>();
    values.put(Topics.CHAT_MESSAGES, chatMessage());
    Topics.CHAT_MESSAGES_RETRIES.forEach(t -> values.put(t, chatMessage()));
    values.put(Topics.CHAT_MESSAGES_DLQ, chatMessage());
    values.put(Topics.CHAT_RECEIPTS, new ReceiptEvent("run-club", "bob", 42, AT));
    values.put(Topics.LOCATION_UPDATES, new LocationUpdate("run-club", "alice", "session-1", 51.5, -0.12, AT));
    values.put(Topics.RECORDING_SESSIONS, new RecordingSessionEvent("session-1", "alice", SessionState.ENDED, AT));
    values.put(Topics.LOCATION_MEETING_POINTS, meetingPoint());
    return values;
  }
}
