-- The conversation's last assigned seq and its cached messages (newest first), in one round trip.
-- KEYS[1] seq counter, KEYS[2] recent list
return {redis.call('GET', KEYS[1]) or '0', redis.call('LRANGE', KEYS[2], 0, -1)}
