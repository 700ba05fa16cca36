-- Seqs that will never be filled. The gateway acks a message (and sets its seq's bit in Redis) once
-- Kafka has it; sync then waits at that seq until the persister has written it. Some acked messages
-- never reach `messages`: the persister dead-letters them (PostgreSQL refuses their content after
-- every retry tier, or their bytes cannot be read), or skips them because their (sender, clientMsgId)
-- is already stored under another message id (a resend after the gateway's idempotency entry was
-- gone, which minted a new message and seq). The persister records such a seq here, before it
-- commits the Kafka offsets that drop the message, and sync skips it like a seq that was never
-- acked instead of stalling there forever. A row in `messages` for the same (conversation, seq)
-- always wins (e.g. a dead letter replayed after a fix): a gap only matters where no message is.
CREATE TABLE message_gaps (
    conversation_id text        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             bigint      NOT NULL CHECK (seq > 0),
    -- the message that held this seq and was dropped (unknown for bytes that could not be read)
    message_id      uuid,
    -- why the seq stays empty: 'dead-lettered' or 'duplicate-client-msg-id'
    reason          text        NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (conversation_id, seq)
);
