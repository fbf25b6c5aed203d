//! The contact portal: approved contacts with an account sign in with a code to their
//! registered address, see their tickets, file new ones, and (general contacts) add a
//! colleague.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use zegel_app::Contact;
use zegel_app::{App, AppError, ContactRole};
use zegel_domain::Language;
use zegel_i18n::Texts;

use crate::cookies::{self, CONTACT_SESSION};
use crate::language::LanguagePreference;
use crate::portal::pages::{Frame, Notice, render};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/helpdesk/{org_id}/account", get(account))
        .route("/helpdesk/{org_id}/account/code", post(send_code))
        .route("/helpdesk/{org_id}/account/sign-in", post(sign_in))
        .route("/helpdesk/{org_id}/account/tickets", post(file_ticket))
        .route("/helpdesk/{org_id}/account/colleagues", post(add_colleague))
        .route("/helpdesk/{org_id}/account/sign-out", post(sign_out))
}

#[derive(Template)]
#[template(path = "helpdesk_sign_in.html")]
struct SignInPage {
    frame: Frame,
    org_id: String,
    csrf: String,
    notice: Option<Notice>,
    email: String,
    code_sent: bool,
}

#[derive(Template)]
#[template(path = "helpdesk_account.html")]
struct AccountPage {
    frame: Frame,
    org_id: String,
    csrf: String,
    notice: Option<Notice>,
    /// (subject, state)
    tickets: Vec<(String, String)>,
    general: bool,
}

#[derive(Deserialize, Default)]
struct AccountForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    kind: String,
}

#[derive(Deserialize, Default)]
struct AccountQuery {
    lang: Option<String>,
    added: Option<String>,
}

/// One request to the contact portal: language, cookies and the signed-in contact.
struct Visit {
    app: App,
    org_id: String,
    language: Language,
    jar: CookieJar,
    contact: Option<Contact>,
}

impl Visit {
    async fn new(
        app: App,
        org_id: String,
        lang: Option<&str>,
        jar: CookieJar,
        headers: &HeaderMap,
    ) -> Result<Self, Response> {
        let language = LanguagePreference::read(lang, &jar, headers).resolve(None);
        let contact = match cookies::session_cookie(&jar, CONTACT_SESSION) {
            Some(token) => app.contact_visit(&org_id, &token).await.map_err(failure)?,
            None => None,
        };
        Ok(Self {
            app,
            org_id,
            language,
            jar,
            contact,
        })
    }

    fn sign_in_page(self, email: String, code_sent: bool, notice: Option<Notice>) -> Response {
        let t = Texts(self.language);
        let (jar, csrf) = cookies::csrf_token(self.jar);
        let page = SignInPage {
            frame: Frame::new(self.language, t.get("helpdesk-signin-title"), String::new()),
            org_id: self.org_id,
            csrf,
            notice,
            email,
            code_sent,
        };
        (jar, render(StatusCode::OK, &page)).into_response()
    }

    async fn account_page(self, contact: Contact, notice: Option<Notice>) -> Response {
        let t = Texts(self.language);
        let tickets = match self.app.contact_tickets(&contact).await {
            Ok(list) => list
                .into_iter()
                .map(|v| {
                    (
                        v.subject.unwrap_or_default(),
                        t.get(&format!("app-ticket-state-{}", v.state)),
                    )
                })
                .collect(),
            Err(error) => return failure(error),
        };
        let (jar, csrf) = cookies::csrf_token(self.jar);
        let page = AccountPage {
            frame: Frame::new(
                self.language,
                t.get("helpdesk-account-title"),
                String::new(),
            ),
            org_id: self.org_id,
            csrf,
            notice,
            tickets,
            general: contact.role == ContactRole::General.as_str(),
        };
        (jar, render(StatusCode::OK, &page)).into_response()
    }

    fn csrf_ok(&self, submitted: &str) -> bool {
        cookies::csrf_matches(&self.jar, submitted)
    }

    /// After a contact's action: back to the account page (with `query`), or the page
    /// again with what to fix.
    async fn after(self, contact: Contact, result: Result<(), AppError>, query: &str) -> Response {
        match result {
            Ok(()) => self.back(query),
            Err(AppError::Invalid(problems)) => {
                self.account_page(contact, Notice::error(problems.join("; ")))
                    .await
            }
            Err(error) => failure(error),
        }
    }

    fn back(&self, query: &str) -> Response {
        Redirect::to(&format!("/helpdesk/{}/account{query}", self.org_id)).into_response()
    }
}

