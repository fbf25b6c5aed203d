-- SMS verification: the number staff set per recipient, the SMS log (numbers kept at most
-- seven days), reports of a wrong number, and a plain audit trail of method changes.
ALTER TABLE recipients ADD COLUMN phone TEXT;
ALTER TABLE deliveries ADD COLUMN wrong_number_reported_at INTEGER;

CREATE TABLE sms_log (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    delivery_id TEXT NOT NULL REFERENCES deliveries(id),
    recipient_id TEXT NOT NULL REFERENCES recipients(id),
    challenge_id TEXT NOT NULL,
    phone TEXT,
    phone_masked TEXT NOT NULL,
    provider TEXT,
    provider_message_id TEXT,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    purged_at INTEGER
);
CREATE INDEX sms_log_recipient ON sms_log(recipient_id, created_at);
CREATE INDEX sms_log_org ON sms_log(org_id, created_at);
CREATE INDEX sms_log_delivery ON sms_log(delivery_id, created_at);
CREATE UNIQUE INDEX sms_log_provider_message ON sms_log(provider, provider_message_id);
CREATE INDEX sms_log_numbers ON sms_log(created_at) WHERE phone IS NOT NULL;

CREATE TABLE audit_events (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX audit_events_org ON audit_events(org_id, created_at);
