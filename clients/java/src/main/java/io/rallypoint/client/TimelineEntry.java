package io.rallypoint.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rallypoint.client.outbox.Failure;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One line of a conversation as an app shows it: a message the gateway accepted ({@code SENT}, or
 * {@code READ} once another member read it) or one of ours still in the outbox ({@code PENDING},
 * or {@code FAILED} when refused for good).
 *
 * @param conversation the conversation
 * @param clientMsgId  the sender's idempotency key
 * @param messageId    the gateway's id; empty while pending
 * @param seq          the position in the conversation; empty while pending
 * @param sender       who wrote it
 * @param body         the text
 * @param metadata     the metadata ({@code {}} when none)
 * @param at           when the gateway accepted it; for a pending one, when the user wrote it
 * @param mine         whether this client's user wrote it
 * @param status       where it is
 * @param readBy       the other members who have read it, in user id order
 * @param failure      why it failed, for a {@code FAILED} one
 */
public record TimelineEntry(String conversation, String clientMsgId, Optional<String> messageId, OptionalLong seq,
    String sender, String body, ObjectNode metadata, Instant at, boolean mine, Status status, List<String> readBy,
    Optional<Failure> failure) {

  /** Where a message is. */
  public enum Status { PENDING, FAILED, SENT, READ }

  public TimelineEntry {
    metadata = metadata.deepCopy();
    readBy = List.copyOf(readBy);
  }

  @Override
  public ObjectNode metadata() {
    return metadata.deepCopy();
  }
}
