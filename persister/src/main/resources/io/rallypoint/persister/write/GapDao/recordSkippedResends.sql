-- Staged messages that ON CONFLICT skipped because their (sender, clientMsgId) is stored under a
-- different message id: a resend the gateway no longer recognised (its idempotency entry had
-- expired, or Redis lost it), so it minted a new message with a new seq, acked it, and that seq will
-- never be filled. A redelivery (same message id) or a seq another message holds is no gap.
INSERT INTO message_gaps (conversation_id, seq, message_id, reason)
SELECT s.conversation_id, s.seq, s.message_id, 'duplicate-client-msg-id'
  FROM messages_staging s
 WHERE EXISTS (SELECT 1 FROM messages d
                WHERE d.sender_id = s.sender_id AND d.client_msg_id = s.client_msg_id AND d.message_id <> s.message_id)
   AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = s.conversation_id AND m.seq = s.seq)
ON CONFLICT DO NOTHING
