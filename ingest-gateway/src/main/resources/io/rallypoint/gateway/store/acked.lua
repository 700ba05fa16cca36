-- Which of some seqs of a conversation Kafka acked (their bits in the acked bitmap).
-- KEYS[1] the conversation's acked bitmap; ARGV the seqs. Returns one 0/1 per seq, in order.
local bits = {}
for i, seq in ipairs(ARGV) do
  bits[i] = redis.call('GETBIT', KEYS[1], tonumber(seq))
end
return bits
