-- Keeps a conversation's latest meeting point. Every gateway node writes each record it consumes,
-- so one lagging behind must not put an older point back: the newer computedAt wins.
-- KEYS[1] the conversation's meeting point hash (t = computedAt epoch millis, v = JSON)
-- ARGV[1] computedAt epoch millis, ARGV[2] JSON, ARGV[3] TTL seconds
-- Returns 1 when stored, 0 when an equal or newer one was there.
local current = tonumber(redis.call('HGET', KEYS[1], 't') or '-1')
if tonumber(ARGV[1]) < current then
  return 0
end
redis.call('HSET', KEYS[1], 't', ARGV[1], 'v', ARGV[2])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1
