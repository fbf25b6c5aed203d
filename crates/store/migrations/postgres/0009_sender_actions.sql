-- A sender ends access for one recipient (the others keep theirs), and replies back to a
-- recipient within the thread of the first message.
ALTER TABLE deliveries ADD COLUMN revoked_at BIGINT;
-- The first message of the thread; NULL when the message starts its own.
ALTER TABLE messages ADD COLUMN thread_id TEXT;
CREATE INDEX messages_thread ON messages(thread_id) WHERE thread_id IS NOT NULL;
