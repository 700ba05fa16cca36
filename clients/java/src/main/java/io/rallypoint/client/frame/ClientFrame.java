package io.rallypoint.client.frame;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * A frame a client sends (PROTOCOL section 1.3), as an immutable value; {@link FrameWriter} gives
 * its wire form. The {@code id} is the request id replies echo; {@code null} leaves it out.
 */
public sealed interface ClientFrame {

  /** The request id, or {@code null}. */
  String id();

  /** The same frame with another request id. */
  ClientFrame withId(String id);

  /** {@code send}: a chat message; {@code metadata} may be {@code null} (none). */
  record Send(String id, String conversation, String clientMsgId, String body, ObjectNode metadata)
      implements ClientFrame {
    public Send {
      Objects.requireNonNull(conversation, "conversation");
      Objects.requireNonNull(clientMsgId, "clientMsgId");
      Objects.requireNonNull(body, "body");
      metadata = metadata == null ? null : metadata.deepCopy();
    }

    @Override
    public ObjectNode metadata() {
      return metadata == null ? null : metadata.deepCopy();
    }

    @Override
    public Send withId(String id) {
      return new Send(id, conversation, clientMsgId, body, metadata);
    }
  }

  /** {@code read}: the user has read the conversation up to {@code seq}. */
  record Read(String id, String conversation, long seq) implements ClientFrame {
    public Read {
      Objects.requireNonNull(conversation, "conversation");
    }

    @Override
    public Read withId(String id) {
      return new Read(id, conversation, seq);
    }
  }

  /**
   * {@code sync}: the messages after {@code afterSeq}, or sent after {@code lastSyncedAt}; both
   * {@code null} ask for the latest page. {@code limit} {@code null} is the gateway's default (100).
   */
  record Sync(String id, String conversation, Long afterSeq, Instant lastSyncedAt, Integer limit) implements ClientFrame {
    public Sync {
      Objects.requireNonNull(conversation, "conversation");
    }

    /** The page after {@code afterSeq} (0: from the first message). */
    public static Sync after(String conversation, long afterSeq, int limit) {
      return new Sync(null, conversation, afterSeq, null, limit);
    }

    /** The conversation's latest page. */
    public static Sync latest(String conversation, int limit) {
      return new Sync(null, conversation, null, null, limit);
    }

    @Override
    public Sync withId(String id) {
      return new Sync(id, conversation, afterSeq, lastSyncedAt, limit);
    }
  }

  /** {@code location}: a position taken at {@code at}, shared from recording session {@code session}. */
  record Location(String id, String conversation, String session, double lat, double lng, Instant at)
      implements ClientFrame {
    public Location {
      Objects.requireNonNull(conversation, "conversation");
      Objects.requireNonNull(session, "session");
      Objects.requireNonNull(at, "at");
    }

    @Override
    public Location withId(String id) {
      return new Location(id, conversation, session, lat, lng, at);
    }
  }

  /** {@code session}: a recording session started or ended at {@code at}. */
  record Session(String id, String session, SessionState state, Instant at) implements ClientFrame {
    public Session {
      Objects.requireNonNull(session, "session");
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(at, "at");
    }

    @Override
    public Session withId(String id) {
      return new Session(id, session, state, at);
    }
  }

  /** {@code typing}: the user started or stopped typing in the conversation. */
  record Typing(String id, String conversation, TypingState state) implements ClientFrame {
    public Typing {
      Objects.requireNonNull(conversation, "conversation");
      Objects.requireNonNull(state, "state");
    }

    @Override
    public Typing withId(String id) {
      return new Typing(id, conversation, state);
    }
  }

  /** {@code presence}: who of the conversation is online and who is recording. */
  record Presence(String id, String conversation) implements ClientFrame {
    public Presence {
      Objects.requireNonNull(conversation, "conversation");
    }

    @Override
    public Presence withId(String id) {
      return new Presence(id, conversation);
    }
  }

  /** {@code meetingPoint}: the conversation's current meeting point. */
  record MeetingPoint(String id, String conversation) implements ClientFrame {
    public MeetingPoint {
      Objects.requireNonNull(conversation, "conversation");
    }

    @Override
    public MeetingPoint withId(String id) {
      return new MeetingPoint(id, conversation);
    }
  }

  /** {@code ping}: answered {@code pong}; keeps a quiet connection from the idle timeout. */
  record Ping(String id) implements ClientFrame {
    @Override
    public Ping withId(String id) {
      return new Ping(id);
    }
  }

  /** The {@code state} of a {@code session} frame. */
  enum SessionState {
    STARTED, ENDED;

    /** The wire name: {@code started}, {@code ended}. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The {@code state} of a {@code typing} frame. */
  enum TypingState {
    STARTED, STOPPED;

    /** The wire name: {@code started}, {@code stopped}. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
