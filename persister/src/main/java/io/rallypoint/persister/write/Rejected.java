package io.rallypoint.persister.write;

import io.rallypoint.schemas.frame.ChatMessage;

/**
 * A message PostgreSQL refused for its content, and why.
 *
 * @param index   the message's position in the list given to {@link BatchStore#write}
 * @param message the message
 * @param error   what PostgreSQL said
 */
public record Rejected(int index, ChatMessage message, Throwable error) {}
