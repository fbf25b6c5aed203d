-- What a ticket asks for: technical (any approved contact) or order (quotes and orders:
-- general contacts only).
ALTER TABLE tickets ADD COLUMN kind TEXT NOT NULL DEFAULT 'technical';
