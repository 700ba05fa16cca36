-- Accepts a chat message in one round trip: idempotency check, next seq, recent list, cross-node publish.
-- Every key, and the channel, carries the conversation as its hash tag: one slot on a Redis Cluster,
-- where the gateway runs this with SPUBLISH in place of PUBLISH (sharded pub/sub).
-- KEYS[1] idempotency hash of (sender, clientMsgId) in the conversation: m = message JSON (once acked, without body and
--   metadata: only the ack's fields are needed then), s = pending|acked
-- KEYS[2] the conversation's seq counter
-- KEYS[3] the conversation's recent messages, newest first
-- KEYS[4] the conversation's last sentAt (epoch milliseconds)
-- KEYS[5] the run id of the Redis process that the counter belongs to (see below)
-- KEYS[6] the conversation's acked bitmap
-- The message's text comes split from the gateway (ChatMessageWire, its one owner); this script only
-- joins the pieces with the seq and sentAt it decides, and never decodes or shapes JSON itself.
-- ARGV[1] message JSON up to the seq value, ARGV[2] the rest after it up to the sentAt value
-- ARGV[3] pub/sub channel, ARGV[4] what precedes the message JSON (without its opening brace) when
--   published: this node's envelope and the message frame's type; ARGV[5] idempotency TTL seconds,
--   ARGV[6] recent list size
-- ARGV[7] '' on the first try; on the retry after {-1}, the seed: the seq the counter restarts at
-- ARGV[8] sentAt as the gateway stamped it (ISO-8601 UTC with milliseconds), ARGV[9] the same in epoch ms
-- ARGV[10] what closes the JSON after the sentAt value
-- ARGV[11] with a seed: the latest sentAt known for the conversation (epoch ms), ARGV[12] the acked
--   bitmap's TTL seconds, ARGV[13..] acked seqs that are not stored yet (their bits are set again)
-- Returns {1, json, 'pending', seeded} for a new message (seeded = 1 when this call restarted the
-- counter from ARGV[7]), {0, json, state} for one already accepted, and {-1} when the counter is
-- missing or not this process's and ARGV[7] is '': nothing was written, the caller reads the seed
-- and runs this again.
--
-- A counter is trusted only by the Redis process that started it: KEYS[5] holds that process's
-- run id. Any restart (with or without persistence, an older snapshot restored), a failover to a
-- replica (another process) or a flush makes it differ or vanish, and the conversation's counter is
-- restarted from a seed the gateway computes from PostgreSQL and the unpersisted tail of
-- chat.messages, so a counter that is missing or behind never hands out a seq again.
--
-- sentAt rises strictly with seq within a conversation: a message stamped at or before the previous
-- one (two in the same millisecond, or a gateway whose clock is behind another's) is stamped one
-- millisecond after it. So "sent strictly after T" (sync by lastSyncedAt) is exactly "seq after the
-- last one sent at or before T", and no page boundary can fall between two equal times.

-- epoch milliseconds -> 'YYYY-MM-DDTHH:MM:SS.mmmZ' (days to civil date: H. Hinnant's algorithm)
local function iso8601(ms)
  local secs = math.floor(ms / 1000)
  local days = math.floor(secs / 86400)
  local sod = secs - days * 86400
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local day = doy - math.floor((153 * mp + 2) / 5) + 1
  local month = mp < 10 and mp + 3 or mp - 9
  local year = yoe + era * 400 + (month <= 2 and 1 or 0)
  return string.format('%04d-%02d-%02dT%02d:%02d:%02d.%03dZ', year, month, day,
    math.floor(sod / 3600), math.floor(sod % 3600 / 60), sod % 60, ms - secs * 1000)
end

local existing = redis.call('HMGET', KEYS[1], 'm', 's')
if existing[1] then
  return {0, existing[1], existing[2] or 'pending'}
end
local run = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)')
local trusted = redis.call('GET', KEYS[5]) == run and redis.call('EXISTS', KEYS[2]) == 1
local seeded = 0
if not trusted then
  if ARGV[7] == '' then
    -- INCR on a missing counter would restart at 1, and on one restored from an older snapshot would
    -- hand out seqs already taken; only the caller can ask PostgreSQL and Kafka: ask it for a seed.
    return {-1}
  end
  -- a counter left by an earlier process is never trusted, but never lowered either
  local seed = math.max(tonumber(ARGV[7]), tonumber(redis.call('GET', KEYS[2]) or '0'))
  redis.call('SET', KEYS[2], string.format('%d', seed))
  redis.call('SET', KEYS[5], run)
  -- the recent list serves sync only while it holds every message after its oldest; one left by an
  -- earlier process (an older snapshot) does not, so it starts anew
  redis.call('DEL', KEYS[3])
  local knownSentAt = tonumber(ARGV[11])
  if knownSentAt > tonumber(redis.call('GET', KEYS[4]) or '0') then
    redis.call('SET', KEYS[4], string.format('%d', knownSentAt))
  end
  -- messages Kafka acked that PostgreSQL does not hold yet: sync waits for them again
  for i = 13, #ARGV do
    redis.call('SETBIT', KEYS[6], tonumber(ARGV[i]), 1)
  end
  if #ARGV >= 13 then
    redis.call('EXPIRE', KEYS[6], tonumber(ARGV[12]))
  end
  seeded = 1
end
-- a counter that another send (on any node) restarted since our first try is trusted by now and
-- wins over our seed, so concurrent seeders agree and their messages get consecutive seqs
local seq = redis.call('INCR', KEYS[2])
local sentAt, sentAtMs = ARGV[8], tonumber(ARGV[9])
local previous = tonumber(redis.call('GET', KEYS[4]) or '0')
if sentAtMs <= previous then
  sentAtMs = previous + 1
  sentAt = iso8601(sentAtMs)
end
redis.call('SET', KEYS[4], string.format('%d', sentAtMs))
local message = ARGV[1] .. seq .. ARGV[2] .. sentAt .. ARGV[10]
redis.call('HSET', KEYS[1], 'm', message, 's', 'pending')
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[5]))
redis.call('LPUSH', KEYS[3], message)
redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[6]) - 1)
-- other nodes deliver the frame as is; the sender node recognises its own id and skips it
redis.call('PUBLISH', ARGV[3], ARGV[4] .. string.sub(message, 2))
return {1, message, 'pending', seeded}
