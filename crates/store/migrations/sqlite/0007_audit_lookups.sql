-- Proofs of delivery and data-subject exports look up the records about one message,
-- delivery or recipient; these indexes keep that independent of the chain's length.
CREATE INDEX audit_log_subject ON audit_log(org_id, subject);
CREATE INDEX audit_log_actor ON audit_log(org_id, actor);
