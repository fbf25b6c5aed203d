//! The compose page: one form (multipart, so files can come along) that is shown again with
//! the questions the send raises: identity checks for new external recipients, look-alike
//! addresses, a first message with personal data. Then the message goes, with a few seconds
//! to undo.

use askama::Template;
use axum::Router;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use futures::StreamExt;
use std::collections::HashMap;
use zegel_app::{
    App, AppError, ComposeReview, FormFileInfo, RecipientInput, SendRequest, StaffVisit,
    UNDO_SECONDS, UndoneMessage, VerificationInput,
};
use zegel_domain::EmailAddress;

use super::{Frame, Notice, StaffRequest, to_sign_in};
use crate::portal::pages::human_size;

pub fn routes() -> Router<App> {
    Router::new().route(
        "/app/compose",
        get(compose_page)
            .post(compose)
            .layer(axum::extract::DefaultBodyLimit::disable()),
    )
}

/// The identity check asked for one new external recipient.
pub struct CheckField {
    pub index: usize,
    pub email: String,
    pub method: String,
    pub phone: String,
}

#[derive(Template)]
#[template(path = "app/compose.html")]
pub struct ComposePage {
    pub frame: Frame,
    pub notice: Option<Notice>,
    pub problems: Vec<String>,
    pub to: String,
    pub cc: String,
    pub bcc: String,
    pub subject: String,
    pub body: String,
    pub expires_in_days: String,
    pub max_days: u32,
    pub expiry_hint: String,
    pub secure: bool,
    pub banner: String,
    pub suggestions: Vec<String>,
    pub draft_id: String,
    pub files: Vec<String>,
    pub checks: Vec<CheckField>,
    pub warnings: Vec<String>,
    /// (mailbox id or empty for oneself, label, chosen): only when the user has mailboxes.
    pub from_options: Vec<(String, String, bool)>,
    pub methods: Vec<String>,
}

/// The form as posted; text fields by name, files already stored in the draft.
#[derive(Default)]
struct PostedCompose {
    fields: HashMap<String, String>,
    draft_id: Option<String>,
    file_problem: Option<String>,
}

impl PostedCompose {
    fn get(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }
}

/// Splits "a@x.nl, b@y.nl; c@z.nl" into addresses, keeping what does not parse for a message.
fn addresses(text: &str) -> (Vec<EmailAddress>, Vec<String>) {
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for part in text
        .split([',', ';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match EmailAddress::parse(part) {
            Ok(address) => good.push(address),
            Err(_) => bad.push(part.to_owned()),
        }
    }
    (good, bad)
}

fn joined(list: &[String]) -> String {
    list.join(", ")
}

async fn empty_form(request: &StaffRequest, visit: &StaffVisit) -> Result<ComposeFill, AppError> {
    let (default_days, _) = request.app.expiry_policy(&visit.user).await?;
    Ok(ComposeFill {
        expires_in_days: default_days.to_string(),
        secure: true,
        ..ComposeFill::default()
    })
}

/// What the form shows in its fields.
#[derive(Default)]
struct ComposeFill {
    to: String,
    cc: String,
    bcc: String,
    subject: String,
    body: String,
    expires_in_days: String,
    secure: bool,
    draft_id: String,
    /// A shared mailbox id to send as; empty: as oneself.
    from: String,
}

impl From<UndoneMessage> for ComposeFill {
    fn from(undone: UndoneMessage) -> Self {
        Self {
            to: joined(&undone.to),
            cc: joined(&undone.cc),
            bcc: joined(&undone.bcc),
            subject: undone.subject,
            body: undone.body,
            secure: true,
            ..Self::default()
        }
    }
}

