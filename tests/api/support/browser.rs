//! A small browser for the portal: keeps cookies as a browser would (including `Secure`
//! ones on this loopback origin), follows no redirects by itself, reads CSRF fields.

use reqwest::StatusCode;
use reqwest::header::{ACCEPT_LANGUAGE, COOKIE, LOCATION, SET_COOKIE};
use std::collections::BTreeMap;

pub struct Browser {
    client: reqwest::Client,
    pub cookies: BTreeMap<String, String>,
    /// Every Set-Cookie header seen, to check cookie attributes.
    pub set_cookie_headers: Vec<String>,
    pub language: Option<String>,
}

pub struct Page {
    pub status: StatusCode,
    pub body: String,
    pub location: Option<String>,
    pub headers: reqwest::header::HeaderMap,
}

impl Page {
    pub fn csrf(&self) -> String {
        let marker = r#"name="csrf" value=""#;
        let start = self.body.find(marker).expect("a CSRF field on the page") + marker.len();
        self.body[start..].split('"').next().unwrap().to_owned()
    }

    /// Whether the page shows `text`; non-breaking spaces count as spaces.
    pub fn contains(&self, text: &str) -> bool {
        self.body.replace('\u{a0}', " ").contains(text)
    }
}

impl Default for Browser {
    fn default() -> Self {
        Self::new()
    }
}

impl Browser {
    pub fn new() -> Self {
        Self {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
            set_cookie_headers: Vec::new(),
            language: None,
        }
    }

    pub fn with_language(mut self, accept_language: &str) -> Self {
        self.language = Some(accept_language.to_owned());
        self
    }

    fn prepare(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let mut request = request;
        if !self.cookies.is_empty() {
            let header: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            request = request.header(COOKIE, header.join("; "));
        }
        if let Some(language) = &self.language {
            request = request.header(ACCEPT_LANGUAGE, language);
        }
        request
    }

    async fn finish(&mut self, response: reqwest::Response) -> Page {
        for value in response.headers().get_all(SET_COOKIE) {
            let text = value.to_str().unwrap().to_owned();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies
                .insert(name.trim().to_owned(), value.trim().to_owned());
            self.set_cookie_headers.push(text);
        }
        let status = response.status();
        let headers = response.headers().clone();
        let location = headers
            .get(LOCATION)
            .map(|l| l.to_str().unwrap().to_owned());
        Page {
            status,
            location,
            headers,
            body: response.text().await.unwrap(),
        }
    }

    pub async fn get(&mut self, url: &str) -> Page {
        let response = self.prepare(self.client.get(url)).send().await.unwrap();
        self.finish(response).await
    }

    pub async fn post(&mut self, url: &str, form: &[(&str, &str)]) -> Page {
        let response = self
            .prepare(self.client.post(url).form(form))
            .send()
            .await
            .unwrap();
        self.finish(response).await
    }

    /// A GET that keeps the raw answer (downloads), with extra request headers.
    pub async fn fetch(&mut self, url: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self.prepare(self.client.get(url));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.unwrap()
    }

    /// Posts a `multipart/form-data` form and follows a redirect, as a browser does.
    pub async fn submit_multipart(&mut self, url: &str, form: reqwest::multipart::Form) -> Page {
        let response = self
            .prepare(self.client.post(url).multipart(form))
            .send()
            .await
            .unwrap();
        let page = self.finish(response).await;
        match &page.location {
            Some(location) => self.get(&format!("{}{location}", origin(url))).await,
            None => page,
        }
    }

    /// Opens the portal link and presses "Send me a code"; returns the answer page.
    pub async fn ask_for_code(&mut self, link: &str) -> Page {
        let csrf = self.get(link).await.csrf();
        self.post(&format!("{link}/code"), &[("csrf", &csrf)]).await
    }

    /// Posts a form and follows a redirect back to the same origin, as a browser does.
    pub async fn submit(&mut self, url: &str, form: &[(&str, &str)]) -> Page {
        let page = self.post(url, form).await;
        match &page.location {
            Some(location) => self.get(&format!("{}{location}", origin(url))).await,
            None => page,
        }
    }
}

/// `http://host:port` of a URL.
fn origin(url: &str) -> &str {
    let host_start = url.find("://").expect("an absolute URL") + 3;
    match url[host_start..].find('/') {
        Some(path_start) => &url[..host_start + path_start],
        None => url,
    }
}
