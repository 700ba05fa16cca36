-- Marks an accepted message as confirmed by Kafka, unless its idempotency entry has expired.
-- KEYS[1] idempotency hash
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 's', 'acked')
  return 1
end
return 0