/// Renders the compose page with what is filled in and what must be answered.
async fn show(
    mut request: StaffRequest,
    visit: &StaffVisit,
    fill: ComposeFill,
    review: Option<(&ComposeReview, &PostedCompose)>,
    notice: Option<Notice>,
    problems: Vec<String>,
) -> Response {
    let app = request.app.clone();
    let user = &visit.user;
    let (max_days, suggestions) = match (
        app.expiry_policy(user).await,
        app.address_suggestions(user).await,
    ) {
        (Ok((_, max)), Ok(list)) => (max, list),
        (Err(error), _) | (_, Err(error)) => return request.failure(error),
    };
    let (mailboxes, methods) = match (
        app.sender_mailboxes(user).await,
        app.allowed_checks(user).await,
    ) {
        (Ok(mailboxes), Ok(methods)) => (mailboxes, methods),
        (Err(error), _) | (_, Err(error)) => return request.failure(error),
    };
    let from_options = if mailboxes.is_empty() {
        Vec::new()
    } else {
        std::iter::once((
            String::new(),
            format!("{} <{}>", user.display_name, user.email),
        ))
        .chain(
            mailboxes
                .into_iter()
                .map(|m| (m.id, format!("{} <{}>", m.display_name, m.email))),
        )
        .map(|(id, label)| {
            let chosen = id == fill.from;
            (id, label, chosen)
        })
        .collect()
    };
    let methods: Vec<String> = methods.iter().map(|m| m.as_str().to_owned()).collect();
    let t = request.texts();
    let files = if fill.draft_id.is_empty() {
        Vec::new()
    } else {
        match app.draft_files(user, &fill.draft_id).await {
            Ok(list) => list
                .iter()
                .map(|f| format!("{} ({})", f.file_name, human_size(f.size, request.language)))
                .collect(),
            Err(error) => return request.failure(error),
        }
    };
    let (checks, warnings, banner) = match review {
        Some((review, posted)) => (
            check_fields(review, posted, &methods),
            warning_texts(&t, review),
            if review.personal_data.is_empty() {
                t.get("app-secure-on")
            } else {
                t.with(
                    "app-secure-on-personal-data",
                    "found",
                    &review.personal_data.join(", "),
                )
            },
        ),
        None => (Vec::new(), Vec::new(), t.get("app-secure-on")),
    };
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ComposePage {
        frame: request.frame(t.get("app-compose-title"), "compose"),
        notice,
        problems,
        to: fill.to,
        cc: fill.cc,
        bcc: fill.bcc,
        subject: fill.subject,
        body: fill.body,
        expires_in_days: fill.expires_in_days,
        max_days,
        expiry_hint: t.count("app-expiry-hint", "max", i64::from(max_days)),
        secure: fill.secure,
        banner,
        suggestions,
        draft_id: fill.draft_id,
        files,
        checks,
        warnings,
        from_options,
        methods,
    };
    request.page(status, &page)
}

/// The identity-check questions; a fresh one starts at the first method the organisation
/// allows.
fn check_fields(
    review: &ComposeReview,
    posted: &PostedCompose,
    methods: &[String],
) -> Vec<CheckField> {
    review
        .needs_check
        .iter()
        .enumerate()
        .map(|(index, email)| {
            let earlier = posted_check_index(posted, email);
            let value = |name: &str| {
                earlier
                    .map(|i| posted.get(&format!("{name}_{i}")))
                    .unwrap_or_default()
            };
            let method = value("method");
            CheckField {
                index,
                email: email.clone(),
                method: if method.is_empty() {
                    methods.first().cloned().unwrap_or_default()
                } else {
                    method
                },
                phone: value("phone"),
            }
        })
        .collect()
}

fn warning_texts(t: &zegel_i18n::Texts, review: &ComposeReview) -> Vec<String> {
    let mut warnings: Vec<String> = review
        .lookalikes
        .iter()
        .map(|(email, known)| {
            zegel_i18n::text_with(
                t.language(),
                "app-warn-typo",
                &[("email", email), ("known", known)],
            )
        })
        .collect();
    warnings.extend(
        review
            .first_personal_data
            .iter()
            .map(|email| t.with("app-warn-first-sensitive", "email", email)),
    );
    warnings
}

/// The index under which the form last asked about `email`, if it did.
fn posted_check_index(posted: &PostedCompose, email: &str) -> Option<usize> {
    (0..100).find(|i| {
        posted
            .fields
            .get(&format!("check_{i}"))
            .is_some_and(|e| e == email)
    })
}

