-- The staff web app: a role, a password (Argon2id) and a TOTP second factor per user, one-use
-- recovery codes, and browser sessions. The TOTP secret is sealed with a KEK-derived key;
-- sessions and recovery codes are stored only as hashes.
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'staff';
ALTER TABLE users ADD COLUMN password_hash TEXT;
ALTER TABLE users ADD COLUMN totp_secret_ct BLOB;
-- The last TOTP step accepted: each code counts once (RFC 6238 §5.2).
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;
ALTER TABLE users ADD COLUMN login_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN login_locked_until INTEGER;

-- When the organisation first sent this recipient personal data: the compose form warns
-- before the first time (a wrong address is worst then).
ALTER TABLE recipients ADD COLUMN personal_data_at INTEGER;

CREATE TABLE recovery_codes (
    user_id TEXT NOT NULL REFERENCES users(id),
    code_hash BLOB NOT NULL,
    used_at INTEGER,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE staff_sessions (
    id_hash BLOB PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    -- password: the second factor is still due; enrol: setting it up (the new secret, sealed,
    -- waits here until a code from it is typed); signed_in.
    stage TEXT NOT NULL,
    pending_secret_ct BLOB,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX staff_sessions_user ON staff_sessions(user_id);
