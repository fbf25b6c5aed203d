//! The audit log: the newest records and whether the chain is intact.

use askama::Template;
use axum::Router;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use std::collections::HashMap;
use zegel_app::{App, User};
use zegel_i18n::format_time;

use super::{Console, SavedQuery, Section, SectionMenu, section_get};
use crate::staff::{Frame, Notice, StaffRequest};

pub fn routes() -> Router<App> {
    Router::new().route(
        "/admin/audit",
        get(|r: StaffRequest, Query(q): Query<SavedQuery>| section_get(r, Section::Audit, q)),
    )
}

pub struct EventRow {
    pub seq: i64,
    pub time: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    frame: Frame,
    nav: SectionMenu,
    notice: Option<Notice>,
    problems: Vec<String>,
    chain: String,
    chain_class: &'static str,
    events: Vec<EventRow>,
}

pub async fn audit_page(
    mut request: StaffRequest,
    admin: User,
    status: StatusCode,
    notice: Option<Notice>,
) -> Response {
    let view = match request.app.audit_view(&admin).await {
        Ok(view) => view,
        Err(error) => return request.failure(error),
    };
    // Staff are named by address; other actors (the system, recipients) by their id.
    let names: HashMap<String, String> = match request.app.users(&admin).await {
        Ok(users) => users.into_iter().map(|u| (u.id, u.email)).collect(),
        Err(error) => return request.failure(error),
    };
    let t = request.texts();
    let (chain, chain_class) = match &view.chain {
        None => (t.get("admin-chain-empty"), "chain-ok"),
        Some(report) => match &report.problem {
            None => (
                t.count("admin-chain-intact", "count", report.records as i64),
                "chain-ok",
            ),
            Some(problem) => (
                t.with("admin-chain-broken", "problem", problem),
                "chain-broken",
            ),
        },
    };
    let events = view
        .events
        .into_iter()
        .map(|e| EventRow {
            seq: e.seq,
            time: format_time(t.language(), e.created_at),
            actor: names.get(&e.actor).cloned().unwrap_or(e.actor),
            action: e.action,
            subject: e.subject,
        })
        .collect();
    let Console {
        frame,
        nav,
        notice,
        problems,
    } = Console::new(&mut request, Section::Audit, notice, Vec::new());
    let page = AuditPage {
        frame,
        nav,
        notice,
        problems,
        chain,
        chain_class,
        events,
    };
    request.page(status, &page)
}
