//! The helpdesk's settings: its address, customer organisations and approved contacts.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use zegel_app::{App, ContactRole, User};

use super::{
    Console, SavedQuery, Section, SectionMenu, after_change, posted_by_administrator, section_get,
};
use crate::staff::{Frame, Notice, StaffRequest};

pub fn routes() -> Router<App> {
    Router::new()
        .route(
            "/admin/helpdesk",
            get(|r: StaffRequest, Query(q): Query<SavedQuery>| {
                section_get(r, Section::Helpdesk, q)
            }),
        )
        .route("/admin/helpdesk/address", post(set_address))
        .route("/admin/helpdesk/customers", post(add_customer))
        .route("/admin/helpdesk/customers/{id}/contacts", post(add_contact))
        .route("/admin/helpdesk/contacts/{id}/deactivate", post(deactivate))
        .route("/admin/helpdesk/contacts/{id}/account", post(grant_account))
}

pub struct CustomerRow {
    pub id: String,
    pub name: String,
    pub domains: String,
    /// (contact id, "Name <address> · role", active, has a portal account)
    pub contacts: Vec<(String, String, bool, bool)>,
}

#[derive(Template)]
#[template(path = "admin/helpdesk.html")]
struct HelpdeskPage {
    frame: Frame,
    nav: SectionMenu,
    notice: Option<Notice>,
    problems: Vec<String>,
    address: String,
    form_href: String,
    customers: Vec<CustomerRow>,
}

pub async fn helpdesk_page(
    mut request: StaffRequest,
    admin: User,
    status: StatusCode,
    notice: Option<Notice>,
    problems: Vec<String>,
) -> Response {
    let (address, views) = match (
        request.app.helpdesk_address(&admin.org_id).await,
        request.app.customers_view(&admin).await,
    ) {
        (Ok(address), Ok(views)) => (address, views),
        (Err(error), _) | (_, Err(error)) => return request.failure(error),
    };
    let customers = views
        .into_iter()
        .map(|v| CustomerRow {
            id: v.customer.id,
            name: v.customer.name,
            domains: v.domains.join(", "),
            contacts: v
                .contacts
                .into_iter()
                .map(|c| {
                    let active = c.deactivated_at.is_none();
                    let account = c.portal_account == 1;
                    let label = format!("{} <{}> · {}", c.name, c.email, c.role);
                    (c.id, label, active, account)
                })
                .collect(),
        })
        .collect();
    let Console {
        frame,
        nav,
        notice,
        problems,
    } = Console::new(&mut request, Section::Helpdesk, notice, problems);
    let page = HelpdeskPage {
        frame,
        nav,
        notice,
        problems,
        address: address.unwrap_or_default(),
        form_href: format!("/helpdesk/{}/new", admin.org_id),
        customers,
    };
    request.page(status, &page)
}

#[derive(Deserialize)]
struct HelpdeskForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    domains: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    requested_by: String,
}

async fn set_address(request: StaffRequest, Form(form): Form<HelpdeskForm>) -> Response {
    let admin = match posted_by_administrator(&request, &form.csrf) {
        Ok(admin) => admin,
        Err(refused) => return refused.into_response(),
    };
    let result = request
        .app
        .set_helpdesk_address(&admin, &form.address)
        .await;
    after_change(request, Section::Helpdesk, result).await
}

async fn add_customer(request: StaffRequest, Form(form): Form<HelpdeskForm>) -> Response {
    let admin = match posted_by_administrator(&request, &form.csrf) {
        Ok(admin) => admin,
        Err(refused) => return refused.into_response(),
    };
    let result = request
        .app
        .create_customer(&admin, &form.name, &form.domains)
        .await
        .map(|_| ());
    after_change(request, Section::Helpdesk, result).await
}

async fn add_contact(
    request: StaffRequest,
    Path(id): Path<String>,
    Form(form): Form<HelpdeskForm>,
) -> Response {
    let admin = match posted_by_administrator(&request, &form.csrf) {
        Ok(admin) => admin,
        Err(refused) => return refused.into_response(),
    };
    let role = ContactRole::parse(&form.role).unwrap_or(ContactRole::General);
    let result = request
        .app
        .add_contact(
            &admin,
            &id,
            &form.email,
            &form.name,
            role,
            &form.requested_by,
        )
        .await
        .map(|_| ());
    after_change(request, Section::Helpdesk, result).await
}

async fn deactivate(
    request: StaffRequest,
    Path(id): Path<String>,
    Form(form): Form<HelpdeskForm>,
) -> Response {
    let admin = match posted_by_administrator(&request, &form.csrf) {
        Ok(admin) => admin,
        Err(refused) => return refused.into_response(),
    };
    let result = request.app.deactivate_contact(&admin, &id).await;
    after_change(request, Section::Helpdesk, result).await
}

async fn grant_account(
    request: StaffRequest,
    Path(id): Path<String>,
    Form(form): Form<HelpdeskForm>,
) -> Response {
    let admin = match posted_by_administrator(&request, &form.csrf) {
        Ok(admin) => admin,
        Err(refused) => return refused.into_response(),
    };
    let result = request.app.grant_portal_account(&admin, &id).await;
    after_change(request, Section::Helpdesk, result).await
}
