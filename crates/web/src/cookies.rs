//! The portal's cookies: the session after verification, the CSRF token (double submit with
//! a `__Host-` cookie, which another site can neither read nor set), and the language choice.

use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use zegel_crypto::{Token, same_secret};

pub const SESSION: &str = "__Host-zegel-session";
/// The staff web app's session, apart from a recipient's portal session in the same browser.
pub const STAFF_SESSION: &str = "__Host-zegel-staff";
const CSRF: &str = "__Host-zegel-csrf";
pub const LANGUAGE: &str = "zegel-lang";

fn secret_cookie(name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Strict)
        .build()
}

/// The CSRF token for forms on this page, creating the cookie when there is none yet.
pub fn csrf_token(jar: CookieJar) -> (CookieJar, String) {
    if let Some(existing) = jar.get(CSRF).map(|c| c.value().to_owned())
        && Token::from_presented(&existing).is_some()
    {
        return (jar, existing);
    }
    let token = Token::generate().expose().to_owned();
    (jar.add(secret_cookie(CSRF, token.clone())), token)
}

/// Whether a submitted form carries the token of its own cookie.
pub fn csrf_matches(jar: &CookieJar, submitted: &str) -> bool {
    jar.get(CSRF)
        .is_some_and(|cookie| !submitted.is_empty() && same_secret(cookie.value(), submitted))
}

pub fn with_session(jar: CookieJar, session: &Token) -> CookieJar {
    jar.add(secret_cookie(SESSION, session.expose().to_owned()))
}

pub fn session(jar: &CookieJar) -> Option<String> {
    jar.get(SESSION).map(|c| c.value().to_owned())
}

/// A helpdesk contact's session on the contact portal.
pub const CONTACT_SESSION: &str = "__Host-zegel-contact";

/// Sets a session cookie (`STAFF_SESSION` or `CONTACT_SESSION`).
pub fn with_session_cookie(jar: CookieJar, name: &'static str, session: &Token) -> CookieJar {
    jar.add(secret_cookie(name, session.expose().to_owned()))
}

pub fn session_cookie(jar: &CookieJar, name: &str) -> Option<String> {
    jar.get(name).map(|c| c.value().to_owned())
}

pub fn without_session_cookie(jar: CookieJar, name: &'static str) -> CookieJar {
    jar.remove(Cookie::build(name).path("/"))
}

pub fn with_language(jar: CookieJar, code: &'static str) -> CookieJar {
    jar.add(
        Cookie::build((LANGUAGE, code))
            .path("/")
            .same_site(SameSite::Lax)
            .max_age(time::Duration::days(365))
            .build(),
    )
}
