-- Users, refresh tokens (stored only as SHA-256 hashes) and journal entries.
-- Emails are stored lower-cased by the application, so UNIQUE is case-insensitive on both databases.
CREATE TABLE users (
    id            UUID PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE refresh_tokens (
    id         UUID PRIMARY KEY,
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash BYTEA NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ,
    -- Why it stopped working: 'rotated' (traded for a new pair), 'logout', 'reuse' (its family
    -- was revoked because a rotated token came back).
    revoked_reason TEXT
);
CREATE INDEX refresh_tokens_user_id ON refresh_tokens (user_id);

-- Entry ids are UUIDv7 (time-ordered), so "newest first" and the `before` cursor are both by id.
CREATE TABLE entries (
    id         UUID PRIMARY KEY,
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    work       TEXT NOT NULL,
    struggle   TEXT NOT NULL,
    intention  TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX entries_user_id_id ON entries (user_id, id DESC);