/// The identity check the sender chose for a new recipient, if the form asked.
fn chosen_check(posted: &PostedCompose, email: &str) -> Option<VerificationInput> {
    let i = posted_check_index(posted, email)?;
    let field = |name: &str| posted.get(&format!("{name}_{i}"));
    Some(match field("method").as_str() {
        "sms" => VerificationInput::Sms {
            phone: Some(field("phone")),
        },
        "access_code" => VerificationInput::AccessCode {
            access_code: Some(field("access")),
        },
        _ => VerificationInput::EmailCode,
    })
}

async fn compose_page(request: StaffRequest) -> Response {
    let Some(visit) = request.signed_in() else {
        return to_sign_in();
    };
    match empty_form(&request, &visit).await {
        Ok(fill) => show(request, &visit, fill, None, None, Vec::new()).await,
        Err(error) => request.failure(error),
    }
}

/// Reads the multipart form: the CSRF token first, then fields; files go into the draft.
async fn read_form(
    app: &App,
    visit: &StaffVisit,
    request_length: u64,
    mut form: Multipart,
    csrf_ok: impl Fn(&str) -> bool,
) -> Result<PostedCompose, ()> {
    let mut posted = PostedCompose::default();
    let mut trusted = false;
    while let Ok(Some(mut field)) = form.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        if !trusted {
            if name == "csrf" && csrf_ok(&field.text().await.unwrap_or_default()) {
                trusted = true;
                continue;
            }
            return Err(());
        }
        if name != "files" {
            let text = field.text().await.unwrap_or_default();
            if name == "draft_id" && !text.is_empty() {
                posted.draft_id = Some(text.clone());
            }
            posted.fields.insert(name, text);
            continue;
        }
        let file_name = field.file_name().unwrap_or_default().to_owned();
        if file_name.is_empty() || posted.file_problem.is_some() {
            continue;
        }
        let draft_id = match &posted.draft_id {
            Some(id) => id.clone(),
            None => match app.create_draft(&visit.user).await {
                Ok(draft) => {
                    posted.draft_id = Some(draft.id.clone());
                    draft.id
                }
                Err(_) => {
                    posted.file_problem = Some(file_name);
                    continue;
                }
            },
        };
        let content_type = field.content_type().map(str::to_owned);
        let stream = (&mut field).map(|piece| piece.map_err(|e| e.to_string()));
        let info = FormFileInfo {
            file_name: &file_name,
            content_type: content_type.as_deref(),
            at_most: request_length,
        };
        if app
            .draft_form_file(&visit.user, &draft_id, info, Box::pin(stream))
            .await
            .is_err()
        {
            posted.file_problem = Some(file_name);
        }
    }
    if trusted { Ok(posted) } else { Err(()) }
}

async fn compose(request: StaffRequest, body: Request) -> Response {
    let Some(visit) = request.signed_in() else {
        return to_sign_in();
    };
    let request_length = body
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(u64::MAX);
    let form = match Multipart::from_request(body, &request.app).await {
        Ok(form) => form,
        Err(rejection) => return rejection.into_response(),
    };
    let jar = request.jar.clone();
    let csrf_ok = |token: &str| crate::cookies::csrf_matches(&jar, token);
    let Ok(posted) = read_form(&request.app, &visit, request_length, form, csrf_ok).await else {
        let notice = Notice::error(request.texts().get("app-form-expired"));
        return match empty_form(&request, &visit).await {
            Ok(fill) => show(request, &visit, fill, None, notice, Vec::new()).await,
            Err(error) => request.failure(error),
        };
    };
    send_posted(request, visit, posted).await
}

