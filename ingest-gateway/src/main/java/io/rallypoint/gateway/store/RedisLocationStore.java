package io.rallypoint.gateway.store;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The location state every gateway node shares in Redis: recording sessions' owner and state (so
 * an {@code ended} on one node stops {@code location} frames on all of them at once) and each
 * conversation's latest meeting point (so any node can answer a {@code meetingPoint} request).
 */
public final class RedisLocationStore {

  private static final LuaScript SESSION_STATE = LuaScript.load("session-state.lua");
  private static final LuaScript MEETING_POINT = LuaScript.load("meeting-point.lua");
  private static final String ACTIVE = "active";
  private static final String ENDED = "ended";

  private final RedisClusterAsyncCommands<String, String> redis;
  private final Keys keys;
  private final String sessionTtlSeconds;
  private final String meetingPointTtlSeconds;

  public RedisLocationStore(RedisClusterAsyncCommands<String, String> redis, Keys keys, Duration sessionTtl,
      Duration meetingPointTtl) {
    this.redis = redis;
    this.keys = keys;
    this.sessionTtlSeconds = Long.toString(Math.max(1, sessionTtl.toSeconds()));
    this.meetingPointTtlSeconds = Long.toString(Math.max(1, meetingPointTtl.toSeconds()));
  }

  /** A recording session as Redis knows it: its owner and whether it is active. */
  public record CachedSession(String user, boolean active) {}

  /** The session's owner and state, when Redis has them. */
  public CompletableFuture<Optional<CachedSession>> session(String session) {
    return redis.hmget(keys.recordingSession(session), "u", "s").toCompletableFuture().thenApply(values -> {
      if (values.size() < 2 || !values.get(0).hasValue() || !values.get(1).hasValue()) {
        return Optional.<CachedSession>empty();
      }
      return Optional.of(new CachedSession(values.get(0).getValue(), ACTIVE.equals(values.get(1).getValue())));
    });
  }

  /** Records the session's state; an ended session stays ended. Completes with the state now stored. */
  public CompletableFuture<CachedSession> recordSession(String session, String user, boolean active) {
    return SESSION_STATE.<String>run(redis, ScriptOutputType.VALUE, new String[] {keys.recordingSession(session)},
            user, active ? ACTIVE : ENDED, sessionTtlSeconds)
        .thenApply(state -> new CachedSession(user, ACTIVE.equals(state)));
  }

  /** Keeps the meeting point unless a newer one is stored; completes with whether it was stored. */
  public CompletableFuture<Boolean> saveMeetingPoint(String conversation, Instant computedAt, String json) {
    return MEETING_POINT.<Long>run(redis, ScriptOutputType.INTEGER, new String[] {keys.meetingPoint(conversation)},
            Long.toString(computedAt.toEpochMilli()), json, meetingPointTtlSeconds)
        .thenApply(stored -> stored == 1L);
  }

  /** Forgets the conversation's meeting point (a tombstone on the compacted topic). */
  public CompletableFuture<Void> forgetMeetingPoint(String conversation) {
    return redis.del(keys.meetingPoint(conversation)).toCompletableFuture().thenApply(ignored -> null);
  }

  /** The latest meeting point's JSON (the topic value, without {@code type}), when there is one. */
  public CompletableFuture<Optional<String>> meetingPoint(String conversation) {
    return redis.hget(keys.meetingPoint(conversation), "v").toCompletableFuture().thenApply(Optional::ofNullable);
  }
}
