//! The organisation's recipients: the list, a CSV import and changing one identity check.

use askama::Template;
use axum::Router;
use axum::extract::{Form, FromRequest, Multipart, Query, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use zegel_app::{App, AppError, User, VerificationInput};

use super::{
    Console, SavedQuery, Section, SectionMenu, after_change, posted_by_administrator, section_get,
    show,
};
use crate::staff::{Frame, Notice, StaffRequest};

/// A CSV of identity checks is small; this bounds what is read into memory.
const MAX_CSV_BYTES: usize = 5 * 1024 * 1024;

pub fn routes() -> Router<App> {
    Router::new()
        .route(
            "/admin/recipients",
            get(|r: StaffRequest, Query(q): Query<SavedQuery>| {
                section_get(r, Section::Recipients, q)
            }),
        )
        .route("/admin/recipients/import", post(import))
        .route("/admin/recipients/method", post(change_method))
}

pub struct RecipientRow {
    pub email: String,
    pub method: String,
    pub phone: String,
}

#[derive(Template)]
#[template(path = "admin/recipients.html")]
struct RecipientsPage {
    frame: Frame,
    nav: SectionMenu,
    notice: Option<Notice>,
    problems: Vec<String>,
    recipients: Vec<RecipientRow>,
}

pub async fn recipients_page(
    mut request: StaffRequest,
    admin: User,
    status: StatusCode,
    notice: Option<Notice>,
    problems: Vec<String>,
) -> Response {
    let list = match request.app.recipients_list(&admin).await {
        Ok(list) => list,
        Err(error) => return request.failure(error),
    };
    let t = request.texts();
    let recipients = list
        .into_iter()
        .map(|r| RecipientRow {
            method: t.get(match r.verification_method.as_str() {
                "sms" => "admin-method-sms",
                "access_code" => "admin-method-access",
                _ => "admin-method-email",
            }),
            phone: r.phone.unwrap_or_default(),
            email: r.email,
        })
        .collect();
    let Console {
        frame,
        nav,
        notice,
        problems,
    } = Console::new(&mut request, Section::Recipients, notice, problems);
    let page = RecipientsPage {
        frame,
        nav,
        notice,
        problems,
        recipients,
    };
    request.page(status, &page)
}

async fn import(request: StaffRequest, body: Request) -> Response {
    let Ok(mut form) = Multipart::from_request(body, &request.app).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let mut csrf = String::new();
    let mut text = None;
    while let Ok(Some(field)) = form.next_field().await {
        match field.name().unwrap_or_default() {
            "csrf" => csrf = field.text().await.unwrap_or_default(),
            "csv" if posted_by_administrator(&request, &csrf).is_ok() => {
                text = field.bytes().await.ok();
            }
            _ => {}
        }
    }
    let admin = match posted_by_administrator(&request, &csrf) {
        Ok(admin) => admin,
        Err(refused) => return refused.into_response(),
    };
    let text = match text {
        Some(bytes) if bytes.len() <= MAX_CSV_BYTES => match String::from_utf8(bytes.to_vec()) {
            Ok(text) => text,
            Err(_) => {
                return problem(request, "the file is not UTF-8 text (save it as CSV UTF-8)").await;
            }
        },
        Some(_) => return problem(request, "the file is larger than 5 MB").await,
        None => return problem(request, "choose a CSV file").await,
    };
    match request.app.import_recipients(&admin, &text).await {
        Ok(report) => {
            Redirect::to(&format!("/admin/recipients?imported={}", report.imported)).into_response()
        }
        Err(AppError::Invalid(problems)) => {
            show(request, Section::Recipients, None, problems).await
        }
        Err(error) => request.failure(error),
    }
}

async fn problem(request: StaffRequest, text: &str) -> Response {
    show(request, Section::Recipients, None, vec![text.to_owned()]).await
}

#[derive(Deserialize)]
struct MethodForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    access_code: String,
}

async fn change_method(request: StaffRequest, Form(form): Form<MethodForm>) -> Response {
    let admin = match posted_by_administrator(&request, &form.csrf) {
        Ok(admin) => admin,
        Err(refused) => return refused.into_response(),
    };
    let filled = |text: &str| (!text.trim().is_empty()).then(|| text.trim().to_owned());
    let check = match form.method.as_str() {
        "sms" => VerificationInput::Sms {
            phone: filled(&form.phone),
        },
        "access_code" => VerificationInput::AccessCode {
            access_code: filled(&form.access_code),
        },
        _ => VerificationInput::EmailCode,
    };
    let result = request
        .app
        .change_verification(&admin, &form.email, check)
        .await
        .map(|_| ());
    after_change(request, Section::Recipients, result).await
}
