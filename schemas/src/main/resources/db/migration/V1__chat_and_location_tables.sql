-- Rallypoint schema, PROTOCOL section 3. Identifiers of conversations, users and recording
-- sessions are opaque strings (the JWT `sub` is the user id); message ids are UUIDv7.

CREATE TABLE conversations (
    id          text        PRIMARY KEY,
    title       text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE conversation_members (
    conversation_id text        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id         text        NOT NULL,
    joined_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (conversation_id, user_id)
);
-- "which conversations is this user in" (gateway subscriptions at connect time)
CREATE INDEX conversation_members_user_idx ON conversation_members (user_id);

CREATE TABLE user_preferences (
    user_id                  text        PRIMARY KEY,
    location_sharing_enabled boolean     NOT NULL DEFAULT false,
    updated_at               timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE recording_sessions (
    id          text        PRIMARY KEY,
    user_id     text        NOT NULL,
    started_at  timestamptz NOT NULL,
    ended_at    timestamptz,
    CONSTRAINT recording_sessions_ends_after_start CHECK (ended_at IS NULL OR ended_at >= started_at)
);
-- the consent check asks "is this an active session of this user"
CREATE INDEX recording_sessions_active_idx ON recording_sessions (user_id) WHERE ended_at IS NULL;

CREATE TABLE messages (
    message_id      uuid        PRIMARY KEY,
    conversation_id text        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             bigint      NOT NULL CHECK (seq > 0),
    sender_id       text        NOT NULL,
    client_msg_id   uuid        NOT NULL,
    body            text        NOT NULL,
    metadata        jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(metadata) = 'object'),
    sent_at         timestamptz NOT NULL,
    persisted_at    timestamptz NOT NULL DEFAULT now(),
    -- sync by afterSeq reads this index in order; a redelivered message conflicts here
    CONSTRAINT messages_conversation_seq_key UNIQUE (conversation_id, seq),
    -- the idempotency key of a send
    CONSTRAINT messages_sender_client_msg_key UNIQUE (sender_id, client_msg_id)
);
-- sync by lastSyncedAt: "sent strictly after T in this conversation, in seq order"
CREATE INDEX messages_conversation_sent_at_idx ON messages (conversation_id, sent_at);
-- ad-hoc queries on metadata (metadata->>'kind', containment)
CREATE INDEX messages_metadata_idx ON messages USING gin (metadata jsonb_path_ops);

CREATE TABLE read_receipts (
    conversation_id text        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id         text        NOT NULL,
    seq             bigint      NOT NULL CHECK (seq >= 0),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (conversation_id, user_id)
);
