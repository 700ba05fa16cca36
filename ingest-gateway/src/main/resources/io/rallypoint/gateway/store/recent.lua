-- The conversation's last assigned seq and its cached messages (newest first), in one round trip.
-- KEYS[1] seq counter, KEYS[2] recent list, KEYS[3] the run id of the Redis process the counter belongs to
-- A counter (and the list beside it) left by an earlier Redis process may be from an older snapshot:
-- it is not trusted, and the answer is {'0', {}} (nothing known; sync asks PostgreSQL) until the
-- next message restarts the counter (see accept.lua).
local run = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)')
if redis.call('GET', KEYS[3]) ~= run then
  return {'0', {}}
end
return {redis.call('GET', KEYS[1]) or '0', redis.call('LRANGE', KEYS[2], 0, -1)}
