package io.rallypoint.persister.write;

import io.rallypoint.schemas.event.ReceiptEvent;
import io.rallypoint.schemas.frame.ChatMessage;
import java.util.List;

/**
 * What the consumer loops need of PostgreSQL: store a batch of chat messages and read receipts,
 * isolating the messages refused for their content, and record the seqs that dead-lettered
 * messages leave empty. {@link MessageStore} is the PostgreSQL one.
 */
public interface BatchStore {

  /**
   * Stores the batch and, in the same transaction, the {@code gaps} its dead-lettered records
   * leave (so they are recorded before the offsets that drop those records are committed).
   * Returns what was inserted and what was rejected for its content; throws {@link WriteFailure}
   * (transient or fatal) when nothing was stored.
   */
  WriteResult write(List<ChatMessage> messages, List<ReceiptEvent> receipts, List<Gap> gaps) throws WriteFailure;

  /**
   * Records the gaps of messages about to be dead-lettered, in a transaction of its own; call it
   * before committing the forward to the dead-letter topic.
   */
  void recordGaps(List<Gap> gaps) throws WriteFailure;
}
