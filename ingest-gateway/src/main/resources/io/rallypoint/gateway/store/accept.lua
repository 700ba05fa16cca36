-- Accepts a chat message in one round trip: idempotency check, next seq, recent list, cross-node publish.
-- KEYS[1] idempotency hash of (sender, clientMsgId): m = message JSON, s = pending|acked
-- KEYS[2] the conversation's seq counter
-- KEYS[3] the conversation's recent messages, newest first
-- ARGV[1] message JSON up to the seq value, ARGV[2] the rest after it
-- ARGV[3] pub/sub channel, ARGV[4] this node's id, ARGV[5] idempotency TTL seconds, ARGV[6] recent list size
-- ARGV[7] '' on the first try; on the retry after {-1}, the highest seq PostgreSQL holds for the conversation
-- Returns {1, json, 'pending', seeded} for a new message (seeded = 1 when this call created the
-- counter from ARGV[7]), {0, json, state} for one already accepted, and {-1} when the counter is
-- missing and ARGV[7] is '': nothing was written, the caller reads the seed and runs this again.
local existing = redis.call('HMGET', KEYS[1], 'm', 's')
if existing[1] then
  return {0, existing[1], existing[2] or 'pending'}
end
local seeded = 0
if ARGV[7] == '' then
  -- A missing counter means a new conversation, or Redis lost its data: INCR would restart at 1 and
  -- reuse seqs PostgreSQL already holds. Only the caller can ask PostgreSQL: ask it for the seed.
  if redis.call('EXISTS', KEYS[2]) == 0 then
    return {-1}
  end
elseif redis.call('SET', KEYS[2], ARGV[7], 'NX') then
  -- NX: a counter that another send (on any node) created since our first try wins over our seed,
  -- so concurrent seeders agree and their messages get consecutive seqs
  seeded = 1
end
local seq = redis.call('INCR', KEYS[2])
local message = ARGV[1] .. seq .. ARGV[2]
redis.call('HSET', KEYS[1], 'm', message, 's', 'pending')
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[5]))
redis.call('LPUSH', KEYS[3], message)
redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[6]) - 1)
-- other nodes deliver the frame as is; the sender node recognises its own id and skips it
redis.call('PUBLISH', ARGV[3], ARGV[4] .. ' {"type":"message",' .. string.sub(message, 2))
return {1, message, 'pending', seeded}
