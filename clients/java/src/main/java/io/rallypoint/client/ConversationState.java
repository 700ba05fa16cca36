package io.rallypoint.client;

import io.rallypoint.client.conversation.LiveMap;
import io.rallypoint.client.conversation.MeetingPoint;
import io.rallypoint.client.conversation.Presence;
import io.rallypoint.client.conversation.ReadPositions;
import io.rallypoint.client.conversation.Timeline;
import io.rallypoint.client.conversation.Typists;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/** Everything the client holds about one conversation; owned by the client's thread. */
final class ConversationState {

  /** The user's own typing in this conversation's composer (PROTOCOL 1.3, {@code typing}). */
  static final class OwnTyping {
    boolean active;
    ScheduledFuture<?> idleTimer;
    ScheduledFuture<?> renewTimer;
    ScheduledFuture<?> retryTimer;
    /** No typing frame goes out before this (monotonic ms): the turn of a refused one. */
    long blockedUntil;
    /** {@code true} when the last typing frame sent said {@code started}. */
    boolean startedSent;
  }

  final String id;
  final Timeline timeline;
  final ReadPositions reads = new ReadPositions();
  final Presence presence = new Presence();
  final Typists typists;
  final LiveMap map = new LiveMap();
  final OwnTyping typing = new OwnTyping();
  MeetingPoint meetingPoint;
  /** The highest seq a {@code read} was sent for. */
  long readSent;
  /** The sync under way, or {@code null}. */
  CompletableFuture<Void> syncing;
  /** A live message left a hole while a sync was under way: sync again when it ends. */
  boolean holeWhileSyncing;

  ConversationState(String id, int maxMessages, long typingLapseMs) {
    this.id = id;
    this.timeline = new Timeline(maxMessages);
    this.typists = new Typists(typingLapseMs);
  }
}
