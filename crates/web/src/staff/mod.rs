//! The staff web app under `/app`: sign in (password, then TOTP), compose, and follow sent
//! messages. Server-rendered pages that work without JavaScript, in Dutch and English; every
//! form carries the CSRF token of the browser's own cookie.

mod compose;
mod qr;
mod sent;
mod sign_in;
mod tickets;

use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, Query};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use zegel_app::{App, SessionStage, StaffVisit};
use zegel_domain::Language;
use zegel_i18n::Texts;

use crate::cookies;
use crate::language::LanguagePreference;
use crate::portal::render_page;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/app", get(|| async { Redirect::to("/app/sent") }))
        .route("/static/app.css", get(stylesheet))
        .merge(sign_in::routes())
        .merge(compose::routes())
        .merge(sent::routes())
        .merge(tickets::routes())
}

/// The box above a form: the portal's, so both faces show notices the same way.
pub use crate::portal::pages::Notice;

/// What every app page has: language, title, who is signed in, the CSRF token.
pub struct Frame {
    pub t: Texts,
    pub lang: &'static str,
    pub title: String,
    /// The signed-in user's name; `None` on the sign-in pages (no menu then).
    pub user: Option<String>,
    pub admin: bool,
    pub csrf: String,
    /// Which menu item is the current page.
    pub current: &'static str,
}

#[derive(Deserialize)]
struct LanguageQuery {
    lang: Option<String>,
}

/// One request to the app: its session (if any), the language and the cookies.
pub struct StaffRequest {
    pub app: App,
    pub jar: CookieJar,
    pub visit: Option<StaffVisit>,
    pub language: Language,
}

impl FromRequestParts<App> for StaffRequest {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let query_lang = Query::<LanguageQuery>::try_from_uri(&parts.uri)
            .ok()
            .and_then(|q| q.0.lang);
        let preference = LanguagePreference::read(query_lang.as_deref(), &jar, &parts.headers);
        let jar = match query_lang.as_deref().and_then(Language::from_tag) {
            Some(chosen) => cookies::with_language(jar, chosen.code()),
            None => jar,
        };
        let visit = match cookies::session_cookie(&jar, cookies::STAFF_SESSION) {
            Some(token) => app.staff_visit(&token).await.map_err(|error| {
                tracing::error!(%error, "staff session lookup failed");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            })?,
            None => None,
        };
        let setting = visit
            .as_ref()
            .and_then(|v| Language::from_tag(&v.user.language));
        Ok(Self {
            app: app.clone(),
            jar,
            visit,
            language: preference.resolve_for_staff(setting),
        })
    }
}

impl StaffRequest {
    pub fn texts(&self) -> Texts {
        Texts(self.language)
    }

    /// The signed-in visit; without one, answer with [`to_sign_in`].
    pub fn signed_in(&self) -> Option<StaffVisit> {
        self.visit
            .clone()
            .filter(|visit| visit.stage == SessionStage::SignedIn)
    }

    /// The page frame, with a CSRF token (made when the browser has none yet).
    pub fn frame(&mut self, title: String, current: &'static str) -> Frame {
        let (jar, csrf) = cookies::csrf_token(std::mem::take(&mut self.jar));
        self.jar = jar;
        let signed_in = self
            .visit
            .as_ref()
            .filter(|v| v.stage == SessionStage::SignedIn);
        Frame {
            t: self.texts(),
            lang: self.language.code(),
            title,
            user: signed_in.map(|v| v.user.display_name.clone()),
            admin: signed_in.is_some_and(StaffVisit::is_admin),
            csrf,
            current,
        }
    }

    /// A posted action: signed in and with this browser's CSRF token, else nothing happens.
    pub fn posted(&self, csrf: &str) -> Result<StaffVisit, Refused> {
        match self.signed_in() {
            Some(visit) if self.csrf_ok(csrf) => Ok(visit),
            Some(_) => Err(Refused::Forged),
            None => Err(Refused::SignedOut),
        }
    }

    /// Whether a posted form carries this browser's CSRF token.
    pub fn csrf_ok(&self, submitted: &str) -> bool {
        cookies::csrf_matches(&self.jar, submitted)
    }

    pub fn page(self, status: StatusCode, page: &impl Template) -> Response {
        (self.jar, render_page(status, page)).into_response()
    }

    /// For an error the person cannot fix: logged, and a plain page.
    pub fn failure(self, error: zegel_app::AppError) -> Response {
        match error {
            zegel_app::AppError::NotFound => StatusCode::NOT_FOUND.into_response(),
            zegel_app::AppError::Unauthorized => Redirect::to("/app/sign-in").into_response(),
            other => {
                tracing::error!(error = %other, "staff app request failed");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        }
    }
}

/// Why a posted action was not done.
pub enum Refused {
    SignedOut,
    /// No or another browser's CSRF token.
    Forged,
    /// Signed in, but not an administrator: as if the page did not exist.
    NotAdmin,
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::SignedOut => to_sign_in(),
            Refused::Forged => StatusCode::FORBIDDEN.into_response(),
            Refused::NotAdmin => StatusCode::NOT_FOUND.into_response(),
        }
    }
}

/// Where a request without a signed-in session goes.
pub fn to_sign_in() -> Response {
    Redirect::to("/app/sign-in").into_response()
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.css"),
    )
}

/// The start of a day given as `2026-12-07` (UTC).
pub fn start_of_day(text: &str) -> Option<i64> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(text.trim(), &format).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp())
}
