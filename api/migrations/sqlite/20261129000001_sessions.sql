-- Same as migrations/postgres: family_id groups the refresh tokens of one login (SQLite cannot
-- add a NOT NULL column without a default; the application always sets it).
ALTER TABLE refresh_tokens ADD COLUMN family_id BLOB;
UPDATE refresh_tokens SET family_id = id;
CREATE INDEX refresh_tokens_family_id ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_expires_at ON refresh_tokens (expires_at);
