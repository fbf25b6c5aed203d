-- Mail taken in by the SMTP gateway. The raw message is sealed with its own key (wrapped by
-- the KEK) until it is converted into a secure message or relayed, then removed. A message
-- handed over again (same sender, same Message-ID) is recognised and not taken twice.
CREATE TABLE gateway_messages (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    sender_id TEXT NOT NULL REFERENCES users(id),
    message_id TEXT NOT NULL,
    -- JSON: {"from": "...", "to": ["..."]}
    envelope TEXT NOT NULL,
    raw_ct BYTEA,
    wrapped_dek BYTEA,
    kek_version BIGINT NOT NULL,
    -- pending | held | secured | relayed | failed
    state TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (sender_id, message_id)
);
CREATE INDEX gateway_messages_held ON gateway_messages(org_id) WHERE state = 'held';
