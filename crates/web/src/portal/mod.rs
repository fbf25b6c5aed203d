//! The recipient portal under `/m/{link}`: pages that work without JavaScript, in Dutch and
//! English. A GET only ever shows; codes are sent and checked only on a POST with a valid
//! CSRF token.

mod files;
pub(crate) mod pages;

pub use pages::render as render_page;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use zegel_app::{App, AppError, CodeRequestOutcome, Landing, PortalError, ReadView, VerifyOutcome};
use zegel_domain::{Language, VerificationMethod};
use zegel_i18n::{Texts, format_date};

use crate::cookies::{self, csrf_token};
use crate::language::LanguagePreference;
use pages::{FileLink, Frame, LandingPage, MessagePage, Notice, NoticePage, ReplyBlock, render};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/m/{link}", get(show))
        .route("/m/{link}/code", post(send_code))
        .route("/m/{link}/verify", post(verify))
        .route(
            "/m/{link}/reply",
            post(files::reply).layer(DefaultBodyLimit::disable()),
        )
        .route("/m/{link}/files/{attachment_id}", get(files::download))
        .route("/m/{link}/wrong-number", post(wrong_number))
        .route("/m/{link}/message.eml", get(download_copy))
        .route("/static/portal.css", get(stylesheet))
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    lang: Option<String>,
    replied: Option<String>,
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

#[derive(Deserialize)]
struct ReplyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
}

/// What every portal response needs: the app, the link, the language wishes and cookies.
struct Visit {
    app: App,
    link: String,
    preference: LanguagePreference,
    jar: CookieJar,
}

impl Visit {
    fn new(
        app: App,
        link: String,
        query_lang: Option<&str>,
        jar: CookieJar,
        headers: &HeaderMap,
    ) -> Self {
        let preference = LanguagePreference::read(query_lang, &jar, headers);
        let jar = match query_lang.and_then(Language::from_tag) {
            Some(chosen) => cookies::with_language(jar, chosen.code()),
            None => jar,
        };
        Self {
            app,
            link,
            preference,
            jar,
        }
    }

    /// A form post: only with the CSRF token of this browser's own cookie; otherwise nothing
    /// is done and the answer says the page was open too long.
    fn posted(
        app: App,
        link: String,
        jar: CookieJar,
        headers: &HeaderMap,
        csrf: &str,
    ) -> Result<Self, Box<Response>> {
        let visit = Self::new(app, link, None, jar, headers);
        if cookies::csrf_matches(&visit.jar, csrf) {
            Ok(visit)
        } else {
            Err(Box::new(visit.form_expired()))
        }
    }

    fn respond(self, status: StatusCode, page: &impl askama::Template) -> Response {
        (self.jar, render(status, page)).into_response()
    }

    /// The landing page, with an optional notice, for a link that is still usable.
    async fn landing(
        self,
        notice: impl FnOnce(&Texts, &Landing) -> Option<Notice>,
        draft: Option<String>,
    ) -> Response {
        let landing = match self.app.landing(&self.link).await {
            Ok(landing) => landing,
            Err(error) => return self.failure(error),
        };
        let language = self.preference.resolve(Some(landing.language));
        let t = Texts(language);
        let notice = notice(&t, &landing);
        let (jar, csrf) = csrf_token(self.jar);
        let access_code = landing.method == VerificationMethod::AccessCode;
        let sms = landing.method == VerificationMethod::Sms;
        // A masked number or address reads best on one line, even on a narrow phone.
        let destination = landing.destination.replace(' ', "\u{a0}");
        let explain = match landing.method {
            VerificationMethod::AccessCode => {
                t.with("portal-access-code-explain", "sender", &landing.sender_name)
            }
            VerificationMethod::Sms => t.with("portal-sms-explain", "phone", &destination),
            VerificationMethod::EmailCode => {
                t.with("portal-email-code-explain", "email", &destination)
            }
        };
        let (code_label, check_hint) = if sms {
            (t.get("portal-sms-code-label"), t.get("portal-sms-check"))
        } else {
            (t.get("portal-code-label"), t.get("portal-check-spam"))
        };
        let page = LandingPage {
            frame: Frame::new(
                language,
                t.get("portal-title"),
                t.with("portal-footer", "organisation", &landing.organisation),
            )
            .with_brand(&landing.org_id, &landing.brand, &landing.organisation),
            intro: zegel_i18n::text_with(
                language,
                "portal-from",
                &[
                    ("sender", &landing.sender_name),
                    ("organisation", &landing.organisation),
                ],
            ),
            link: self.link,
            csrf,
            explain,
            access_code,
            sms,
            code_label,
            check_hint,
            show_code_form: landing.has_live_code || notice.is_some(),
            notice,
            draft,
        };
        (jar, render(StatusCode::OK, &page)).into_response()
    }

