-- Portal accounts for approved helpdesk contacts (granted on request): sign-in by a code to
-- the registered address, sessions as hashes.
ALTER TABLE contacts ADD COLUMN signin_code_hmac BYTEA;
ALTER TABLE contacts ADD COLUMN signin_expires_at BIGINT;
ALTER TABLE contacts ADD COLUMN signin_attempts BIGINT NOT NULL DEFAULT 0;

CREATE TABLE contact_sessions (
    id_hash BYTEA PRIMARY KEY,
    contact_id TEXT NOT NULL REFERENCES contacts(id),
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX contact_sessions_contact ON contact_sessions(contact_id);
