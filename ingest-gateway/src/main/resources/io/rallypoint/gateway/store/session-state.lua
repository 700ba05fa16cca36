-- Records a recording session's owner and state. A session only goes from active to ended, so
-- 'active' never overwrites 'ended' (a late or cached 'active' cannot revive an ended session).
-- KEYS[1] the session's hash (u = user, s = active|ended)
-- ARGV[1] user, ARGV[2] active|ended, ARGV[3] TTL seconds
if ARGV[2] == 'ended' or redis.call('HGET', KEYS[1], 's') ~= 'ended' then
  redis.call('HSET', KEYS[1], 'u', ARGV[1], 's', ARGV[2])
end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
return redis.call('HGET', KEYS[1], 's')