    fn message(self, view: ReadView, notice: Option<Notice>, draft: String) -> Response {
        let language = self.preference.resolve(Some(view.language));
        let t = Texts(language);
        let (jar, csrf) = csrf_token(self.jar);
        let files = |list: &[zegel_app::AttachmentInfo]| {
            list.iter()
                .map(|a| FileLink::new(&self.link, a, language))
                .collect::<Vec<_>>()
        };
        let replies = view
            .replies
            .iter()
            .map(|r| ReplyBlock {
                heading: t.with(
                    "portal-your-reply",
                    "date",
                    &format_date(language, r.created_at),
                ),
                body: r.body.clone(),
                files: files(&r.attachments),
            })
            .collect();
        let attachments = files(&view.attachments);
        let page = MessagePage {
            frame: Frame::new(
                language,
                view.subject.clone(),
                t.with("portal-footer", "organisation", &view.organisation),
            )
            .with_brand(&view.org_id, &view.brand, &view.organisation),
            link: self.link,
            csrf,
            subject: view.subject,
            sender: format!("{} ({})", view.sender_name, view.organisation),
            body: view.body,
            expires: t.with(
                "portal-message-expires",
                "date",
                &format_date(language, view.expires_at),
            ),
            attachments,
            replies,
            notice,
            draft,
        };
        (jar, render(StatusCode::OK, &page)).into_response()
    }

    /// A download for a verified session: `fetch` gets it and `respond` sends it; without a
    /// (live) session the recipient sees the landing page, other failures their page.
    async fn verified_download<T, Fetched>(
        self,
        fetch: impl FnOnce(App, String, String) -> Fetched,
        respond: impl FnOnce(T) -> Response,
    ) -> Response
    where
        Fetched: std::future::Future<Output = Result<T, PortalError>>,
    {
        let Some(session) = cookies::session(&self.jar) else {
            return self.landing(|_, _| None, None).await;
        };
        match fetch(self.app.clone(), self.link.clone(), session).await {
            Ok(found) => respond(found),
            Err(PortalError::NeedsVerification | PortalError::SessionEnded) => {
                self.landing(|_, _| None, None).await
            }
            Err(error) => self.failure(error),
        }
    }

    /// The page for a link or session that cannot go on. Before verification the answer
    /// is the same for every unusable link.
    fn failure(self, error: PortalError) -> Response {
        let language = self.preference.resolve(None);
        let t = Texts(language);
        let (status, page) = match error {
            PortalError::Expired { sender_name } => (
                StatusCode::GONE,
                NoticePage::new(
                    language,
                    "portal-expired-title",
                    t.with("portal-expired", "sender", &sender_name),
                ),
            ),
            PortalError::Revoked { sender_name } => (
                StatusCode::GONE,
                NoticePage::new(
                    language,
                    "portal-revoked-title",
                    t.with("portal-revoked", "sender", &sender_name),
                ),
            ),
            PortalError::App(AppError::Internal(detail)) => {
                tracing::error!(error = %detail, "portal request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    NoticePage::new(language, "error-internal-title", t.get("error-internal")),
                )
            }
            _ => (
                StatusCode::NOT_FOUND,
                NoticePage::new(
                    language,
                    "portal-unavailable-title",
                    t.get("portal-unavailable"),
                ),
            ),
        };
        self.respond(status, &page)
    }

    /// The landing page saying the session ended, keeping an unsent reply visible.
    async fn session_ended(self, draft: Option<String>) -> Response {
        self.landing(|t, _| Notice::info(t.get("portal-session-ended")), draft)
            .await
    }

    /// A form whose CSRF token does not match: nothing was done; offer the way back.
    fn form_expired(self) -> Response {
        let language = self.preference.resolve(None);
        let mut page = NoticePage::new(
            language,
            "portal-title",
            Texts(language).get("portal-form-expired"),
        );
        page.back = Some(format!("/m/{}", self.link));
        self.respond(StatusCode::FORBIDDEN, &page)
    }
}

