-- Helpdesk intake (DESIGN §7): customer organisations with their domains and approved
-- contact persons; tickets from e-mail or the portal form, sealed like messages; a profile
-- per person who filed one; checks for known contacts writing from another address.
ALTER TABLE organisation_settings ADD COLUMN helpdesk_address TEXT;

CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX customers_org ON customers(org_id);

CREATE TABLE customer_domains (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    domain TEXT NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers(id),
    PRIMARY KEY (org_id, domain)
);

CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    customer_id TEXT NOT NULL REFERENCES customers(id),
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    -- general: may file any ticket and approve quotes/orders; ict: technical tickets only.
    role TEXT NOT NULL,
    -- The contact or staff member who added this one.
    added_by TEXT NOT NULL,
    portal_account BIGINT NOT NULL DEFAULT 0,
    deactivated_at BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (org_id, email)
);
CREATE INDEX contacts_customer ON contacts(customer_id);

-- Made at a person's first ticket; a customer's general profile (general = 1) takes the
-- tickets of contacts who left.
CREATE TABLE ticket_profiles (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    customer_id TEXT REFERENCES customers(id),
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    general BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (org_id, email)
);

CREATE TABLE tickets (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    customer_id TEXT REFERENCES customers(id),
    profile_id TEXT NOT NULL REFERENCES ticket_profiles(id),
    contact_id TEXT REFERENCES contacts(id),
    -- email | portal
    channel TEXT NOT NULL,
    -- new | open | waiting | closed | checking (a code went to the registered address) |
    -- referred (sender not an approved contact)
    state TEXT NOT NULL,
    subject_ct BYTEA,
    body_ct BYTEA,
    wrapped_dek BYTEA,
    kek_version BIGINT NOT NULL,
    -- Kinds of third-party personal data removed at intake (comma-separated), if any.
    removed TEXT,
    cc_contact_id TEXT REFERENCES contacts(id),
    check_code_hmac BYTEA,
    check_expires_at BIGINT,
    check_attempts BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX tickets_org ON tickets(org_id, updated_at);
CREATE INDEX tickets_profile ON tickets(profile_id);
