-- Records that a user read a conversation up to seq; never lowers it.
-- KEYS[1] the conversation's receipts hash (user -> seq)
-- ARGV[1] user, ARGV[2] seq, ARGV[3] pub/sub channel, ARGV[4] payload published when it moved forward
-- Returns {1, seq} when it moved forward, {0, seq} when it was already there, {-1, current} when lower.
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
local seq = tonumber(ARGV[2])
if seq > current then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  redis.call('PUBLISH', ARGV[3], ARGV[4])
  return {1, seq}
end
if seq == current then
  return {0, current}
end
return {-1, current}
