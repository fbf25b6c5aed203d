//! Data subjects (find, export as JSON, erase, legal hold) and the archive download.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use std::io::Write;
use zegel_app::{App, AppError, SubjectQuery, User};
use zegel_i18n::format_date;

use super::{
    Console, SavedQuery, Section, SectionMenu, administrator, posted_by_administrator, section_get,
};
use crate::staff::{Frame, Notice, StaffRequest};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/admin/subjects", get(subjects))
        .route("/admin/subjects/export", get(export))
        .route("/admin/subjects/erase", post(erase))
        .route("/admin/subjects/hold", post(hold))
        .route("/admin/subjects/hold/lift", post(lift))
        .route(
            "/admin/archive",
            get(|r: StaffRequest, Query(q): Query<SavedQuery>| section_get(r, Section::Archive, q)),
        )
        .route("/admin/archive.zip", get(archive))
}

/// Who a request is about, as the search form and the action forms carry it.
#[derive(Debug, Default, Deserialize)]
pub struct Person {
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
}

impl Person {
    fn query(&self) -> Option<SubjectQuery> {
        let filled = |text: &str| (!text.trim().is_empty()).then(|| text.trim().to_owned());
        match (filled(&self.email), filled(&self.phone)) {
            (None, None) => None,
            (email, phone) => Some(SubjectQuery { email, phone }),
        }
    }

    fn query_string(&self) -> String {
        let encode = |text: &str| {
            percent_encoding::utf8_percent_encode(text.trim(), percent_encoding::NON_ALPHANUMERIC)
                .to_string()
        };
        if self.email.trim().is_empty() {
            format!("phone={}", encode(&self.phone))
        } else {
            format!("email={}", encode(&self.email))
        }
    }
}

#[derive(Template)]
#[template(path = "admin/subjects.html")]
struct SubjectsPage {
    frame: Frame,
    nav: SectionMenu,
    notice: Option<Notice>,
    problems: Vec<String>,
    email: String,
    phone: String,
    query_label: String,
    query_string: String,
    summary: Option<String>,
    hold: Option<String>,
}

async fn subjects(request: StaffRequest, Query(person): Query<Person>) -> Response {
    render(request, person, None, Vec::new()).await
}

async fn render(
    mut request: StaffRequest,
    person: Person,
    notice: Option<Notice>,
    mut problems: Vec<String>,
) -> Response {
    let admin = match administrator(&request) {
        Ok(admin) => admin,
        Err(refused) => return refused.into_response(),
    };
    let t = request.texts();
    let mut summary = None;
    let mut hold = None;
    if let Some(query) = person.query() {
        match request.app.export_subject(&admin, &query).await {
            Ok(export) if export.recipients.is_empty() => {
                summary = Some(t.get("admin-subject-none"));
            }
            Ok(export) => {
                summary = Some(zegel_i18n::text_with(
                    request.language,
                    "admin-subject-summary",
                    &[
                        ("recipients", &export.recipients.len().to_string()),
                        ("messages", &export.messages.len().to_string()),
                        ("sms", &export.sms.len().to_string()),
                        ("events", &export.events.len().to_string()),
                    ],
                ));
                if !person.email.trim().is_empty()
                    && let Ok(Some(until)) = request.app.legal_hold_of(&admin, &person.email).await
                {
                    hold = Some(t.with(
                        "admin-hold-active",
                        "date",
                        &format_date(request.language, until),
                    ));
                }
            }
            Err(AppError::Invalid(found)) => problems.extend(found),
            Err(error) => return request.failure(error),
        }
    }
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let Console {
        frame,
        nav,
        notice,
        problems,
    } = Console::new(&mut request, Section::Subjects, notice, problems);
    let page = SubjectsPage {
        frame,
        nav,
        notice,
        problems,
        query_label: if person.email.trim().is_empty() {
            person.phone.clone()
        } else {
            person.email.clone()
        },
        query_string: person.query_string(),
        email: person.email,
        phone: person.phone,
        summary,
        hold,
    };
    request.page(status, &page)
}

/// The archive page has nothing to load; it is only a link.
pub async fn archive_page(
    mut request: StaffRequest,
    _admin: User,
    status: StatusCode,
    notice: Option<Notice>,
    problems: Vec<String>,
) -> Response {
    #[derive(Template)]
    #[template(path = "admin/archive.html")]
    struct ArchivePage {
        frame: Frame,
        nav: SectionMenu,
        notice: Option<Notice>,
        problems: Vec<String>,
    }
    let Console {
        frame,
        nav,
        notice,
        problems,
    } = Console::new(&mut request, Section::Archive, notice, problems);
    let page = ArchivePage {
        frame,
        nav,
        notice,
        problems,
    };
    request.page(status, &page)
}

