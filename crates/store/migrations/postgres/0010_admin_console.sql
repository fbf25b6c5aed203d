-- The admin console: an organisation's policies and branding beyond the core columns,
-- deactivated users, and shared mailboxes that members send as.
CREATE TABLE organisation_settings (
    org_id TEXT PRIMARY KEY REFERENCES organisations(id),
    -- Comma-separated: email_code, sms, access_code.
    allowed_methods TEXT NOT NULL,
    min_access_code_length BIGINT NOT NULL,
    -- Organisation-wide SMS caps; NULL: the server's.
    sms_hour_cap BIGINT,
    sms_day_cap BIGINT,
    -- #rrggbb, dark enough for white text on it.
    brand_colour TEXT,
    brand_logo BYTEA,
    brand_logo_type TEXT,
    updated_at BIGINT NOT NULL
);

ALTER TABLE users ADD COLUMN deactivated_at BIGINT;

CREATE TABLE shared_mailboxes (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX shared_mailboxes_org ON shared_mailboxes(org_id);

CREATE TABLE mailbox_members (
    mailbox_id TEXT NOT NULL REFERENCES shared_mailboxes(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (mailbox_id, user_id)
);
CREATE INDEX mailbox_members_user ON mailbox_members(user_id);

-- Sent as a shared mailbox: recipients see the mailbox, every member sees the message.
ALTER TABLE messages ADD COLUMN mailbox_id TEXT REFERENCES shared_mailboxes(id);
CREATE INDEX messages_mailbox ON messages(mailbox_id, created_at) WHERE mailbox_id IS NOT NULL;
