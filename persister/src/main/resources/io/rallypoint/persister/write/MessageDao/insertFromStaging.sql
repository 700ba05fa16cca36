-- ON CONFLICT DO NOTHING (no target) covers all three unique keys: a redelivered message, or the
-- same (sender, clientMsgId) sent twice, is a no-op.
INSERT INTO messages (message_id, conversation_id, seq, sender_id, client_msg_id, body, metadata, sent_at)
SELECT message_id, conversation_id, seq, sender_id, client_msg_id, body, metadata, sent_at
  FROM messages_staging
ON CONFLICT DO NOTHING
