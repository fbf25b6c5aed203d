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
    /// The organisation's colour sheet and logo, once the link is known to be valid.
    pub brand_css: Option<String>,
    /// (logo address, organisation name as its text).
    pub logo: Option<(String, String)>,
}

impl Frame {
    pub fn new(language: Language, title: String, footer: String) -> Self {
        Self {
            t: Texts(language),
            lang: language.code(),
            title,
            footer,
            brand_css: None,
            logo: None,
        }
    }

    /// Shows the organisation's colour and logo.
    pub fn with_brand(
        mut self,
        org_id: &str,
        brand: &zegel_app::Brand,
        organisation: &str,
    ) -> Self {
        if brand.colour.is_some() {
            self.brand_css = Some(format!("/brand/{org_id}/style.css?v={}", brand.version));
        }
        if brand.has_logo {
            self.logo = Some((
                format!("/brand/{org_id}/logo?v={}", brand.version),
                organisation.to_owned(),
            ));
        }
        self
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
    pub attachments: Vec<FileLink>,
    /// The recipient's earlier replies.
    pub replies: Vec<ReplyBlock>,
    pub notice: Option<Notice>,
    pub draft: String,
}

pub struct ReplyBlock {
    pub heading: String,
    pub body: String,
    pub files: Vec<FileLink>,
}

/// A file to download, as the message page lists it.
pub struct FileLink {
    pub href: String,
    pub name: String,
    pub size: String,
}

impl FileLink {
    pub fn new(link: &str, file: &zegel_app::AttachmentInfo, language: Language) -> Self {
        Self {
            href: format!("/m/{link}/files/{}", file.id),
            name: file.file_name.clone(),
            size: human_size(file.size, language),
        }
    }
}

/// A size as people read it: "840 kB", "2,4 MB" (Dutch) or "2.4 MB".
pub fn human_size(bytes: u64, language: Language) -> String {
    let units = ["B", "kB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < units.len() {
        value /= 1000.0;
        unit += 1;
    }
    let text = if unit == 0 || value >= 10.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    };
    let text = match language {
        Language::Nl => text.replace('.', ","),
        Language::En => text,
    };
    format!("{text} {}", units[unit])
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_naturally_in_both_languages() {
        assert_eq!(human_size(0, Language::En), "0 B");
        assert_eq!(human_size(840_000, Language::Nl), "840 kB");
        assert_eq!(human_size(2_400_000, Language::Nl), "2,4 MB");
        assert_eq!(human_size(2_400_000, Language::En), "2.4 MB");
        assert_eq!(human_size(10_000_000_000, Language::En), "10 GB");
    }
}
