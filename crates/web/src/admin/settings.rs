//! Policies, branding and domains.

use askama::Template;
use axum::Router;
use axum::extract::{Form, FromRequest, Multipart, Query, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use zegel_app::{App, PolicyUpdate, User};
use zegel_domain::VerificationMethod;

use super::{
    Console, SavedQuery, Section, SectionMenu, after_change, posted_by_administrator, section_get,
};
use crate::staff::{Frame, Notice, StaffRequest};

pub fn routes() -> Router<App> {
    Router::new()
        .route(
            "/admin/policies",
            get(|r: StaffRequest, Query(q): Query<SavedQuery>| {
                section_get(r, Section::Policies, q)
            })
            .post(save_policies),
        )
        .route(
            "/admin/branding",
            get(|r: StaffRequest, Query(q): Query<SavedQuery>| {
                section_get(r, Section::Branding, q)
            })
            .post(save_branding),
        )
        .route(
            "/admin/domains",
            get(|r: StaffRequest, Query(q): Query<SavedQuery>| section_get(r, Section::Domains, q))
                .post(add_domain),
        )
        .route("/admin/domains/remove", post(remove_domain))
}

#[derive(Template)]
#[template(path = "admin/policies.html")]
struct PoliciesPage {
    frame: Frame,
    nav: SectionMenu,
    notice: Option<Notice>,
    problems: Vec<String>,
    policy: zegel_app::PolicyView,
    levels: Vec<(String, String)>,
    methods: Vec<(String, String, bool)>,
    hour_cap: String,
    day_cap: String,
}

pub async fn policies_page(
    mut request: StaffRequest,
    admin: User,
    status: StatusCode,
    notice: Option<Notice>,
    problems: Vec<String>,
) -> Response {
    let policy = match request.app.policies(&admin).await {
        Ok(policy) => policy,
        Err(error) => return request.failure(error),
    };
    let t = request.texts();
    let Console {
        frame,
        nav,
        notice,
        problems,
    } = Console::new(&mut request, Section::Policies, notice, problems);
    let levels = ["block", "warn", "suggest", "audit"]
        .iter()
        .map(|level| (level.to_string(), t.get(&format!("admin-level-{level}"))))
        .collect();
    let methods = [
        (VerificationMethod::EmailCode, "admin-method-email"),
        (VerificationMethod::Sms, "admin-method-sms"),
        (VerificationMethod::AccessCode, "admin-method-access"),
    ]
    .iter()
    .map(|(method, key)| {
        (
            method.as_str().to_owned(),
            t.get(key),
            policy.allowed_methods.contains(method),
        )
    })
    .collect();
    let page = PoliciesPage {
        frame,
        nav,
        notice,
        problems,
        hour_cap: policy
            .sms_hour_cap
            .map(|n| n.to_string())
            .unwrap_or_default(),
        day_cap: policy
            .sms_day_cap
            .map(|n| n.to_string())
            .unwrap_or_default(),
        policy,
        levels,
        methods,
    };
    request.page(status, &page)
}

/// A form with repeated checkboxes comes as a list of pairs.
async fn save_policies(request: StaffRequest, body: Request) -> Response {
    let Ok(Form(pairs)) = Form::<Vec<(String, String)>>::from_request(body, &request.app).await
    else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    };
    let admin = match posted_by_administrator(&request, &field("csrf")) {
        Ok(admin) => admin,
        Err(refused) => return refused.into_response(),
    };
    let update = PolicyUpdate {
        default_expiry_days: field("default_expiry_days"),
        max_expiry_days: field("max_expiry_days"),
        detection_level: field("detection_level"),
        allowed_methods: pairs
            .iter()
            .filter(|(key, _)| key == "allowed_methods")
            .map(|(_, value)| value.clone())
            .collect(),
        min_access_code_length: field("min_access_code_length"),
        sms_hour_cap: field("sms_hour_cap"),
        sms_day_cap: field("sms_day_cap"),
        audit_retention_days: field("audit_retention_days"),
    };
    let result = request.app.update_policies(&admin, update).await;
    after_change(request, Section::Policies, result).await
}