fn failure(error: AppError) -> Response {
    tracing::error!(%error, "contact portal request failed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

async fn account(
    State(app): State<App>,
    Path(org_id): Path<String>,
    Query(query): Query<AccountQuery>,
    jar: CookieJar,
    headers: HeaderMap,
) -> Response {
    let visit = match Visit::new(app, org_id, query.lang.as_deref(), jar, &headers).await {
        Ok(visit) => visit,
        Err(response) => return response,
    };
    let t = Texts(visit.language);
    match visit.contact.clone() {
        Some(contact) => {
            let notice = query
                .added
                .and_then(|_| Notice::success(t.get("helpdesk-colleague-added")));
            visit.account_page(contact, notice).await
        }
        None => visit.sign_in_page(String::new(), false, None),
    }
}

async fn send_code(
    State(app): State<App>,
    Path(org_id): Path<String>,
    jar: CookieJar,
    headers: HeaderMap,
    Form(form): Form<AccountForm>,
) -> Response {
    let visit = match Visit::new(app, org_id, None, jar, &headers).await {
        Ok(visit) => visit,
        Err(response) => return response,
    };
    let t = Texts(visit.language);
    if !visit.csrf_ok(&form.csrf) {
        return visit.sign_in_page(
            form.email,
            false,
            Notice::error(t.get("portal-form-expired")),
        );
    }
    if let Err(error) = visit
        .app
        .request_contact_code(&visit.org_id, &form.email)
        .await
    {
        return failure(error);
    }
    // The same answer whether or not the address has an account.
    visit.sign_in_page(
        form.email,
        true,
        Notice::info(t.get("helpdesk-signin-sent")),
    )
}

async fn sign_in(
    State(app): State<App>,
    Path(org_id): Path<String>,
    jar: CookieJar,
    headers: HeaderMap,
    Form(form): Form<AccountForm>,
) -> Response {
    let mut visit = match Visit::new(app, org_id, None, jar, &headers).await {
        Ok(visit) => visit,
        Err(response) => return response,
    };
    let t = Texts(visit.language);
    if !visit.csrf_ok(&form.csrf) {
        return visit.sign_in_page(
            form.email,
            true,
            Notice::error(t.get("portal-form-expired")),
        );
    }
    match visit
        .app
        .contact_sign_in(&visit.org_id, &form.email, &form.code)
        .await
    {
        Ok(Some(token)) => {
            visit.jar = cookies::with_session_cookie(
                std::mem::take(&mut visit.jar),
                CONTACT_SESSION,
                &token,
            );
            let back = visit.back("");
            (visit.jar, back).into_response()
        }
        Ok(None) => visit.sign_in_page(
            form.email,
            true,
            Notice::error(t.get("helpdesk-signin-refused")),
        ),
        Err(error) => failure(error),
    }
}

/// A posted form of a signed-in contact with this browser's token.
async fn signed_in(
    app: App,
    org_id: String,
    jar: CookieJar,
    headers: &HeaderMap,
    csrf: &str,
) -> Result<(Visit, Contact), Response> {
    let visit = Visit::new(app, org_id, None, jar, headers).await?;
    match visit.contact.clone() {
        Some(contact) if visit.csrf_ok(csrf) => Ok((visit, contact)),
        Some(_) => Err(StatusCode::FORBIDDEN.into_response()),
        None => Err(visit.back("")),
    }
}

async fn file_ticket(
    State(app): State<App>,
    Path(org_id): Path<String>,
    jar: CookieJar,
    headers: HeaderMap,
    Form(form): Form<AccountForm>,
) -> Response {
    let (visit, contact) = match signed_in(app, org_id, jar, &headers, &form.csrf).await {
        Ok(signed) => signed,
        Err(response) => return response,
    };
    let kind = crate::helpdesk::ticket_kind(&form.kind);
    let result = visit
        .app
        .contact_file_ticket(&contact, kind, &form.subject, &form.message)
        .await
        .map(|_| ());
    visit.after(contact, result, "").await
}

async fn add_colleague(
    State(app): State<App>,
    Path(org_id): Path<String>,
    jar: CookieJar,
    headers: HeaderMap,
    Form(form): Form<AccountForm>,
) -> Response {
    let (visit, contact) = match signed_in(app, org_id, jar, &headers, &form.csrf).await {
        Ok(signed) => signed,
        Err(response) => return response,
    };
    let role = ContactRole::parse(&form.role).unwrap_or(ContactRole::General);
    let result = visit
        .app
        .contact_add_colleague(&contact, &form.email, &form.name, role)
        .await
        .map(|_| ());
    visit.after(contact, result, "?added=1").await
}

async fn sign_out(
    State(app): State<App>,
    Path(org_id): Path<String>,
    jar: CookieJar,
    headers: HeaderMap,
    Form(form): Form<AccountForm>,
) -> Response {
    let (visit, _) = match signed_in(app, org_id, jar, &headers, &form.csrf).await {
        Ok(signed) => signed,
        Err(response) => return response,
    };
    if let Some(token) = cookies::session_cookie(&visit.jar, CONTACT_SESSION)
        && let Err(error) = visit.app.contact_sign_out(&token).await
    {
        return failure(error);
    }
    let jar = cookies::without_session_cookie(visit.jar.clone(), CONTACT_SESSION);
    (jar, visit.back("")).into_response()
}
