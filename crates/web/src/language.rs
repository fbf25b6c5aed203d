//! Which language a portal page is in: an explicit choice (`?lang=`, remembered in a cookie),
//! else the browser's Accept-Language, else the language the sender chose for the recipient.

use axum::http::HeaderMap;
use axum::http::header::ACCEPT_LANGUAGE;
use axum_extra::extract::CookieJar;
use zegel_domain::Language;

use crate::cookies;

pub struct LanguagePreference {
    chosen: Option<Language>,
    browser: Option<Language>,
}

impl LanguagePreference {
    pub fn read(query_lang: Option<&str>, jar: &CookieJar, headers: &HeaderMap) -> Self {
        let chosen = query_lang.and_then(Language::from_tag).or_else(|| {
            jar.get(cookies::LANGUAGE)
                .and_then(|c| Language::from_tag(c.value()))
        });
        let browser = headers
            .get(ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(Language::from_accept_language);
        Self { chosen, browser }
    }

    /// A staff member's own setting comes after an explicit choice, before the browser's.
    pub fn resolve_for_staff(&self, setting: Option<Language>) -> Language {
        self.chosen.or(setting).or(self.browser).unwrap_or_default()
    }

    pub fn resolve(&self, recipient_language: Option<Language>) -> Language {
        self.chosen
            .or(self.browser)
            .or(recipient_language)
            .unwrap_or_default()
    }
}