#[derive(Template)]
#[template(path = "admin/branding.html")]
struct BrandingPage {
    frame: Frame,
    nav: SectionMenu,
    notice: Option<Notice>,
    problems: Vec<String>,
    colour: String,
    logo: Option<String>,
}

pub async fn branding_page(
    mut request: StaffRequest,
    admin: User,
    status: StatusCode,
    notice: Option<Notice>,
    problems: Vec<String>,
) -> Response {
    let brand = match request.app.brand(&admin.org_id).await {
        Ok(brand) => brand,
        Err(error) => return request.failure(error),
    };
    let Console {
        frame,
        nav,
        notice,
        problems,
    } = Console::new(&mut request, Section::Branding, notice, problems);
    let page = BrandingPage {
        frame,
        nav,
        notice,
        problems,
        colour: brand.colour.unwrap_or_default(),
        logo: brand
            .has_logo
            .then(|| format!("/brand/{}/logo?v={}", admin.org_id, brand.version)),
    };
    request.page(status, &page)
}

async fn save_branding(request: StaffRequest, body: Request) -> Response {
    let Ok(mut form) = Multipart::from_request(body, &request.app).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let mut csrf = String::new();
    let mut colour = String::new();
    let mut logo = None;
    let mut remove_logo = false;
    while let Ok(Some(field)) = form.next_field().await {
        match field.name().unwrap_or_default() {
            "csrf" => csrf = field.text().await.unwrap_or_default(),
            "colour" => colour = field.text().await.unwrap_or_default(),
            "remove_logo" => remove_logo = true,
            // Read only after the token: nothing of a forged form is taken in. The size is
            // bounded by the console's body limit.
            "logo" if posted_by_administrator(&request, &csrf).is_ok() => {
                logo = field.bytes().await.ok().map(|b| b.to_vec());
            }
            _ => {}
        }
    }
    let admin = match posted_by_administrator(&request, &csrf) {
        Ok(admin) => admin,
        Err(refused) => return refused.into_response(),
    };
    let result = request
        .app
        .update_branding(&admin, &colour, logo, remove_logo)
        .await;
    after_change(request, Section::Branding, result).await
}

#[derive(Template)]
#[template(path = "admin/domains.html")]
struct DomainsPage {
    frame: Frame,
    nav: SectionMenu,
    notice: Option<Notice>,
    problems: Vec<String>,
    domains: Vec<String>,
}

pub async fn domains_page(
    mut request: StaffRequest,
    admin: User,
    status: StatusCode,
    notice: Option<Notice>,
    problems: Vec<String>,
) -> Response {
    let domains = match request.app.domains(&admin).await {
        Ok(domains) => domains,
        Err(error) => return request.failure(error),
    };
    let Console {
        frame,
        nav,
        notice,
        problems,
    } = Console::new(&mut request, Section::Domains, notice, problems);
    let page = DomainsPage {
        frame,
        nav,
        notice,
        problems,
        domains,
    };
    request.page(status, &page)
}

#[derive(Deserialize)]
struct DomainForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    domain: String,
}

async fn add_domain(request: StaffRequest, Form(form): Form<DomainForm>) -> Response {
    let admin = match posted_by_administrator(&request, &form.csrf) {
        Ok(admin) => admin,
        Err(refused) => return refused.into_response(),
    };
    let result = request.app.add_domain(&admin, &form.domain).await;
    after_change(request, Section::Domains, result).await
}

async fn remove_domain(request: StaffRequest, Form(form): Form<DomainForm>) -> Response {
    let admin = match posted_by_administrator(&request, &form.csrf) {
        Ok(admin) => admin,
        Err(refused) => return refused.into_response(),
    };
    let result = request.app.remove_domain(&admin, &form.domain).await;
    after_change(request, Section::Domains, result).await
}
