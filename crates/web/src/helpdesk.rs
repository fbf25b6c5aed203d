//! The helpdesk's public pages: the ticket form (anyone may use it; who may file a ticket
//! is decided by intake, which checks the address by a code), and the page where a sender
//! types the code sent to their registered address.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use zegel_app::{App, AppError, CheckOutcome, IncomingTicket};
use zegel_domain::Language;
use zegel_i18n::Texts;

use crate::cookies;
use crate::language::LanguagePreference;
use crate::portal::pages::{Frame, Notice, NoticePage, render};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/helpdesk/{org_id}/new", get(form).post(submit))
        .route(
            "/helpdesk/check/{ticket_id}/{token}",
            get(check_page).post(check),
        )
}

#[derive(Template)]
#[template(path = "helpdesk_new.html")]
struct NewTicketPage {
    frame: Frame,
    org_id: String,
    csrf: String,
    notice: Option<Notice>,
    email: String,
    name: String,
    subject: String,
    message: String,
}

#[derive(Template)]
#[template(path = "helpdesk_check.html")]
struct CheckPage {
    frame: Frame,
    ticket_id: String,
    token: String,
    csrf: String,
    notice: Option<Notice>,
}

#[derive(Deserialize, Default)]
struct LangQuery {
    lang: Option<String>,
}

#[derive(Deserialize, Default)]
struct TicketForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    kind: String,
}

/// The form's choice: a quote or order, else a technical question.
pub fn ticket_kind(choice: &str) -> &'static str {
    if choice == "order" {
        "order"
    } else {
        "technical"
    }
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

fn language(query: &LangQuery, jar: &CookieJar, headers: &HeaderMap) -> Language {
    LanguagePreference::read(query.lang.as_deref(), jar, headers).resolve(None)
}

/// The form, only for an organisation that takes tickets.
async fn intake_open(app: &App, org_id: &str) -> Result<(), Response> {
    match app.helpdesk_address(org_id).await {
        Ok(Some(_)) => Ok(()),
        Ok(None) | Err(AppError::NotFound) => Err(StatusCode::NOT_FOUND.into_response()),
        Err(error) => {
            tracing::error!(%error, "helpdesk settings lookup failed");
            Err(StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
    }
}

fn show_form(
    language: Language,
    jar: CookieJar,
    org_id: String,
    form: TicketForm,
    notice: Option<Notice>,
) -> Response {
    let t = Texts(language);
    let (jar, csrf) = cookies::csrf_token(jar);
    let status = if notice.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = NewTicketPage {
        frame: Frame::new(language, t.get("helpdesk-new-title"), String::new()),
        org_id,
        csrf,
        notice,
        email: form.email,
        name: form.name,
        subject: form.subject,
        message: form.message,
    };
    (jar, render(status, &page)).into_response()
}

async fn form(
    State(app): State<App>,
    Path(org_id): Path<String>,
    Query(query): Query<LangQuery>,
    jar: CookieJar,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = intake_open(&app, &org_id).await {
        return refused;
    }
    let language = language(&query, &jar, &headers);
    show_form(language, jar, org_id, TicketForm::default(), None)
}

async fn submit(
    State(app): State<App>,
    Path(org_id): Path<String>,
    jar: CookieJar,
    headers: HeaderMap,
    Form(form): Form<TicketForm>,
) -> Response {
    if let Err(refused) = intake_open(&app, &org_id).await {
        return refused;
    }
    let language = language(&LangQuery::default(), &jar, &headers);
    let t = Texts(language);
    if !cookies::csrf_matches(&jar, &form.csrf) {
        return show_form(
            language,
            jar,
            org_id,
            form,
            Notice::error(t.get("portal-form-expired")),
        );
    }
    let incoming = IncomingTicket {
        org_id: org_id.clone(),
        from: form.email.clone(),
        name: form.name.clone(),
        subject: form.subject.clone(),
        body: form.message.clone(),
        authenticated: false,
        channel: "portal",
        kind: Some(ticket_kind(&form.kind)),
    };
    match app.take_ticket(incoming).await {
        Ok(outcome) => {
            let text = if outcome.state == "checking" {
                t.get("helpdesk-thanks-checking")
            } else {
                t.get("helpdesk-thanks-other")
            };
            render(
                StatusCode::OK,
                &NoticePage::new(language, "helpdesk-thanks-title", text),
            )
        }
        Err(AppError::Invalid(problems)) => show_form(
            language,
            jar,
            org_id,
            form,
            Notice::error(problems.join("; ")),
        ),
        Err(error) => {
            tracing::error!(%error, "ticket intake failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn unavailable(language: Language) -> Response {
    let text = Texts(language).get("helpdesk-check-unavailable");
    render(
        StatusCode::NOT_FOUND,
        &NoticePage::new(language, "helpdesk-check-title", text),
    )
}

fn show_check(
    language: Language,
    jar: CookieJar,
    ticket_id: String,
    token: String,
    notice: Option<Notice>,
) -> Response {
    let (jar, csrf) = cookies::csrf_token(jar);
    let page = CheckPage {
        frame: Frame::new(
            language,
            Texts(language).get("helpdesk-check-title"),
            String::new(),
        ),
        ticket_id,
        token,
        csrf,
        notice,
    };
    (jar, render(StatusCode::OK, &page)).into_response()
}

async fn check_page(
    State(app): State<App>,
    Path((ticket_id, token)): Path<(String, String)>,
    Query(query): Query<LangQuery>,
    jar: CookieJar,
    headers: HeaderMap,
) -> Response {
    let language = language(&query, &jar, &headers);
    match app.ticket_check_open(&ticket_id, &token).await {
        Ok(true) => show_check(language, jar, ticket_id, token, None),
        Ok(false) => unavailable(language),
        Err(error) => {
            tracing::error!(%error, "ticket check lookup failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

async fn check(
    State(app): State<App>,
    Path((ticket_id, token)): Path<(String, String)>,
    jar: CookieJar,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Response {
    let language = language(&LangQuery::default(), &jar, &headers);
    let t = Texts(language);
    if !cookies::csrf_matches(&jar, &form.csrf) {
        return show_check(
            language,
            jar,
            ticket_id,
            token,
            Notice::error(t.get("portal-form-expired")),
        );
    }
    match app
        .confirm_ticket_check(&ticket_id, &token, &form.code)
        .await
    {
        Ok(CheckOutcome::Confirmed) => render(
            StatusCode::OK,
            &NoticePage::new(
                language,
                "helpdesk-check-title",
                t.get("helpdesk-check-done"),
            ),
        ),
        Ok(CheckOutcome::Wrong) => show_check(
            language,
            jar,
            ticket_id,
            token,
            Notice::error(t.get("helpdesk-check-wrong")),
        ),
        Ok(CheckOutcome::Unavailable) => unavailable(language),
        Err(error) => {
            tracing::error!(%error, "ticket check failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
