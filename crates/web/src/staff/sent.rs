//! Sent messages: the list, one message with per-recipient progress, its thread and files,
//! and the sender's actions (undo in the first seconds, revoke, unlock a recipient).

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use zegel_app::{App, DeliveryStatus, MessageDetail, MessageSummary};
use zegel_i18n::{Texts, format_date, format_time};

use super::{Frame, Notice, StaffRequest, compose, to_sign_in};
use crate::download::attachment_response;
use crate::portal::pages::human_size;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/app/sent", get(list))
        .route("/app/sent/{id}", get(show))
        .route("/app/sent/{id}/revoke", post(revoke))
        .route("/app/sent/{id}/undo", post(undo))
        .route("/app/sent/{id}/unlock/{delivery_id}", post(unlock))
        .route(
            "/app/sent/{id}/revoke/{delivery_id}",
            post(revoke_recipient),
        )
        .route("/app/sent/{id}/end", post(end_access))
        .route("/app/sent/{id}/reply", post(reply_back))
        .route("/app/sent/{id}/files/{attachment_id}", get(download))
        .route("/app/sent/{id}/proof", get(proof))
}

pub struct Row {
    pub href: String,
    pub subject: String,
    pub recipients: String,
    pub sent: String,
    pub state: String,
    pub state_class: &'static str,
}

#[derive(Template)]
#[template(path = "app/sent_list.html")]
struct ListPage {
    frame: Frame,
    rows: Vec<Row>,
}

pub struct RecipientRow {
    pub delivery_id: String,
    pub email: String,
    pub notified: String,
    pub opened: String,
    pub downloaded: String,
    pub replied: String,
    pub locked: bool,
    pub revoked: bool,
    /// When the sender set this recipient's access to end later.
    pub ends: Option<String>,
}

pub struct ThreadLink {
    pub href: String,
    pub subject: String,
    pub sent: String,
    pub current: bool,
}

pub struct FileRow {
    pub href: String,
    pub name: String,
    pub size: String,
}

pub struct ReplyRow {
    pub heading: String,
    pub body: String,
}

#[derive(Template)]
#[template(path = "app/sent_message.html")]
struct MessagePage {
    frame: Frame,
    notice: Option<Notice>,
    problems: Vec<String>,
    id: String,
    subject: String,
    state: String,
    state_class: &'static str,
    live: bool,
    can_undo: bool,
    undo_text: String,
    body: Option<String>,
    recipients: Vec<RecipientRow>,
    files: Vec<FileRow>,
    replies: Vec<ReplyRow>,
    thread: Vec<ThreadLink>,
    /// The last day access can end on, for the date field.
    latest_end: String,
}

#[derive(Deserialize)]
struct EndForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    date: String,
}

#[derive(Deserialize)]
struct ReplyBackForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    delivery_id: String,
    #[serde(default)]
    body: String,
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

fn moment(t: &Texts, at: Option<i64>) -> String {
    at.map(|at| format_time(t.language(), at))
        .unwrap_or_else(|| t.get("app-not-yet"))
}

fn state_text(t: &Texts, summary: &MessageSummary) -> (String, &'static str) {
    match summary.state.as_str() {
        "revoked" => (t.get("app-state-revoked"), "state-revoked"),
        "expired" => (t.get("app-state-expired"), "state-expired"),
        _ => (
            t.with(
                "app-state-sent",
                "date",
                &format_date(t.language(), summary.expires_at),
            ),
            "state-sent",
        ),
    }
}

