-- GREATEST semantics: a receipt never lowers what a user has read, whatever the delivery order.
INSERT INTO read_receipts (conversation_id, user_id, seq, updated_at)
SELECT r.conversation_id, r.user_id, r.seq, now()
  FROM unnest(:conversationIds::text[], :userIds::text[], :seqs::bigint[]) AS r (conversation_id, user_id, seq)
ON CONFLICT (conversation_id, user_id) DO UPDATE
   SET seq = EXCLUDED.seq, updated_at = EXCLUDED.updated_at
 WHERE read_receipts.seq < EXCLUDED.seq
