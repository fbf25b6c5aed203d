//! Signing in and out: password, then a code from the authenticator app (or a recovery
//! code); the first time, setting the app up.

use askama::Template;
use axum::Router;
use axum::extract::Form;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use zegel_app::{App, EnrolOutcome, SessionStage, SignInOutcome};
use zegel_i18n::format_time;

use super::{Frame, Notice, StaffRequest, qr};
use crate::cookies;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/app/sign-in", get(sign_in_page).post(sign_in))
        .route("/app/sign-in/code", get(code_page).post(second_factor))
        .route("/app/enrol", get(enrol_page).post(enrol))
        .route("/app/sign-out", post(sign_out))
}

#[derive(Template)]
#[template(path = "app/sign_in.html")]
struct SignInPage {
    frame: Frame,
    email: String,
    notice: Option<Notice>,
    problems: Vec<String>,
}

#[derive(Template)]
#[template(path = "app/second_factor.html")]
struct CodePage {
    frame: Frame,
    notice: Option<Notice>,
    problems: Vec<String>,
}

#[derive(Template)]
#[template(path = "app/enrol.html")]
struct EnrolPage {
    frame: Frame,
    qr_svg: String,
    secret: String,
    notice: Option<Notice>,
    problems: Vec<String>,
}

#[derive(Template)]
#[template(path = "app/recovery_codes.html")]
struct RecoveryCodesPage {
    frame: Frame,
    codes: Vec<String>,
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

fn show_sign_in(mut request: StaffRequest, email: String, notice: Option<Notice>) -> Response {
    let t = request.texts();
    let status = if notice.as_ref().is_some_and(|n| n.kind == "error") {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = SignInPage {
        frame: request.frame(t.get("app-sign-in-title"), "sign-in"),
        email,
        notice,
        problems: Vec::new(),
    };
    request.page(status, &page)
}

async fn sign_in_page(request: StaffRequest) -> Response {
    if request.signed_in().is_some() {
        return Redirect::to("/app/compose").into_response();
    }
    show_sign_in(request, String::new(), None)
}

/// The message for a refused or locked step, or `None` when the step succeeded.
fn refusal(request: &StaffRequest, outcome: &SignInOutcome, refused_key: &str) -> Option<Notice> {
    let t = request.texts();
    match outcome {
        SignInOutcome::Session(..) => None,
        SignInOutcome::Refused => Notice::error(t.get(refused_key)),
        SignInOutcome::Locked { until } => {
            Notice::error(t.with("app-locked", "time", &format_time(request.language, *until)))
        }
    }
}

/// Sets the new session's cookie and goes to the page of its stage.
fn continue_session(request: StaffRequest, outcome: SignInOutcome) -> Response {
    let SignInOutcome::Session(token, stage) = outcome else {
        unreachable!("called for a session only");
    };
    let next = match stage {
        SessionStage::SecondFactor => "/app/sign-in/code",
        SessionStage::Enrol => "/app/enrol",
        SessionStage::SignedIn => "/app/compose",
    };
    let jar = cookies::with_session_cookie(request.jar, cookies::STAFF_SESSION, &token);
    (jar, Redirect::to(next)).into_response()
}

async fn sign_in(request: StaffRequest, Form(form): Form<SignInForm>) -> Response {
    if !request.csrf_ok(&form.csrf) {
        let text = request.texts().get("app-form-expired");
        return show_sign_in(request, form.email, Notice::error(text));
    }
    let outcome = match request.app.sign_in(&form.email, &form.password).await {
        Ok(outcome) => outcome,
        Err(error) => return request.failure(error),
    };
    match refusal(&request, &outcome, "app-sign-in-refused") {
        Some(notice) => show_sign_in(request, form.email, Some(notice)),
        None => continue_session(request, outcome),
    }
}

fn at_stage(request: &StaffRequest, stage: SessionStage) -> bool {
    request.visit.as_ref().is_some_and(|v| v.stage == stage)
}

fn show_code_page(mut request: StaffRequest, notice: Option<Notice>) -> Response {
    let t = request.texts();
    let status = if notice.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = CodePage {
        frame: request.frame(t.get("app-code-title"), "sign-in"),
        notice,
        problems: Vec::new(),
    };
    request.page(status, &page)
}

async fn code_page(request: StaffRequest) -> Response {
    if !at_stage(&request, SessionStage::SecondFactor) {
        return Redirect::to("/app/sign-in").into_response();
    }
    show_code_page(request, None)
}

async fn second_factor(request: StaffRequest, Form(form): Form<CodeForm>) -> Response {
    let Some(visit) = request
        .visit
        .clone()
        .filter(|v| v.stage == SessionStage::SecondFactor)
    else {
        return Redirect::to("/app/sign-in").into_response();
    };
    if !request.csrf_ok(&form.csrf) {
        let text = request.texts().get("app-form-expired");
        return show_code_page(request, Notice::error(text));
    }
    let outcome = match request.app.second_factor(&visit, &form.code).await {
        Ok(outcome) => outcome,
        Err(error) => return request.failure(error),
    };
    match refusal(&request, &outcome, "app-code-refused") {
        Some(notice) => show_code_page(request, Some(notice)),
        None => continue_session(request, outcome),
    }
}

async fn show_enrol_page(mut request: StaffRequest, notice: Option<Notice>) -> Response {
    let Some(visit) = request.visit.clone() else {
        return Redirect::to("/app/sign-in").into_response();
    };
    let enrolment = match request.app.enrolment(&visit).await {
        Ok(enrolment) => enrolment,
        Err(error) => return request.failure(error),
    };
    let t = request.texts();
    let status = if notice.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = EnrolPage {
        frame: request.frame(t.get("app-enrol-title"), "sign-in"),
        qr_svg: qr::svg(&enrolment.otpauth_url),
        secret: enrolment.secret_base32,
        notice,
        problems: Vec::new(),
    };
    request.page(status, &page)
}

async fn enrol_page(request: StaffRequest) -> Response {
    if !at_stage(&request, SessionStage::Enrol) {
        return Redirect::to("/app/sign-in").into_response();
    }
    show_enrol_page(request, None).await
}

async fn enrol(mut request: StaffRequest, Form(form): Form<CodeForm>) -> Response {
    let Some(visit) = request
        .visit
        .clone()
        .filter(|v| v.stage == SessionStage::Enrol)
    else {
        return Redirect::to("/app/sign-in").into_response();
    };
    let t = request.texts();
    if !request.csrf_ok(&form.csrf) {
        return show_enrol_page(request, Notice::error(t.get("app-form-expired"))).await;
    }
    match request.app.finish_enrolment(&visit, &form.code).await {
        Ok(EnrolOutcome::Done {
            session,
            recovery_codes,
        }) => {
            request.jar =
                cookies::with_session_cookie(request.jar, cookies::STAFF_SESSION, &session);
            request.visit = request
                .app
                .staff_visit(session.expose())
                .await
                .ok()
                .flatten();
            let page = RecoveryCodesPage {
                frame: request.frame(t.get("app-recovery-title"), "sign-in"),
                codes: recovery_codes,
            };
            request.page(StatusCode::OK, &page)
        }
        Ok(EnrolOutcome::Refused) => {
            show_enrol_page(request, Notice::error(t.get("app-code-refused"))).await
        }
        Ok(EnrolOutcome::Locked { until }) => {
            let text = t.with("app-locked", "time", &format_time(request.language, until));
            show_sign_in(request, String::new(), Notice::error(text))
        }
        Err(error) => request.failure(error),
    }
}

async fn sign_out(request: StaffRequest, Form(form): Form<CodeForm>) -> Response {
    if let Some(visit) = &request.visit
        && request.csrf_ok(&form.csrf)
        && let Err(error) = request.app.sign_out(visit).await
    {
        return request.failure(error);
    }
    let notice = Notice::success(request.texts().get("app-signed-out"));
    let mut request = request;
    request.jar = cookies::without_session_cookie(request.jar, cookies::STAFF_SESSION);
    request.visit = None;
    show_sign_in(request, String::new(), notice)
}
