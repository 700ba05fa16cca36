-- A user's first connection on a node: the node joins the user's presence hash.
-- KEYS[1] the user's presence hash (field = node id, one per node the user has connections on)
-- ARGV[1] node id
-- Returns 1 when this made the user online (the hash had no node before), else 0.
local added = redis.call('HSET', KEYS[1], ARGV[1], '1')
if added == 1 and redis.call('HLEN', KEYS[1]) == 1 then
  return 1
end
return 0
