-- Attachments. A draft holds the data key of a message still being put together, so files can
-- be uploaded (and resumed) before it is sent; on sending, the message takes the draft's id
-- and key. Attachment bytes live in the blob store as encrypted segments; a row here holds
-- its sealed name and size, its upload progress and its state.
CREATE TABLE drafts (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    sender_id TEXT NOT NULL REFERENCES users(id),
    wrapped_dek BYTEA NOT NULL,
    kek_version BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX drafts_age ON drafts(created_at);

CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    -- The draft's id, which becomes the message's id when it is sent.
    message_id TEXT NOT NULL,
    -- Set when a recipient attached the file to a reply.
    reply_id TEXT,
    position BIGINT NOT NULL,
    -- Name, exact size and type, sealed with the message key; NULL once shredded.
    meta_ct BYTEA,
    -- Bytes in the blob store (sizes rounded up to 64 KiB): what limits and quotas count.
    stored_bytes BIGINT NOT NULL,
    segments BIGINT NOT NULL DEFAULT 0,
    -- uploading | ready | sent | shredded (blobs still to delete)
    state TEXT NOT NULL,
    writer TEXT,
    writer_until BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX attachments_message ON attachments(message_id, position);
CREATE INDEX attachments_organisation ON attachments(org_id, state);
CREATE INDEX attachments_shredded ON attachments(state) WHERE state = 'shredded';

-- Bytes of attachments an organisation may keep; NULL: the server's default.
ALTER TABLE organisations ADD COLUMN storage_quota_bytes BIGINT;

-- When the recipient first downloaded a file of the message.
ALTER TABLE deliveries ADD COLUMN downloaded_at BIGINT;
