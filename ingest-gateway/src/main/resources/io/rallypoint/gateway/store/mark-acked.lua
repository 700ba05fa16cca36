-- Marks accepted messages as confirmed by Kafka, any number in one call (the gateway sends every
-- mark that queued up while its previous call was in flight): for each, its idempotency entry
-- (unless expired) and its seq's bit in the conversation's acked bitmap, which tells sync a
-- missing seq is worth waiting for.
-- KEYS[2i-1] message i's idempotency hash, KEYS[2i] its conversation's acked bitmap (on a Redis
--   Cluster the gateway sends one call per slot: every key of a call is in one slot)
-- ARGV[1] bitmap TTL seconds (refreshed: an idle conversation's bitmap expires)
-- ARGV[2i] message i's seq, ARGV[2i+1] message i without its body and metadata: once Kafka has it, a
-- resend only needs the ack's fields, so the entry kept for the idempotency TTL no longer holds the content.
-- Returns how many idempotency entries were still there to mark.
local ttl = tonumber(ARGV[1])
local marked = 0
for i = 1, #KEYS / 2 do
  local entry, bitmap = KEYS[2 * i - 1], KEYS[2 * i]
  redis.call('SETBIT', bitmap, tonumber(ARGV[2 * i]), 1)
  redis.call('EXPIRE', bitmap, ttl)
  if redis.call('EXISTS', entry) == 1 then
    redis.call('HSET', entry, 's', 'acked', 'm', ARGV[2 * i + 1])
    marked = marked + 1
  end
end
return marked
