-- Same schema as migrations/postgres: UUIDs as 16-byte BLOBs (byte order = PostgreSQL's uuid order),
-- timestamps as RFC 3339 TEXT. Emails are stored lower-cased by the application.
CREATE TABLE users (
    id            BLOB PRIMARY KEY NOT NULL,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE refresh_tokens (
    id         BLOB PRIMARY KEY NOT NULL,
    user_id    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash BLOB NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    -- Why it stopped working: 'rotated' (traded for a new pair), 'logout', 'reuse' (its family
    -- was revoked because a rotated token came back).
    revoked_reason TEXT
);
CREATE INDEX refresh_tokens_user_id ON refresh_tokens (user_id);

CREATE TABLE entries (
    id         BLOB PRIMARY KEY NOT NULL,
    user_id    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    work       TEXT NOT NULL,
    struggle   TEXT NOT NULL,
    intention  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX entries_user_id_id ON entries (user_id, id DESC);
