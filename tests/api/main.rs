//! End-to-end tests of Zegel: each starts the real server with a fresh database and a real
//! SMTP server, and most run on both SQLite and PostgreSQL.

mod support;

mod admin_console;
mod api_contract;
mod archive;
mod attachments;
mod audit;
mod blob_store;
mod data_subjects;
mod detection;
mod expiry_and_revocation;
mod gateway;
mod group_commit;
mod helpdesk;
mod jobs;
mod keys_and_storage;
mod operations;
mod portal_flow;
mod sms;
mod staff_app;
mod verification_rules;
mod web_browser;
