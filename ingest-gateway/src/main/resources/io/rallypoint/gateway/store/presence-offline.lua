-- A user's last connection on a node closed, or the node died: the node leaves the user's presence hash.
-- KEYS[1] the user's presence hash (field = node id)
-- ARGV[1] node id
-- Returns 1 when this made the user offline (the node was the hash's last), else 0.
local removed = redis.call('HDEL', KEYS[1], ARGV[1])
if removed == 1 and redis.call('EXISTS', KEYS[1]) == 0 then
  return 1
end
return 0
