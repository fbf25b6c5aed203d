-- The audit trail becomes an append-only chain per organisation: every record carries a keyed
-- MAC over its content and the previous record's MAC, so a changed, removed or reordered record
-- shows. (The plain table it replaces held only development data.)
DROP TABLE audit_events;

CREATE TABLE audit_log (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    seq BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    prev_mac TEXT NOT NULL,
    mac TEXT NOT NULL,
    PRIMARY KEY (org_id, seq)
);
CREATE INDEX audit_log_time ON audit_log(org_id, created_at);

-- The newest record per organisation, and up to where retention has pruned the chain.
CREATE TABLE audit_heads (
    org_id TEXT PRIMARY KEY REFERENCES organisations(id),
    seq BIGINT NOT NULL,
    mac TEXT NOT NULL,
    pruned_through BIGINT NOT NULL DEFAULT 0
);

-- How long audit records are kept (six years unless the organisation sets otherwise).
ALTER TABLE organisations ADD COLUMN audit_retention_days BIGINT NOT NULL DEFAULT 2192;
