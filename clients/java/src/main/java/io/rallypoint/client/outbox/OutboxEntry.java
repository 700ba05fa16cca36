package io.rallypoint.client.outbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One message of the outbox: what the user wrote, under the {@code clientMsgId} every send of it
 * carries, kept until the gateway acked it (PROTOCOL section 1.9).
 *
 * @param conversation the conversation
 * @param clientMsgId  the client-made UUID, in lower case; the same for every resend
 * @param body         the text
 * @param metadata     the metadata object, or {@code null} (none)
 * @param createdAt    when the user wrote it
 * @param failure      why it was refused for good, or {@code null} while it is still to be sent
 */
public record OutboxEntry(String conversation, String clientMsgId, String body, ObjectNode metadata, Instant createdAt,
    Failure failure) {

  public OutboxEntry {
    Objects.requireNonNull(conversation, "conversation");
    Objects.requireNonNull(clientMsgId, "clientMsgId");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(createdAt, "createdAt");
    metadata = metadata == null ? null : metadata.deepCopy();
  }

  @Override
  public ObjectNode metadata() {
    return metadata == null ? null : metadata.deepCopy();
  }

  /** Whether it was refused for good (kept, not sent, until discarded). */
  public boolean failed() {
    return failure != null;
  }

  /** The same entry, refused for good. */
  public OutboxEntry withFailure(Failure why) {
    return new OutboxEntry(conversation, clientMsgId, body, metadata, createdAt, why);
  }
}
