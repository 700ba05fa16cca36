-- Only for a conversation that exists (no sync can ask for another) and a seq no message holds (a
-- collision's seq is filled by the other message; a replayed dead letter may have filled it).
INSERT INTO message_gaps (conversation_id, seq, message_id, reason)
SELECT c.id, :seq, CAST(:messageId AS uuid), :reason
  FROM conversations c
 WHERE c.id = :conversation
   AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.seq = :seq)
ON CONFLICT DO NOTHING
