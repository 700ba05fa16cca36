-- Marks an accepted message as confirmed by Kafka: its idempotency entry (unless expired) and its
-- seq's bit in the conversation's acked bitmap, which tells sync a missing seq is worth waiting for.
-- KEYS[1] idempotency hash, KEYS[2] the conversation's acked bitmap
-- ARGV[1] seq, ARGV[2] bitmap TTL seconds (refreshed: an idle conversation's bitmap expires),
-- ARGV[3] the message without its body and metadata: once Kafka has it, a resend only needs the
-- ack's fields, so the entry kept for the idempotency TTL no longer holds the content.
redis.call('SETBIT', KEYS[2], tonumber(ARGV[1]), 1)
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[2]))
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 's', 'acked', 'm', ARGV[3])
  return 1
end
return 0