async fn list(mut request: StaffRequest) -> Response {
    let Some(visit) = request.signed_in() else {
        return to_sign_in();
    };
    let summaries = match request.app.list_sent(&visit.user, 200).await {
        Ok(list) => list,
        Err(error) => return request.failure(error),
    };
    let t = request.texts();
    let rows = summaries
        .iter()
        .map(|s| {
            let (state, state_class) = state_text(&t, s);
            Row {
                href: format!("/app/sent/{}", s.id),
                subject: s
                    .subject
                    .clone()
                    .unwrap_or_else(|| t.get("app-content-gone")),
                recipients: s
                    .recipients
                    .iter()
                    .filter(|r| r.kind != "bcc")
                    .map(|r| r.email.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                sent: format_time(t.language(), s.created_at),
                state,
                state_class,
            }
        })
        .collect();
    let page = ListPage {
        frame: request.frame(t.get("app-sent-title"), "sent"),
        rows,
    };
    request.page(StatusCode::OK, &page)
}

fn recipient_row(t: &Texts, r: &DeliveryStatus, now: i64) -> RecipientRow {
    RecipientRow {
        delivery_id: r.delivery_id.clone(),
        email: r.email.clone(),
        notified: moment(t, r.notified_at),
        opened: moment(t, r.opened_at),
        downloaded: moment(t, r.downloaded_at),
        replied: moment(t, r.replied_at),
        locked: r.locked,
        revoked: r.revoked_at.is_some_and(|at| at <= now),
        ends: r
            .revoked_at
            .filter(|at| *at > now)
            .map(|at| t.with("app-recipient-ends", "date", &format_time(t.language(), at))),
    }
}

async fn render_message(mut request: StaffRequest, id: &str, notice: Option<Notice>) -> Response {
    let Some(visit) = request.signed_in() else {
        return to_sign_in();
    };
    let detail: MessageDetail = match request.app.sent_message(&visit.user, id).await {
        Ok(detail) => detail,
        Err(error) => return request.failure(error),
    };
    let can_undo = request.app.can_undo(&visit.user, id).await.unwrap_or(false);
    let now = zegel_app::Clock::now(request.app.clock.as_ref());
    let thread = match request.app.thread_of(&visit.user, id).await {
        Ok(entries) if entries.len() > 1 => entries,
        Ok(_) => Vec::new(),
        Err(error) => return request.failure(error),
    };
    let latest_end = match request.app.expiry_policy(&visit.user).await {
        Ok((_, max_days)) => iso_date(detail.summary.created_at + i64::from(max_days) * 86_400),
        Err(error) => return request.failure(error),
    };
    let t = request.texts();
    let (state, state_class) = state_text(&t, &detail.summary);
    let files = detail
        .attachments
        .iter()
        .map(|a| FileRow {
            href: format!("/app/sent/{id}/files/{}", a.id),
            name: a.file_name.clone(),
            size: human_size(a.size, request.language),
        })
        .collect();
    let replies = detail
        .replies
        .iter()
        .map(|r| ReplyRow {
            heading: zegel_i18n::text_with(
                request.language,
                "app-reply-from",
                &[
                    ("email", &r.from),
                    ("date", &format_time(request.language, r.created_at)),
                ],
            ),
            body: r.body.clone().unwrap_or_else(|| t.get("app-content-gone")),
        })
        .collect();
    let page = MessagePage {
        frame: request.frame(
            detail
                .summary
                .subject
                .clone()
                .unwrap_or_else(|| t.get("app-message-title")),
            "sent",
        ),
        notice,
        problems: Vec::new(),
        id: id.to_owned(),
        subject: detail
            .summary
            .subject
            .clone()
            .unwrap_or_else(|| t.get("app-content-gone")),
        live: detail.summary.state == "sent",
        state,
        state_class,
        can_undo,
        undo_text: t.count(
            "app-sent-undo-explain",
            "seconds",
            i64::from(zegel_app::UNDO_SECONDS),
        ),
        body: detail.body.clone(),
        recipients: detail
            .summary
            .recipients
            .iter()
            .map(|r| recipient_row(&t, r, now))
            .collect(),
        files,
        replies,
        thread: thread
            .iter()
            .map(|entry| ThreadLink {
                href: format!("/app/sent/{}", entry.id),
                subject: entry
                    .subject
                    .clone()
                    .unwrap_or_else(|| t.get("app-content-gone")),
                sent: format_time(t.language(), entry.created_at),
                current: entry.id == id,
            })
            .collect(),
        latest_end,
    };
    request.page(StatusCode::OK, &page)
}

async fn show(request: StaffRequest, Path(id): Path<String>) -> Response {
    render_message(request, &id, None).await
}

async fn revoke(
    request: StaffRequest,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let visit = match request.posted(&form.csrf) {
        Ok(visit) => visit,
        Err(refused) => return refused.into_response(),
    };
    let notice = match request.app.revoke(&visit.user, &id).await {
        Ok(_) | Err(zegel_app::AppError::Conflict(_)) => {
            Notice::success(request.texts().get("app-revoked"))
        }
        Err(error) => return request.failure(error),
    };
    render_message(request, &id, notice).await
}

async fn undo(
    request: StaffRequest,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let visit = match request.posted(&form.csrf) {
        Ok(visit) => visit,
        Err(refused) => return refused.into_response(),
    };
    match request.app.undo_send(&visit.user, &id).await {
        Ok(Some(undone)) => compose::show_undone(request, &visit, undone).await,
        Ok(None) => {
            let notice = Notice::error(request.texts().get("app-undo-too-late"));
            render_message(request, &id, notice).await
        }
        Err(error) => request.failure(error),
    }
}

async fn unlock(
    request: StaffRequest,
    Path((id, delivery_id)): Path<(String, String)>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let visit = match request.posted(&form.csrf) {
        Ok(visit) => visit,
        Err(refused) => return refused.into_response(),
    };
    if let Err(error) = request
        .app
        .unlock_recipient(&visit.user, &id, &delivery_id)
        .await
    {
        return request.failure(error);
    }
    Redirect::to(&format!("/app/sent/{id}")).into_response()
}

async fn download(
    request: StaffRequest,
    Path((id, attachment_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let Some(visit) = request.signed_in() else {
        return to_sign_in();
    };
    match request
        .app
        .sender_attachment(&visit.user, &id, &attachment_id)
        .await
    {
        Ok(file) => attachment_response(file, &headers),
        Err(error) => request.failure(error),
    }
}

/// `2026-12-07` for a moment (UTC), as a date field takes it.
fn iso_date(unix: i64) -> String {
    let date = time::OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .date();
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// Ends one recipient's access now, or (with a date) at the start of that day.
async fn revoke_recipient(
    request: StaffRequest,
    Path((id, delivery_id)): Path<(String, String)>,
    Form(form): Form<EndForm>,
) -> Response {
    let visit = match request.posted(&form.csrf) {
        Ok(visit) => visit,
        Err(refused) => return refused.into_response(),
    };
    let app = &request.app;
    let result = match form.date.trim() {
        "" => app.revoke_recipient(&visit.user, &id, &delivery_id).await,
        date => match super::start_of_day(date) {
            Some(at) => {
                app.end_recipient_access(&visit.user, &id, &delivery_id, at)
                    .await
            }
            None => Err(zegel_app::AppError::Invalid(Vec::new())),
        },
    };
    match result {
        Ok(()) => Redirect::to(&format!("/app/sent/{id}")).into_response(),
        Err(zegel_app::AppError::Invalid(_)) => {
            let notice = Notice::error(request.texts().get("app-recipient-end-invalid"));
            render_message(request, &id, notice).await
        }
        Err(error) => request.failure(error),
    }
}

async fn end_access(
    request: StaffRequest,
    Path(id): Path<String>,
    Form(form): Form<EndForm>,
) -> Response {
    let visit = match request.posted(&form.csrf) {
        Ok(visit) => visit,
        Err(refused) => return refused.into_response(),
    };
    let t = request.texts();
    let result = match super::start_of_day(&form.date) {
        Some(at) => request.app.set_end_of_access(&visit.user, &id, at).await,
        None => Err(zegel_app::AppError::Invalid(vec![])),
    };
    let notice = match result {
        Ok(at) => {
            Notice::success(t.with("app-expiry-changed", "date", &format_time(t.language(), at)))
        }
        Err(zegel_app::AppError::Invalid(_)) | Err(zegel_app::AppError::Conflict(_)) => {
            Notice::error(t.get("app-end-date-invalid"))
        }
        Err(error) => return request.failure(error),
    };
    render_message(request, &id, notice).await
}

async fn reply_back(
    request: StaffRequest,
    Path(id): Path<String>,
    Form(form): Form<ReplyBackForm>,
) -> Response {
    let visit = match request.posted(&form.csrf) {
        Ok(visit) => visit,
        Err(refused) => return refused.into_response(),
    };
    if form.body.trim().is_empty() {
        let notice = Notice::error(request.texts().get("app-reply-back-empty"));
        return render_message(request, &id, notice).await;
    }
    match request
        .app
        .reply_back(&visit.user, &id, &form.delivery_id, &form.body)
        .await
    {
        Ok(sent) => Redirect::to(&format!("/app/sent/{}", sent.id)).into_response(),
        Err(error) => request.failure(error),
    }
}

/// The proof of delivery (notified, code sent, verified, opened, downloaded, replied,
/// revoked or expired, per recipient), to download and keep.
async fn proof(request: StaffRequest, Path(id): Path<String>) -> Response {
    let Some(visit) = request.signed_in() else {
        return to_sign_in();
    };
    match request.app.proof_of_delivery(&visit.user, &id).await {
        Ok(proof) => match crate::api::proof::proof_document(proof) {
            Ok(response) => response,
            Err(error) => request.failure(error),
        },
        Err(error) => request.failure(error),
    }
}
