//! Users and shared mailboxes.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use zegel_app::{App, User};
use zegel_domain::Language;

use super::{
    Console, SavedQuery, Section, SectionMenu, after_change, posted_by_administrator, section_get,
};
use crate::staff::{Frame, Notice, StaffRequest};

pub fn routes() -> Router<App> {
    Router::new()
        .route(
            "/admin/users",
            get(|r: StaffRequest, Query(q): Query<SavedQuery>| section_get(r, Section::Users, q))
                .post(add_user),
        )
        .route("/admin/users/{id}/role", post(change_role))
        .route("/admin/users/{id}/active", post(set_active))
        .route(
            "/admin/users/{id}/reset-second-factor",
            post(reset_second_factor),
        )
        .route(
            "/admin/mailboxes",
            get(|r: StaffRequest, Query(q): Query<SavedQuery>| {
                section_get(r, Section::Mailboxes, q)
            })
            .post(add_mailbox),
        )
        .route("/admin/mailboxes/{id}/members", post(add_member))
        .route(
            "/admin/mailboxes/{id}/members/{user_id}/remove",
            post(remove_member),
        )
}

pub struct UserRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub admin: bool,
    pub status: String,
    pub active: bool,
    pub is_me: bool,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    frame: Frame,
    nav: SectionMenu,
    notice: Option<Notice>,
    problems: Vec<String>,
    users: Vec<UserRow>,
}

pub async fn users_page(
    mut request: StaffRequest,
    admin: User,
    status: StatusCode,
    notice: Option<Notice>,
    problems: Vec<String>,
) -> Response {
    let users = match request.app.users(&admin).await {
        Ok(users) => users,
        Err(error) => return request.failure(error),
    };
    let t = request.texts();
    let users = users
        .into_iter()
        .map(|u| UserRow {
            is_me: u.id == admin.id,
            admin: u.role == "admin",
            role: t.get(if u.role == "admin" {
                "admin-role-admin"
            } else {
                "admin-role-staff"
            }),
            active: u.deactivated_at.is_none(),
            status: t.get(if u.deactivated_at.is_none() {
                "admin-active"
            } else {
                "admin-deactivated"
            }),
            id: u.id,
            name: u.display_name,
            email: u.email,
        })
        .collect();
    let Console {
        frame,
        nav,
        notice,
        problems,
    } = Console::new(&mut request, Section::Users, notice, problems);
    let page = UsersPage {
        frame,
        nav,
        notice,
        problems,
        users,
    };
    request.page(status, &page)
}

#[derive(Deserialize)]
struct NewUserForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

async fn add_user(request: StaffRequest, Form(form): Form<NewUserForm>) -> Response {
    let admin = match posted_by_administrator(&request, &form.csrf) {
        Ok(admin) => admin,
        Err(refused) => return refused.into_response(),
    };
    let language = Language::from_tag(&form.language).unwrap_or_default();
    let result = request
        .app
        .add_user(
            &admin,
            &form.email,
            &form.name,
            language,
            &form.role,
            &form.password,
        )
        .await
        .map(|_| ());
    after_change(request, Section::Users, result).await
}

#[derive(Deserialize)]
struct UserActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    active: String,
}

async fn change_role(
    request: StaffRequest,
    Path(id): Path<String>,
    Form(form): Form<UserActionForm>,
) -> Response {
    let admin = match posted_by_administrator(&request, &form.csrf) {
        Ok(admin) => admin,
        Err(refused) => return refused.into_response(),
    };
    let result = request.app.change_role(&admin, &id, &form.role).await;
    after_change(request, Section::Users, result).await
}

async fn set_active(
    request: StaffRequest,
    Path(id): Path<String>,
    Form(form): Form<UserActionForm>,
) -> Response {
    let admin = match posted_by_administrator(&request, &form.csrf) {
        Ok(admin) => admin,
        Err(refused) => return refused.into_response(),
    };
    let result = request
        .app
        .set_user_active(&admin, &id, form.active == "1")
        .await;
    after_change(request, Section::Users, result).await
}

async fn reset_second_factor(
    request: StaffRequest,
    Path(id): Path<String>,
    Form(form): Form<UserActionForm>,
) -> Response {
    let admin = match posted_by_administrator(&request, &form.csrf) {
        Ok(admin) => admin,
        Err(refused) => return refused.into_response(),
    };
    let result = request.app.reset_user_second_factor(&admin, &id).await;
    after_change(request, Section::Users, result).await
}

pub struct MailboxRow {
    pub id: String,
    pub name: String,
    pub email: String,
    /// (user id, "Name <address>")
    pub members: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "admin/mailboxes.html")]
struct MailboxesPage {
    frame: Frame,
    nav: SectionMenu,
    notice: Option<Notice>,
    problems: Vec<String>,
    mailboxes: Vec<MailboxRow>,
}

pub async fn mailboxes_page(
    mut request: StaffRequest,
    admin: User,
    status: StatusCode,
    notice: Option<Notice>,
    problems: Vec<String>,
) -> Response {
    let views = match request.app.mailboxes(&admin).await {
        Ok(views) => views,
        Err(error) => return request.failure(error),
    };
    let mailboxes = views
        .into_iter()
        .map(|v| MailboxRow {
            id: v.mailbox.id,
            name: v.mailbox.display_name,
            email: v.mailbox.email,
            members: v
                .members
                .into_iter()
                .map(|u| (u.id, format!("{} <{}>", u.display_name, u.email)))
                .collect(),
        })
        .collect();
    let Console {
        frame,
        nav,
        notice,
        problems,
    } = Console::new(&mut request, Section::Mailboxes, notice, problems);
    let page = MailboxesPage {
        frame,
        nav,
        notice,
        problems,
        mailboxes,
    };
    request.page(status, &page)
}

#[derive(Deserialize)]
struct MailboxForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
}

async fn add_mailbox(request: StaffRequest, Form(form): Form<MailboxForm>) -> Response {
    let admin = match posted_by_administrator(&request, &form.csrf) {
        Ok(admin) => admin,
        Err(refused) => return refused.into_response(),
    };
    let result = request
        .app
        .create_mailbox(&admin, &form.email, &form.name)
        .await
        .map(|_| ());
    after_change(request, Section::Mailboxes, result).await
}

async fn add_member(
    request: StaffRequest,
    Path(id): Path<String>,
    Form(form): Form<MailboxForm>,
) -> Response {
    let admin = match posted_by_administrator(&request, &form.csrf) {
        Ok(admin) => admin,
        Err(refused) => return refused.into_response(),
    };
    let result = request
        .app
        .add_mailbox_member(&admin, &id, &form.email)
        .await;
    after_change(request, Section::Mailboxes, result).await
}

async fn remove_member(
    request: StaffRequest,
    Path((id, user_id)): Path<(String, String)>,
    Form(form): Form<MailboxForm>,
) -> Response {
    let admin = match posted_by_administrator(&request, &form.csrf) {
        Ok(admin) => admin,
        Err(refused) => return refused.into_response(),
    };
    let result = request
        .app
        .remove_mailbox_member(&admin, &id, &user_id)
        .await;
    after_change(request, Section::Mailboxes, result).await
}
