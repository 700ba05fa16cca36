-- Accepts a chat message in one round trip: idempotency check, next seq, recent list, cross-node publish.
-- KEYS[1] idempotency hash of (sender, clientMsgId): m = message JSON, s = pending|acked
-- KEYS[2] the conversation's seq counter
-- KEYS[3] the conversation's recent messages, newest first
-- ARGV[1] message JSON up to the seq value, ARGV[2] the rest after it
-- ARGV[3] pub/sub channel, ARGV[4] this node's id, ARGV[5] idempotency TTL seconds, ARGV[6] recent list size
-- Returns {1, json, 'pending'} for a new message, {0, json, state} for one already accepted.
local existing = redis.call('HMGET', KEYS[1], 'm', 's')
if existing[1] then
  return {0, existing[1], existing[2] or 'pending'}
end
local seq = redis.call('INCR', KEYS[2])
local message = ARGV[1] .. seq .. ARGV[2]
redis.call('HSET', KEYS[1], 'm', message, 's', 'pending')
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[5]))
redis.call('LPUSH', KEYS[3], message)
redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[6]) - 1)
-- other nodes deliver the frame as is; the sender node recognises its own id and skips it
redis.call('PUBLISH', ARGV[3], ARGV[4] .. ' {"type":"message",' .. string.sub(message, 2))
return {1, message, 'pending'}
