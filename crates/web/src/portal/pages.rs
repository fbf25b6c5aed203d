//! The portal's pages as askama templates. Texts are looked up here, so templates stay layout.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use zegel_domain::Language;
use zegel_i18n::Texts;

pub struct Notice {
    /// `info`, `success` or `error`: styles the box and picks its ARIA role.
    pub kind: &'static str,
    pub text: String,
}

impl Notice {
    pub fn info(text: String) -> Option<Self> {
        Some(Self { kind: "info", text })
    }
    pub fn success(text: String) -> Option<Self> {
        Some(Self {
            kind: "success",
            text,
        })
    }
    pub fn error(text: String) -> Option<Self> {
        Some(Self {
            kind: "error",
            text,
        })
    }
}

/// What every portal page has: its language, title and footer.
pub struct Frame {
    pub t: Texts,
    pub lang: &'static str,
    pub title: String,
    pub footer: String,
}

impl Frame {
    pub fn new(language: Language, title: String, footer: String) -> Self {
        Self {
            t: Texts(language),
            lang: language.code(),
            title,
            footer,
        }
    }
}

#[derive(Template)]
#[template(path = "landing.html")]
pub struct LandingPage {
    pub frame: Frame,
    pub link: String,
    pub csrf: String,
    pub intro: String,
    pub explain: String,
    pub access_code: bool,
    /// SMS: offers "number not right? tell the sender".
    pub sms: bool,
    pub code_label: String,
    pub check_hint: String,
    pub show_code_form: bool,
    pub notice: Option<Notice>,
    pub draft: Option<String>,
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub frame: Frame,
    pub link: String,
    pub csrf: String,
    pub subject: String,
    pub sender: String,
    pub body: String,
    pub expires: String,
    /// (heading, text) of each earlier reply.
    pub replies: Vec<(String, String)>,
    pub notice: Option<Notice>,
    pub draft: String,
}

#[derive(Template)]
#[template(path = "notice.html")]
pub struct NoticePage {
    pub frame: Frame,
    pub text: String,
    pub back: Option<String>,
}

impl NoticePage {
    pub fn new(language: Language, title_key: &str, text: String) -> Self {
        Self {
            frame: Frame::new(language, Texts(language).get(title_key), String::new()),
            text,
            back: None,
        }
    }
}

pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "page failed to render");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
