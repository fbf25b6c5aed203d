-- Core loop schema. Times are Unix seconds; secrets are stored only as hashes or ciphertext.
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    default_expiry_days BIGINT NOT NULL,
    max_expiry_days BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE organisation_domains (
    domain TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id)
);
CREATE INDEX organisation_domains_org ON organisation_domains(org_id);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    language TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    token_hash BYTEA PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    label TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE recipients (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    email TEXT NOT NULL,
    verification_method TEXT NOT NULL,
    access_code_hash TEXT,
    language TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (org_id, email)
);

CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    sender_id TEXT NOT NULL REFERENCES users(id),
    subject_ct BYTEA,
    body_ct BYTEA,
    wrapped_dek BYTEA,
    kek_version BIGINT NOT NULL,
    state TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ended_at BIGINT
);
CREATE INDEX messages_sender ON messages(sender_id, created_at);
CREATE INDEX messages_due ON messages(expires_at) WHERE state = 'sent';

CREATE TABLE deliveries (
    id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL REFERENCES messages(id),
    recipient_id TEXT NOT NULL REFERENCES recipients(id),
    kind TEXT NOT NULL,
    position BIGINT NOT NULL,
    link_hash BYTEA NOT NULL UNIQUE,
    notified_at BIGINT,
    opened_at BIGINT,
    replied_at BIGINT,
    failures BIGINT NOT NULL DEFAULT 0,
    wait_until BIGINT,
    locked_at BIGINT
);
CREATE INDEX deliveries_message ON deliveries(message_id, position);

CREATE TABLE challenges (
    id TEXT PRIMARY KEY,
    delivery_id TEXT NOT NULL REFERENCES deliveries(id),
    code_hmac BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    consumed_at BIGINT
);
CREATE INDEX challenges_delivery ON challenges(delivery_id, created_at);

CREATE TABLE portal_sessions (
    id_hash BYTEA PRIMARY KEY,
    delivery_id TEXT NOT NULL REFERENCES deliveries(id),
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);

CREATE TABLE replies (
    id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL REFERENCES messages(id),
    delivery_id TEXT NOT NULL REFERENCES deliveries(id),
    body_ct BYTEA,
    created_at BIGINT NOT NULL
);
CREATE INDEX replies_message ON replies(message_id, created_at);

CREATE TABLE jobs (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    run_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT,
    done_at BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX jobs_ready ON jobs(run_at, id) WHERE done_at IS NULL;
