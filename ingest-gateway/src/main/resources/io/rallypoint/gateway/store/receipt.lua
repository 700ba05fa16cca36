-- Records that a user read a conversation up to seq; never lowers it, never past the last message.
-- KEYS[1] the conversation's receipts hash (user -> seq), KEYS[2] the conversation's seq counter,
-- KEYS[3] the run id of the Redis process the counter belongs to
-- ARGV[1] user, ARGV[2] seq, ARGV[3] pub/sub channel (in the keys' slot; SPUBLISH on a Redis Cluster), ARGV[4] payload published when it moved forward
-- Returns {1, seq} when it moved forward, {0, seq} when it was already there, {-1, current} when lower,
-- and {-2, last} when seq is after the conversation's last assigned seq (nothing is recorded: such a
-- position would hide every real read up to it). Without a counter this Redis process trusts (see
-- accept.lua) it is not checked.
local seq = tonumber(ARGV[2])
local run = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)')
local last = redis.call('GET', KEYS[3]) == run and redis.call('GET', KEYS[2])
if last and seq > tonumber(last) then
  return {-2, tonumber(last)}
end
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
if seq > current then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  redis.call('PUBLISH', ARGV[3], ARGV[4])
  return {1, seq}
end
if seq == current then
  return {0, current}
end
return {-1, current}
