-- Temporary (this connection only) and unlogged by nature; rows vanish at commit, so a batch that
-- is rolled back or committed leaves nothing behind for the next one.
CREATE TEMP TABLE IF NOT EXISTS messages_staging (
    message_id      uuid,
    conversation_id text,
    seq             bigint,
    sender_id       text,
    client_msg_id   uuid,
    body            text,
    metadata        jsonb,
    sent_at         timestamptz
) ON COMMIT DELETE ROWS
