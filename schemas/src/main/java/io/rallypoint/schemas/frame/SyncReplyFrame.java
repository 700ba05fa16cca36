package io.rallypoint.schemas.frame;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.rallypoint.schemas.json.UntypedChatMessage;
import java.time.Instant;
import java.util.List;

/**
 * {@code sync} (server to client): a page of messages, oldest first. Pass {@code lastSeq} as the
 * next {@code afterSeq}, {@code syncedAt} as the next {@code lastSyncedAt}.
 */
public record SyncReplyFrame(
    String id,
    String conversation,
    // the messages are "message objects without type" (PROTOCOL): no frame type on the elements
    @JsonSerialize(contentUsing = UntypedChatMessage.Writer.class)
    @JsonDeserialize(contentUsing = UntypedChatMessage.Reader.class)
    List<ChatMessage> messages, long lastSeq, Instant syncedAt, boolean hasMore)
    implements ServerFrame {

  public SyncReplyFrame {
    messages = List.copyOf(messages);
  }
}