async fn export(request: StaffRequest, Query(person): Query<Person>) -> Response {
    let admin = match administrator(&request) {
        Ok(admin) => admin,
        Err(refused) => return refused.into_response(),
    };
    let Some(query) = person.query() else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    match request.app.export_subject(&admin, &query).await {
        Ok(export) => (
            [
                (header::CONTENT_TYPE, "application/json"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"data-subject.json\"",
                ),
            ],
            serde_json::to_string_pretty(&export).unwrap_or_default(),
        )
            .into_response(),
        Err(AppError::Invalid(problems)) => render(request, person, None, problems).await,
        Err(error) => request.failure(error),
    }
}

#[derive(Deserialize)]
struct EraseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    confirm: String,
    #[serde(flatten)]
    person: Person,
}

async fn erase(request: StaffRequest, Form(form): Form<EraseForm>) -> Response {
    let admin = match posted_by_administrator(&request, &form.csrf) {
        Ok(admin) => admin,
        Err(refused) => return refused.into_response(),
    };
    let t = request.texts();
    let Some(query) = form.person.query() else {
        return render(
            request,
            form.person,
            None,
            vec![t.get("admin-subject-search")],
        )
        .await;
    };
    if form.confirm != "1" {
        return render(
            request,
            form.person,
            None,
            vec![t.get("admin-subject-erase-confirm")],
        )
        .await;
    }
    match request.app.erase_subject(&admin, &query).await {
        Ok(report) => {
            let text = zegel_i18n::text_with(
                request.language,
                "admin-subject-erased",
                &[
                    ("recipients", &report.recipients.to_string()),
                    ("messages", &report.messages_shredded.to_string()),
                    ("held", &report.kept_under_legal_hold.to_string()),
                ],
            );
            render(
                request,
                Person::default(),
                Notice::success(text),
                Vec::new(),
            )
            .await
        }
        Err(AppError::Invalid(problems)) => render(request, form.person, None, problems).await,
        Err(error) => request.failure(error),
    }
}

#[derive(Deserialize)]
struct HoldForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    reason: String,
}

fn back_to(email: &str) -> Response {
    let person = Person {
        email: email.to_owned(),
        phone: String::new(),
    };
    Redirect::to(&format!("/admin/subjects?{}", person.query_string())).into_response()
}

async fn hold(request: StaffRequest, Form(form): Form<HoldForm>) -> Response {
    let admin = match posted_by_administrator(&request, &form.csrf) {
        Ok(admin) => admin,
        Err(refused) => return refused.into_response(),
    };
    let until = crate::staff::start_of_day(&form.until).unwrap_or_default();
    match request
        .app
        .set_legal_hold(&admin, &form.email, until, &form.reason)
        .await
    {
        Ok(()) => back_to(&form.email),
        Err(AppError::Invalid(problems)) => {
            let person = Person {
                email: form.email,
                phone: String::new(),
            };
            render(request, person, None, problems).await
        }
        Err(error) => request.failure(error),
    }
}

async fn lift(request: StaffRequest, Form(form): Form<HoldForm>) -> Response {
    let admin = match posted_by_administrator(&request, &form.csrf) {
        Ok(admin) => admin,
        Err(refused) => return refused.into_response(),
    };
    match request.app.lift_legal_hold(&admin, &form.email).await {
        Ok(()) => back_to(&form.email),
        Err(AppError::Invalid(problems)) => {
            let person = Person {
                email: form.email,
                phone: String::new(),
            };
            render(request, person, None, problems).await
        }
        Err(error) => request.failure(error),
    }
}

/// Every message with its replies and files as .eml files in one zip.
async fn archive(request: StaffRequest) -> Response {
    let admin = match administrator(&request) {
        Ok(admin) => admin,
        Err(refused) => return refused.into_response(),
    };
    let files = match request.app.archive_for(&admin).await {
        Ok(files) => files,
        Err(error) => return request.failure(error),
    };
    match zip_files(&files) {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/zip"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"zegel-archive.zip\"",
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "archive zip failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn zip_files(files: &[zegel_app::EmlFile]) -> zip::result::ZipResult<Vec<u8>> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for file in files {
        writer.start_file(file.name.as_str(), options)?;
        writer.write_all(&file.bytes)?;
    }
    Ok(writer.finish()?.into_inner())
}
