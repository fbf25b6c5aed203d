//! The admin console under `/admin`, for administrators of an organisation: policies,
//! branding, domains, users, shared mailboxes, recipients and the audit log. Same pages,
//! sessions and CSRF rules as the staff app; anyone else gets "not found".

mod audit;
mod helpdesk;
mod people;
mod recipients;
mod settings;
mod subjects;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use zegel_app::{App, AppError, AppResult, User};
use zegel_i18n::Texts;

use crate::staff::{Frame, Notice, Refused, StaffRequest, to_sign_in};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/admin", get(|| async { Redirect::to("/admin/policies") }))
        .merge(settings::routes())
        .merge(people::routes())
        .merge(recipients::routes())
        .merge(audit::routes())
        .merge(subjects::routes())
        .merge(helpdesk::routes())
}

/// The console's sections, in menu order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Policies,
    Branding,
    Domains,
    Users,
    Mailboxes,
    Recipients,
    Subjects,
    Archive,
    Helpdesk,
    Audit,
}

const SECTIONS: [Section; 10] = [
    Section::Policies,
    Section::Branding,
    Section::Domains,
    Section::Users,
    Section::Mailboxes,
    Section::Recipients,
    Section::Subjects,
    Section::Archive,
    Section::Helpdesk,
    Section::Audit,
];

impl Section {
    pub fn path(self) -> &'static str {
        match self {
            Section::Policies => "/admin/policies",
            Section::Branding => "/admin/branding",
            Section::Domains => "/admin/domains",
            Section::Users => "/admin/users",
            Section::Mailboxes => "/admin/mailboxes",
            Section::Recipients => "/admin/recipients",
            Section::Subjects => "/admin/subjects",
            Section::Archive => "/admin/archive",
            Section::Helpdesk => "/admin/helpdesk",
            Section::Audit => "/admin/audit",
        }
    }

    fn title_key(self) -> &'static str {
        match self {
            Section::Policies => "admin-policies",
            Section::Branding => "admin-branding",
            Section::Domains => "admin-domains",
            Section::Users => "admin-users",
            Section::Mailboxes => "admin-mailboxes",
            Section::Recipients => "admin-recipients",
            Section::Subjects => "admin-subjects",
            Section::Archive => "admin-archive",
            Section::Helpdesk => "admin-helpdesk",
            Section::Audit => "admin-audit",
        }
    }
}

/// What every console page has: the app frame, the section menu and messages.
pub struct Console {
    pub frame: Frame,
    pub nav: SectionMenu,
    pub notice: Option<Notice>,
    pub problems: Vec<String>,
}

pub struct SectionMenu {
    /// (path, label) per section.
    pub sections: Vec<(String, String)>,
    pub here: String,
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
    imported: Option<usize>,
}

/// The signed-in administrator, or the answer for anyone else.
pub fn administrator(request: &StaffRequest) -> Result<User, Refused> {
    match request.signed_in() {
        Some(visit) if visit.is_admin() => Ok(visit.user),
        Some(_) => Err(Refused::NotAdmin),
        None => Err(Refused::SignedOut),
    }
}

/// A posted change by an administrator with this browser's CSRF token.
pub fn posted_by_administrator(request: &StaffRequest, csrf: &str) -> Result<User, Refused> {
    let visit = request.posted(csrf)?;
    if visit.is_admin() {
        Ok(visit.user)
    } else {
        Err(Refused::NotAdmin)
    }
}

impl Console {
    pub fn new(
        request: &mut StaffRequest,
        section: Section,
        notice: Option<Notice>,
        problems: Vec<String>,
    ) -> Self {
        let t = request.texts();
        Self {
            frame: request.frame(t.get(section.title_key()), "admin"),
            nav: SectionMenu {
                sections: SECTIONS
                    .iter()
                    .map(|s| (s.path().to_owned(), t.get(s.title_key())))
                    .collect(),
                here: section.path().to_owned(),
            },
            notice,
            problems,
        }
    }
}

/// "Saved." after a change (the page is shown again by a redirect, so a reload does not post
/// the form twice).
pub fn saved_notice(t: &Texts, query: &SavedQuery) -> Option<Notice> {
    if let Some(count) = query.imported {
        return Notice::success(t.count("admin-imported", "count", count as i64));
    }
    query
        .saved
        .as_ref()
        .and_then(|_| Notice::success(t.get("admin-saved")))
}

/// After a posted change: back to the section with "Saved.", or the section with what to fix.
pub async fn after_change(
    request: StaffRequest,
    section: Section,
    result: AppResult<()>,
) -> Response {
    match result {
        Ok(()) => Redirect::to(&format!("{}?saved=1", section.path())).into_response(),
        Err(AppError::Invalid(problems)) => show(request, section, None, problems).await,
        Err(error) => request.failure(error),
    }
}

/// Renders a section page.
pub async fn show(
    request: StaffRequest,
    section: Section,
    notice: Option<Notice>,
    problems: Vec<String>,
) -> Response {
    let admin = match administrator(&request) {
        Ok(admin) => admin,
        Err(refused) => return refused.into_response(),
    };
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    match section {
        Section::Policies => {
            settings::policies_page(request, admin, status, notice, problems).await
        }
        Section::Branding => {
            settings::branding_page(request, admin, status, notice, problems).await
        }
        Section::Domains => settings::domains_page(request, admin, status, notice, problems).await,
        Section::Users => people::users_page(request, admin, status, notice, problems).await,
        Section::Mailboxes => {
            people::mailboxes_page(request, admin, status, notice, problems).await
        }
        Section::Recipients => {
            recipients::recipients_page(request, admin, status, notice, problems).await
        }
        // Its page depends on who is looked up; it shows its own problems.
        Section::Subjects => Redirect::to(Section::Subjects.path()).into_response(),
        Section::Archive => subjects::archive_page(request, admin, status, notice, problems).await,
        Section::Helpdesk => {
            helpdesk::helpdesk_page(request, admin, status, notice, problems).await
        }
        Section::Audit => audit::audit_page(request, admin, status, notice).await,
    }
}

/// A GET of a section: signed in as an administrator, else sign in or "not found".
pub async fn section_get(request: StaffRequest, section: Section, query: SavedQuery) -> Response {
    if request.signed_in().is_none() {
        return to_sign_in();
    }
    let notice = saved_notice(&request.texts(), &query);
    show(request, section, notice, Vec::new()).await
}
