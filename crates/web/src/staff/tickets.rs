//! Agents' ticket pages: the list, one ticket with its status, a secure reply, and taking a
//! referred ticket as an incident with an approved contact in CC.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use zegel_app::{App, AppError, TicketView};
use zegel_i18n::{Texts, format_time};

use super::{Frame, Notice, StaffRequest, to_sign_in};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/app/tickets", get(list))
        .route("/app/tickets/{id}", get(show))
        .route("/app/tickets/{id}/status", post(set_status))
        .route("/app/tickets/{id}/reply", post(reply))
        .route("/app/tickets/{id}/accept", post(accept))
}

pub struct TicketRow {
    pub href: String,
    pub subject: String,
    pub from: String,
    pub customer: String,
    pub state: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "app/tickets.html")]
struct ListPage {
    frame: Frame,
    rows: Vec<TicketRow>,
}

#[derive(Template)]
#[template(path = "app/ticket.html")]
struct TicketPage {
    frame: Frame,
    notice: Option<Notice>,
    problems: Vec<String>,
    id: String,
    subject: String,
    state: String,
    from: String,
    customer: String,
    kind: String,
    contact: String,
    cc: Option<String>,
    removed: Option<String>,
    body: String,
    workable: bool,
    states: Vec<(String, String, bool)>,
    cc_choices: Vec<(String, String)>,
}

fn state_text(t: &Texts, state: &str) -> String {
    t.get(&format!("app-ticket-state-{state}"))
}

fn from_of(view: &TicketView) -> String {
    if view.from_name.is_empty() {
        view.from_email.clone()
    } else {
        format!("{} <{}>", view.from_name, view.from_email)
    }
}

async fn list(mut request: StaffRequest) -> Response {
    let Some(visit) = request.signed_in() else {
        return to_sign_in();
    };
    let tickets = match request.app.tickets(&visit.user).await {
        Ok(tickets) => tickets,
        Err(error) => return request.failure(error),
    };
    let t = request.texts();
    let rows = tickets
        .iter()
        .map(|v| TicketRow {
            href: format!("/app/tickets/{}", v.id),
            subject: v.subject.clone().unwrap_or_default(),
            from: from_of(v),
            customer: v.customer.clone().unwrap_or_default(),
            state: state_text(&t, &v.state),
            at: format_time(t.language(), v.updated_at),
        })
        .collect();
    let page = ListPage {
        frame: request.frame(t.get("app-tickets-title"), "tickets"),
        rows,
    };
    request.page(StatusCode::OK, &page)
}

async fn render(
    mut request: StaffRequest,
    id: &str,
    notice: Option<Notice>,
    problems: Vec<String>,
) -> Response {
    let Some(visit) = request.signed_in() else {
        return to_sign_in();
    };
    let view = match request.app.ticket_view(&visit.user, id).await {
        Ok(view) => view,
        Err(error) => return request.failure(error),
    };
    let choices = match request.app.incident_cc_choices(&visit.user, id).await {
        Ok(choices) => choices,
        Err(error) => return request.failure(error),
    };
    let t = request.texts();
    let contact = match &view.contact {
        Some((email, role)) if view.state != "checking" => zegel_i18n::text_with(
            t.language(),
            "app-ticket-contact",
            &[("email", email), ("role", role)],
        ),
        _ => t.get("app-ticket-no-contact"),
    };
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = TicketPage {
        frame: request.frame(view.subject.clone().unwrap_or_default(), "tickets"),
        notice,
        problems,
        id: view.id.clone(),
        subject: view.subject.clone().unwrap_or_default(),
        state: state_text(&t, &view.state),
        from: from_of(&view),
        customer: view.customer.clone().unwrap_or_default(),
        kind: t.get(if view.kind == "order" {
            "helpdesk-kind-order"
        } else {
            "helpdesk-kind-technical"
        }),
        contact,
        cc: view
            .cc
            .as_ref()
            .map(|email| t.with("app-ticket-cc", "email", email)),
        removed: (!view.removed.is_empty())
            .then(|| t.with("app-ticket-removed", "kinds", &view.removed.join(", "))),
        body: view.body.clone().unwrap_or_default(),
        workable: !matches!(view.state.as_str(), "checking" | "referred"),
        states: ["open", "waiting", "closed"]
            .iter()
            .map(|s| (s.to_string(), state_text(&t, s), *s == view.state))
            .collect(),
        cc_choices: choices
            .into_iter()
            .map(|c| (c.id, format!("{} <{}> ({})", c.name, c.email, c.role)))
            .collect(),
    };
    request.page(status, &page)
}

async fn show(request: StaffRequest, Path(id): Path<String>) -> Response {
    render(request, &id, None, Vec::new()).await
}

#[derive(Deserialize)]
struct TicketForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    contact_id: String,
}

/// After an action: the ticket again, or what went wrong.
async fn after(request: StaffRequest, id: &str, result: Result<(), AppError>) -> Response {
    match result {
        Ok(()) => Redirect::to(&format!("/app/tickets/{id}")).into_response(),
        Err(AppError::Invalid(problems)) => render(request, id, None, problems).await,
        Err(AppError::Conflict(problem)) => render(request, id, None, vec![problem]).await,
        Err(error) => request.failure(error),
    }
}

async fn set_status(
    request: StaffRequest,
    Path(id): Path<String>,
    Form(form): Form<TicketForm>,
) -> Response {
    let visit = match request.posted(&form.csrf) {
        Ok(visit) => visit,
        Err(refused) => return refused.into_response(),
    };
    let result = request
        .app
        .set_ticket_status(&visit.user, &id, &form.state)
        .await;
    after(request, &id, result).await
}

async fn reply(
    request: StaffRequest,
    Path(id): Path<String>,
    Form(form): Form<TicketForm>,
) -> Response {
    let visit = match request.posted(&form.csrf) {
        Ok(visit) => visit,
        Err(refused) => return refused.into_response(),
    };
    let result = request
        .app
        .reply_to_ticket(&visit.user, &id, &form.body)
        .await
        .map(|_| ());
    after(request, &id, result).await
}

async fn accept(
    request: StaffRequest,
    Path(id): Path<String>,
    Form(form): Form<TicketForm>,
) -> Response {
    let visit = match request.posted(&form.csrf) {
        Ok(visit) => visit,
        Err(refused) => return refused.into_response(),
    };
    let result = request
        .app
        .accept_incident(&visit.user, &id, &form.contact_id)
        .await;
    after(request, &id, result).await
}
