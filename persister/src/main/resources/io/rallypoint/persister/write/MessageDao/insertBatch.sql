-- One statement per batch: the columns arrive as arrays and unnest() turns them back into rows.
-- ON CONFLICT DO NOTHING (no target) covers all three unique keys, so a redelivered message,
-- or the same (sender, clientMsgId) sent twice, is a no-op.
INSERT INTO messages (message_id, conversation_id, seq, sender_id, client_msg_id, body, metadata, sent_at)
SELECT m.message_id::uuid, m.conversation_id, m.seq, m.sender_id, m.client_msg_id::uuid, m.body,
       m.metadata::jsonb, m.sent_at::timestamptz
  FROM unnest(:messageIds::text[], :conversationIds::text[], :seqs::bigint[], :senderIds::text[],
              :clientMsgIds::text[], :bodies::text[], :metadata::text[], :sentAts::text[])
       AS m (message_id, conversation_id, seq, sender_id, client_msg_id, body, metadata, sent_at)
ON CONFLICT DO NOTHING
