//! `/gateway/held/{id}/{token}`: where a sender sets the identity checks that a message sent
//! through the SMTP gateway waits for. Reached only through the link in the mail to the
//! sender; works without JavaScript, in the sender's language.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use std::collections::HashMap;
use zegel_app::{App, AppError, HeldMail, VerificationInput};
use zegel_domain::Language;
use zegel_i18n::Texts;

use crate::portal::pages::{Frame, Notice, render};

pub fn routes() -> Router<App> {
    Router::new().route("/gateway/held/{id}/{token}", get(show).post(release))
}

pub struct HeldRecipient {
    pub email: String,
    pub legend: String,
}

#[derive(Template)]
#[template(path = "held.html")]
struct HeldPage {
    frame: Frame,
    intro: String,
    recipients: Vec<HeldRecipient>,
    notice: Option<Notice>,
}

#[derive(serde::Deserialize)]
struct LanguageQuery {
    lang: Option<String>,
}

fn page(held: &HeldMail, chosen: Option<Language>, notice: Option<Notice>) -> HeldPage {
    let language = chosen.unwrap_or(held.language);
    let t = Texts(language);
    HeldPage {
        frame: Frame::new(language, t.get("held-title"), String::new()),
        intro: t.with("held-intro", "sender", &held.sender_name),
        recipients: held
            .recipients
            .iter()
            .map(|email| HeldRecipient {
                email: email.clone(),
                legend: t.with("held-recipient", "email", email),
            })
            .collect(),
        notice,
    }
}

/// The page with only a text: when the link is used up, or when the checks are saved.
fn text_page(status: StatusCode, language: Language, text_key: &str) -> Response {
    let t = Texts(language);
    let page = HeldPage {
        frame: Frame::new(language, t.get("held-title"), String::new()),
        intro: t.get(text_key),
        recipients: Vec::new(),
        notice: None,
    };
    render(status, &page)
}

fn unavailable(language: Language) -> Response {
    text_page(StatusCode::NOT_FOUND, language, "held-unavailable")
}

async fn show(
    State(app): State<App>,
    Path((id, token)): Path<(String, String)>,
    Query(query): Query<LanguageQuery>,
) -> Response {
    let chosen = query.lang.as_deref().and_then(Language::from_tag);
    match app.held_mail(&id, &token).await {
        Ok(held) => render(StatusCode::OK, &page(&held, chosen, None)),
        Err(_) => unavailable(chosen.unwrap_or_default()),
    }
}

async fn release(
    State(app): State<App>,
    Path((id, token)): Path<(String, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let Ok(held) = app.held_mail(&id, &token).await else {
        return unavailable(Language::default());
    };
    let t = Texts(held.language);
    let field = |name: String| form.get(&name).map(|v| v.trim().to_owned());
    let mut checks = Vec::new();
    for index in 0..held.recipients.len() {
        let Some(email) = field(format!("email_{index}")) else {
            continue;
        };
        let check = match field(format!("method_{index}")).as_deref() {
            Some("sms") => VerificationInput::Sms {
                phone: field(format!("phone_{index}")).filter(|p| !p.is_empty()),
            },
            Some("access_code") => VerificationInput::AccessCode {
                access_code: field(format!("code_{index}")).filter(|c| !c.is_empty()),
            },
            _ => VerificationInput::EmailCode,
        };
        checks.push((email, check));
    }
    match app.release_held_mail(&id, &token, checks).await {
        Ok(()) => text_page(StatusCode::OK, held.language, "held-done"),
        Err(AppError::Invalid(problems)) => {
            let notice = Notice::error(t.with("held-problems", "problems", &problems.join("; ")));
            render(StatusCode::UNPROCESSABLE_ENTITY, &page(&held, None, notice))
        }
        Err(error) => {
            tracing::error!(%error, "releasing held gateway mail failed");
            render(
                StatusCode::INTERNAL_SERVER_ERROR,
                &page(&held, None, Notice::error(t.get("error-internal"))),
            )
        }
    }
}
