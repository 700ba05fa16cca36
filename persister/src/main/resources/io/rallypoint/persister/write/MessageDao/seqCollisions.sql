-- Staged messages that were not stored because another message already holds their
-- (conversation, seq): a lost seq counter upstream, never a redelivery (a redelivered message has
-- the same message_id) nor a late resend (its sender and clientMsgId are stored already).
SELECT s.message_id::text
  FROM messages_staging s
  JOIN messages m ON m.conversation_id = s.conversation_id AND m.seq = s.seq AND m.message_id <> s.message_id
 WHERE NOT EXISTS (SELECT 1 FROM messages d WHERE d.sender_id = s.sender_id AND d.client_msg_id = s.client_msg_id)
