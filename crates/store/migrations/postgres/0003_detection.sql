-- Personal-data detection per organisation, and messages sent without the portal.
ALTER TABLE organisations ADD COLUMN detection_level TEXT NOT NULL DEFAULT 'block';
ALTER TABLE organisations ADD COLUMN detection_keywords TEXT NOT NULL DEFAULT '[]';
ALTER TABLE organisations ADD COLUMN detection_patterns TEXT NOT NULL DEFAULT '[]';
ALTER TABLE messages ADD COLUMN secure BIGINT NOT NULL DEFAULT 1;