async fn send_posted(request: StaffRequest, visit: StaffVisit, posted: PostedCompose) -> Response {
    let t = request.texts();
    let fill = ComposeFill {
        to: posted.get("to"),
        cc: posted.get("cc"),
        bcc: posted.get("bcc"),
        subject: posted.get("subject"),
        body: posted.get("body"),
        expires_in_days: posted.get("expires_in_days"),
        secure: posted.get("secure") == "on",
        draft_id: posted.draft_id.clone().unwrap_or_default(),
        from: posted.get("from"),
    };
    let mut problems = Vec::new();
    let (to, bad_to) = addresses(&fill.to);
    let (cc, bad_cc) = addresses(&fill.cc);
    let (bcc, bad_bcc) = addresses(&fill.bcc);
    for bad in bad_to.iter().chain(&bad_cc).chain(&bad_bcc) {
        problems.push(t.with("app-problem-bad-address", "address", bad));
    }
    if to.is_empty() && bad_to.is_empty() {
        problems.push(t.get("app-problem-no-to"));
    }
    if fill.subject.trim().is_empty() {
        problems.push(t.get("app-problem-no-subject"));
    }
    let (_, max_days) = match request.app.expiry_policy(&visit.user).await {
        Ok(policy) => policy,
        Err(error) => return request.failure(error),
    };
    let days = fill
        .expires_in_days
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|d| (1..=max_days).contains(d));
    if days.is_none() {
        problems.push(t.with("app-problem-expiry", "max", &max_days.to_string()));
    }
    if let Some(name) = &posted.file_problem {
        problems.push(t.with("portal-file-failed", "file", name));
    }
    let everyone: Vec<EmailAddress> = to.iter().chain(&cc).chain(&bcc).cloned().collect();
    let text = format!("{}\n{}", fill.subject, fill.body);
    let review = match request
        .app
        .review_compose(&visit.user, &everyone, &text)
        .await
    {
        Ok(review) => review,
        Err(error) => return request.failure(error),
    };
    // Personal data for someone outside switches secure sending on; a sender who had it off
    // sees the switch before anything goes.
    let mut fill = fill;
    let switched_on = review.secure_required && !fill.secure;
    if review.secure_required {
        fill.secure = true;
    }
    let unanswered = review
        .needs_check
        .iter()
        .any(|email| chosen_check(&posted, email).is_none());
    let unconfirmed = review.has_warnings() && posted.get("confirmed") != "1";
    if !problems.is_empty() || unanswered || unconfirmed || switched_on {
        return show(
            request,
            &visit,
            fill,
            Some((&review, &posted)),
            None,
            problems,
        )
        .await;
    }
    let input = |address: &EmailAddress| RecipientInput {
        email: address.to_string(),
        verification: chosen_check(&posted, address.as_str()),
        language: None,
    };
    let send = SendRequest {
        subject: fill.subject.clone(),
        body: fill.body.clone(),
        to: to.iter().map(input).collect(),
        cc: cc.iter().map(input).collect(),
        bcc: bcc.iter().map(input).collect(),
        expires_in_days: days,
        secure: Some(fill.secure),
        confirm_unsecured: false,
        draft_id: posted.draft_id.clone(),
        hold_seconds: Some(UNDO_SECONDS),
        mailbox_id: Some(fill.from.clone()).filter(|id| !id.is_empty()),
    };
    match request.app.send_message(&visit.user, send).await {
        Ok(sent) => {
            if !review.personal_data.is_empty() {
                let emails: Vec<String> = everyone.iter().map(|a| a.to_string()).collect();
                if let Err(error) = request
                    .app
                    .note_personal_data_sent(&visit.user, &emails)
                    .await
                {
                    tracing::warn!(%error, "could not note the first personal data sent");
                }
            }
            Redirect::to(&format!("/app/sent/{}", sent.id)).into_response()
        }
        Err(AppError::Invalid(problems)) => {
            show(
                request,
                &visit,
                fill,
                Some((&review, &posted)),
                None,
                problems,
            )
            .await
        }
        Err(AppError::Conflict(problem)) | Err(AppError::TooLarge(problem)) => {
            show(
                request,
                &visit,
                fill,
                Some((&review, &posted)),
                None,
                vec![problem],
            )
            .await
        }
        Err(error) => request.failure(error),
    }
}

/// The compose form filled in again with a message taken back by Undo.
pub async fn show_undone(
    request: StaffRequest,
    visit: &StaffVisit,
    undone: UndoneMessage,
) -> Response {
    let t = request.texts();
    let mut text = t.get("app-undone");
    if undone.had_files {
        text.push(' ');
        text.push_str(&t.get("app-undone-files"));
    }
    let mut fill = ComposeFill::from(undone);
    if let Ok((default_days, _)) = request.app.expiry_policy(&visit.user).await {
        fill.expires_in_days = default_days.to_string();
    }
    show(
        request,
        visit,
        fill,
        None,
        Notice::success(text),
        Vec::new(),
    )
    .await
}
