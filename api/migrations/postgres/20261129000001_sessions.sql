-- Sessions (issue 14): every refresh token of one login shares family_id, the id of the login's
-- first token, so logout with any access token of the session ends the session however many
-- rotations happened since. Tokens issued before this migration form a family of one.
ALTER TABLE refresh_tokens ADD COLUMN family_id UUID;
UPDATE refresh_tokens SET family_id = id;
ALTER TABLE refresh_tokens ALTER COLUMN family_id SET NOT NULL;
CREATE INDEX refresh_tokens_family_id ON refresh_tokens (family_id);
-- Expired rows are pruned by expires_at.
CREATE INDEX refresh_tokens_expires_at ON refresh_tokens (expires_at);
