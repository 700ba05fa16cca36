package io.rallypoint.gateway.location;

import io.rallypoint.gateway.connection.Connection;
import io.rallypoint.gateway.deps.DependencyDown;
import io.rallypoint.gateway.deps.ErrorReplies;
import io.rallypoint.gateway.kafka.TopicWriter;
import io.rallypoint.gateway.location.RecordingSessionDao.Outcome;
import io.rallypoint.gateway.metrics.GatewayMetrics;
import io.rallypoint.gateway.store.RedisLocationStore;
import io.rallypoint.gateway.store.RedisLocationStore.CachedSession;
import io.rallypoint.schemas.event.LocationUpdate;
import io.rallypoint.schemas.event.RecordingSessionEvent;
import io.rallypoint.schemas.frame.ErrorCode;
import io.rallypoint.schemas.frame.ErrorFrame;
import io.rallypoint.schemas.frame.LocationFrame;
import io.rallypoint.schemas.frame.MeetingPointRequestFrame;
import io.rallypoint.schemas.frame.OkFrame;
import io.rallypoint.schemas.frame.SendFrame;
import io.rallypoint.schemas.frame.SessionFrame;
import io.rallypoint.schemas.frame.SessionState;
import io.rallypoint.schemas.json.Json;
import io.rallypoint.schemas.topic.Topics;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Location sharing on the gateway (PROTOCOL section 1):
 * <ul>
 *   <li>{@code session}: recorded in {@code recording_sessions}, then in Redis (so {@code ended}
 *       stops the user's {@code location} frames on every node at once), then produced to
 *       {@code recording.sessions} (key = user); {@code ok} once Kafka has it;</li>
 *   <li>{@code location} (of a member: the caller wraps it in the membership check):
 *       {@code consent_required} unless the user shares their location, {@code session_inactive}
 *       unless {@code session} is an active recording session of theirs; else produced to
 *       {@code location.updates} (key = conversation); {@code ok} once Kafka has it, and then the
 *       other members see it on the live map ({@link LivePositions});</li>
 *   <li>{@code meetingPoint} (of a member): the conversation's latest meeting point from Redis, or
 *       {@code not_found};</li>
 *   <li>a {@code send} pin ({@code metadata.kind} location or meetup) needs consent too.</li>
 * </ul>
 * Any dependency failing answers {@code unavailable}: the frame was not accepted. A frame's step
 * completes once its checks are done and its record is handed to the producer, so the next frame
 * of the connection sees an {@code ended} session, but never waits for Kafka.
 */
public final class LocationSharing implements PinConsent {

  private final Consent consent;
  private final RecordingSessionDao sessions;
  private final RedisLocationStore store;
  private final TopicWriter topics;
  private final ErrorReplies replies;
  private final GatewayMetrics metrics;
  private final Executor blocking;
  private final LivePositions live;

  public LocationSharing(Consent consent, RecordingSessionDao sessions, RedisLocationStore store,
      TopicWriter topics, ErrorReplies replies, GatewayMetrics metrics, Executor blocking, LivePositions live) {
    this.consent = consent;
    this.sessions = sessions;
    this.store = store;
    this.topics = topics;
    this.replies = replies;
    this.metrics = metrics;
    this.blocking = blocking;
    this.live = live;
  }

  /** Handles a {@code location} frame of a member (see {@code MembersOnly}); completes once dispatched. */
  public CompletionStage<Void> location(Connection connection, LocationFrame f) {
    return answerFailure(connection, f.id(), "the location frame", shareLocation(connection, f));
  }

  /** Handles a {@code session} frame; completes once dispatched. */
  public CompletionStage<Void> session(Connection connection, SessionFrame f) {
    return answerFailure(connection, f.id(), "the session frame", recordSession(connection, f));
  }

  /** Handles a {@code meetingPoint} request of a member; completes once answered. */
  public CompletionStage<Void> meetingPoint(Connection connection, MeetingPointRequestFrame f) {
    return answerFailure(connection, f.id(), "the meetingPoint frame", store.meetingPoint(f.conversation())
        .thenAccept(json -> {
          if (json.isEmpty()) {
            connection.error(f.id(), ErrorCode.NOT_FOUND, "conversation " + f.conversation() + " has no meeting point yet");
          } else {
            connection.replyText(MeetingPointFeed.frameText(Json.parse(json.get()), f.id()));
          }
        }));
  }

  /** Any dependency failing answers {@code unavailable}: the frame was not accepted. */
  private CompletionStage<Void> answerFailure(Connection connection, String requestId, String what,
      CompletableFuture<Void> handled) {
    return handled.exceptionally(error -> {
      replies.unavailable(connection, requestId, what, error);
      return null;
    });
  }

  @Override
  public CompletionStage<Optional<ErrorFrame>> pinAllowed(Connection connection, SendFrame send) {
    return consent.sharingEnabled(connection.user()).thenApply(enabled -> enabled
        ? Optional.empty()
        : Optional.of(consentRequired(send.id(), "a " + send.metadataKind() + " message")));
  }

  private CompletableFuture<Void> shareLocation(Connection connection, LocationFrame f) {
    String user = connection.user();
    return consent.sharingEnabled(user).thenCompose(enabled -> {
      if (!enabled) {
        connection.reply(consentRequired(f.id(), "a location"));
        return done();
      }
      return activeSession(f.session(), user).thenAccept(active -> {
        if (!active) {
          connection.error(f.id(), ErrorCode.SESSION_INACTIVE,
              "recording session " + f.session() + " is not an active session of yours; start one first");
          return;
        }
        LocationUpdate update = new LocationUpdate(f.conversation(), user, f.session(), f.lat(), f.lng(), f.at());
        answerOnceKafkaHasIt(connection, f.id(), "the location frame",
            topics.produce(Topics.LOCATION_UPDATES, f.conversation(), update), () -> {
              metrics.locationAccepted();
              live.accepted(f, user); // accepted = Kafka has it: a refused position is never shown
            });
      });
    });
  }

  /**
   * Those of {@code users} with an active recording session (never ended), from PostgreSQL; fails
   * with {@link DependencyDown} when it does not answer.
   */
  public CompletableFuture<Set<String>> recordingAmong(Collection<String> users) {
    if (users.isEmpty()) {
      return CompletableFuture.completedFuture(Set.of());
    }
    String[] asked = users.toArray(String[]::new);
    return DependencyDown.postgresAsync(() -> Set.copyOf(sessions.activeAmong(asked)), blocking);
  }

  /** Whether the session is an active one of the user: Redis first, PostgreSQL (then cached in Redis) when Redis does not know it. */
  private CompletableFuture<Boolean> activeSession(String session, String user) {
    return store.session(session).thenCompose(cached -> {
      if (cached.isPresent()) {
        return CompletableFuture.completedFuture(cached.get());
      }
      return DependencyDown.postgresAsync(() -> sessions.find(session), blocking).thenCompose(found -> found
          .map(s -> store.recordSession(session, s.user(), s.active()))
          .orElseGet(() -> CompletableFuture.completedFuture(new CachedSession(null, false))));
    }).thenApply(state -> state.active() && user.equals(state.user()));
  }

  private CompletableFuture<Void> recordSession(Connection connection, SessionFrame f) {
    String user = connection.user();
    boolean started = f.state() == SessionState.STARTED;
    return DependencyDown.postgresAsync(() -> record(f, user), blocking).thenCompose(outcome -> switch (outcome) {
      case FORBIDDEN -> {
        connection.error(f.id(), ErrorCode.FORBIDDEN, "recording session " + f.session() + " belongs to another user");
        yield done();
      }
      case ALREADY_ENDED -> {
        connection.error(f.id(), ErrorCode.SESSION_INACTIVE,
            "recording session " + f.session() + " has ended; start a new one");
        yield done();
      }
      // Redis before Kafka: once this completes no node accepts a location of an ended session
      case RECORDED -> store.recordSession(f.session(), user, started).thenRun(() -> answerOnceKafkaHasIt(
          connection, f.id(), "the session frame", topics.produce(Topics.RECORDING_SESSIONS, user,
              new RecordingSessionEvent(f.session(), user, f.state(), f.at())), () -> {}));
    });
  }

  private Outcome record(SessionFrame f, String user) {
    return f.state() == SessionState.STARTED
        ? sessions.start(f.session(), user, f.at())
        : sessions.end(f.session(), user, f.at());
  }

  /**
   * Answers {@code ok} (or {@code unavailable}) when Kafka has the record; the frame's step does
   * not wait for it, so a slow Kafka never holds up the connection's next frames (the single
   * producer thread keeps the records in order).
   */
  private void answerOnceKafkaHasIt(Connection connection, String requestId, String what,
      CompletableFuture<Void> produced, Runnable onAccepted) {
    produced.whenComplete((ignored, error) -> {
      if (error != null) {
        replies.unavailable(connection, requestId, what, error);
      } else {
        onAccepted.run();
        ok(connection, requestId);
      }
    });
  }

  private static ErrorFrame consentRequired(String requestId, String what) {
    return new ErrorFrame(requestId, ErrorCode.CONSENT_REQUIRED,
        "sharing " + what + " needs location sharing enabled in your preferences");
  }

  private static void ok(Connection connection, String requestId) {
    if (requestId != null) {
      connection.reply(new OkFrame(requestId));
    }
  }

  private static CompletableFuture<Void> done() {
    return CompletableFuture.completedFuture(null);
  }

}