async fn show(
    State(app): State<App>,
    Path(link): Path<String>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
    jar: CookieJar,
) -> Response {
    let visit = Visit::new(app, link, query.lang.as_deref(), jar, &headers);
    let Some(session) = cookies::session(&visit.jar) else {
        return visit.landing(|_, _| None, None).await;
    };
    match visit.app.read(&visit.link, &session).await {
        Ok(view) => {
            let replied = query.replied.is_some().then(|| {
                let t = Texts(visit.preference.resolve(Some(view.language)));
                t.with("portal-reply-sent", "sender", &view.sender_name)
            });
            visit.message(view, replied.and_then(Notice::success), String::new())
        }
        Err(PortalError::NeedsVerification) => visit.landing(|_, _| None, None).await,
        Err(PortalError::SessionEnded) => visit.session_ended(None).await,
        Err(error) => visit.failure(error),
    }
}

async fn send_code(
    State(app): State<App>,
    Path(link): Path<String>,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Response {
    let visit = match Visit::posted(app, link, jar, &headers, &form.csrf) {
        Ok(visit) => visit,
        Err(refused) => return *refused,
    };
    let outcome = match visit.app.request_code(&visit.link).await {
        Ok(outcome) => outcome,
        Err(error) => return visit.failure(error),
    };
    visit
        .landing(
            move |t, landing| match outcome {
                CodeRequestOutcome::Sent { destination }
                    if landing.method == VerificationMethod::Sms =>
                {
                    Notice::success(t.with("portal-sms-sent", "phone", &destination))
                }
                CodeRequestOutcome::Sent { destination } => {
                    Notice::success(t.with("portal-code-sent", "email", &destination))
                }
                CodeRequestOutcome::RecentlySent { .. } => {
                    Notice::info(t.get("portal-code-recent"))
                }
                CodeRequestOutcome::Capped => Notice::error(t.get("portal-sms-capped")),
                CodeRequestOutcome::NotApplicable => None,
                CodeRequestOutcome::Wait { minutes } => {
                    Notice::error(t.count("portal-wait", "minutes", minutes))
                }
                CodeRequestOutcome::Locked { sender_name } => {
                    Notice::error(t.with("portal-locked", "sender", &sender_name))
                }
            },
            None,
        )
        .await
}

async fn verify(
    State(app): State<App>,
    Path(link): Path<String>,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<CodeForm>,
) -> Response {
    let visit = match Visit::posted(app, link, jar, &headers, &form.csrf) {
        Ok(visit) => visit,
        Err(refused) => return *refused,
    };
    let outcome = match visit.app.verify(&visit.link, &form.code).await {
        Ok(VerifyOutcome::Verified(session)) => {
            let jar = cookies::with_session(visit.jar, &session);
            return (jar, Redirect::to(&format!("/m/{}", visit.link))).into_response();
        }
        Ok(outcome) => outcome,
        Err(error) => return visit.failure(error),
    };
    let explain = move |t: &Texts, _: &Landing| {
        Notice::error(match outcome {
            VerifyOutcome::Verified(_) => unreachable!("handled above"),
            VerifyOutcome::WrongCode => t.get("portal-wrong-code"),
            VerifyOutcome::CodeExpired => t.get("portal-code-expired"),
            VerifyOutcome::NoCodeYet => t.get("portal-no-code-yet"),
            VerifyOutcome::Wait { minutes } => t.count("portal-wait", "minutes", minutes),
            VerifyOutcome::Locked { sender_name } => {
                t.with("portal-locked", "sender", &sender_name)
            }
        })
    };
    visit.landing(explain, None).await
}

async fn wrong_number(
    State(app): State<App>,
    Path(link): Path<String>,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Response {
    let visit = match Visit::posted(app, link, jar, &headers, &form.csrf) {
        Ok(visit) => visit,
        Err(refused) => return *refused,
    };
    match visit.app.report_wrong_number(&visit.link).await {
        Ok(sender) => {
            visit
                .landing(
                    move |t, _| {
                        Notice::success(t.with("portal-wrong-number-sent", "sender", &sender))
                    },
                    None,
                )
                .await
        }
        Err(error) => visit.failure(error),
    }
}

/// The recipient's own copy, for a verified session only.
async fn download_copy(
    State(app): State<App>,
    Path(link): Path<String>,
    headers: HeaderMap,
    jar: CookieJar,
) -> Response {
    Visit::new(app, link, None, jar, &headers)
        .verified_download(
            |app, link, session| async move { app.recipient_copy(&link, &session).await },
            |file| {
                (
                    [
                        (header::CONTENT_TYPE, "message/rfc822".to_owned()),
                        (
                            header::CONTENT_DISPOSITION,
                            crate::download::content_disposition(&file.name),
                        ),
                    ],
                    file.bytes,
                )
                    .into_response()
            },
        )
        .await
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/portal.css"),
    )
}
