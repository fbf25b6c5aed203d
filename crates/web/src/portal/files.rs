//! Files on the portal: downloading the message's files, and replying with files attached.
//! The reply form is `multipart/form-data` so files can go with it; its CSRF token comes first,
//! so no file is taken in before the form is known to be genuine. A plain form (no files) is
//! taken as well.

use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use futures::StreamExt;
use zegel_app::{App, AppError, PortalError};
use zegel_i18n::Texts;

use super::pages::Notice;
use super::{ReplyForm, Visit};
use crate::cookies;
use crate::download::{Wanted, attachment_response, wanted};

/// Longest reply text taken from a form, in bytes (the service counts characters).
const MAX_REPLY_BYTES: usize = 4 * zegel_app::MAX_REPLY_CHARS;

/// A file of the message (or of the recipient's own reply), for a verified session.
pub(super) async fn download(
    State(app): State<App>,
    Path((link, attachment_id)): Path<(String, String)>,
    headers: HeaderMap,
    jar: CookieJar,
) -> Response {
    // A resumed download (a range not at the start) is not a new download.
    let counts = matches!(
        wanted(&headers, u64::MAX),
        Wanted::Whole | Wanted::Part(std::ops::Range { start: 0, .. })
    );
    Visit::new(app, link, None, jar, &headers)
        .verified_download(
            |app, link, session| async move {
                app.portal_attachment(&link, &session, &attachment_id, counts)
                    .await
            },
            |download| attachment_response(download, &headers),
        )
        .await
}

/// What a reply form held, once read.
struct PostedReply {
    visit: Visit,
    reply_id: String,
    text: String,
    /// Why a file was refused, if one was.
    file_problem: Option<String>,
}

pub(super) async fn reply(
    State(app): State<App>,
    Path(link): Path<String>,
    headers: HeaderMap,
    jar: CookieJar,
    request: Request,
) -> Response {
    let multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let posted = if multipart {
        match Multipart::from_request(request, &app).await {
            Ok(form) => read_multipart(app, link, jar, &headers, form).await,
            Err(rejection) => return rejection.into_response(),
        }
    } else {
        match axum::extract::Form::<ReplyForm>::from_request(request, &app).await {
            Ok(axum::extract::Form(form)) => Visit::posted(app, link, jar, &headers, &form.csrf)
                .map(|visit| PostedReply {
                    visit,
                    reply_id: zegel_app::new_reply_id(),
                    text: form.body,
                    file_problem: None,
                }),
            Err(rejection) => return rejection.into_response(),
        }
    };
    let posted = match posted {
        Ok(posted) => posted,
        Err(refused) => return *refused,
    };
    send_reply(posted).await
}

async fn send_reply(posted: PostedReply) -> Response {
    let PostedReply {
        visit,
        reply_id,
        text,
        file_problem,
    } = posted;
    let Some(session) = cookies::session(&visit.jar) else {
        return visit.session_ended(Some(text)).await;
    };
    let result = match &file_problem {
        Some(_) => Err(PortalError::App(AppError::Invalid(vec!["file".into()]))),
        None => {
            visit
                .app
                .reply(&visit.link, &session, &reply_id, &text)
                .await
        }
    };
    match result {
        Ok(_) => Redirect::to(&format!("/m/{}?replied=1", visit.link)).into_response(),
        Err(PortalError::App(AppError::Invalid(_))) => {
            // Show the message again with the text kept, and say what to fix.
            let view = match visit.app.read(&visit.link, &session).await {
                Ok(view) => view,
                Err(error) => return visit.failure(error),
            };
            let t = Texts(visit.preference.resolve(Some(view.language)));
            let problem = if let Some(problem) = file_problem {
                problem
            } else if text.trim().is_empty() {
                t.get("portal-reply-empty")
            } else {
                t.with(
                    "portal-reply-too-long",
                    "limit",
                    &zegel_app::MAX_REPLY_CHARS.to_string(),
                )
            };
            visit.message(view, Notice::error(problem), text)
        }
        Err(PortalError::NeedsVerification | PortalError::SessionEnded) => {
            visit.session_ended(Some(text)).await
        }
        Err(error) => visit.failure(error),
    }
}

/// Reads the reply form field by field, streaming each file into the blob store.
async fn read_multipart(
    app: App,
    link: String,
    jar: CookieJar,
    headers: &HeaderMap,
    mut form: Multipart,
) -> Result<PostedReply, Box<Response>> {
    let request_length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(u64::MAX);
    let mut visit: Option<Visit> = None;
    let mut refused = Some((app, link, jar));
    let mut text = String::new();
    let mut file_problem = None;
    let reply_id = zegel_app::new_reply_id();
    while let Ok(Some(mut field)) = form.next_field().await {
        match (field.name().unwrap_or_default(), &visit) {
            ("csrf", None) => {
                let token = field.text().await.unwrap_or_default();
                let (app, link, jar) = refused.take().expect("the token comes once");
                visit = Some(Visit::posted(app, link, jar, headers, &token)?);
            }
            ("body", Some(_)) => {
                let mut bytes = Vec::new();
                while let Ok(Some(chunk)) = field.chunk().await {
                    if bytes.len() + chunk.len() > MAX_REPLY_BYTES {
                        break;
                    }
                    bytes.extend_from_slice(&chunk);
                }
                text = String::from_utf8_lossy(&bytes).into_owned();
            }
            ("files", Some(current)) if file_problem.is_none() => {
                let name = field.file_name().unwrap_or_default().to_owned();
                if name.is_empty() {
                    continue; // the browser's empty part when no file was chosen
                }
                let Some(session) = cookies::session(&current.jar) else {
                    continue;
                };
                let content_type = field.content_type().map(str::to_owned);
                let stream = (&mut field).map(|piece| piece.map_err(|e| e.to_string()));
                let stored = current
                    .app
                    .portal_reply_file(
                        &current.link,
                        &session,
                        &reply_id,
                        zegel_app::FormFileInfo {
                            file_name: &name,
                            content_type: content_type.as_deref(),
                            at_most: request_length,
                        },
                        Box::pin(stream),
                    )
                    .await;
                match stored {
                    Ok(()) => {}
                    Err(PortalError::App(AppError::TooLarge(_))) => {
                        let t = Texts(current.preference.resolve(None));
                        file_problem = Some(t.with("portal-file-too-large", "file", &name));
                    }
                    Err(PortalError::App(AppError::Invalid(_))) => {
                        let t = Texts(current.preference.resolve(None));
                        file_problem = Some(t.with("portal-file-failed", "file", &name));
                    }
                    Err(error) => {
                        let current = visit.take().expect("matched above");
                        return Err(Box::new(current.failure(error)));
                    }
                }
            }
            _ => {} // unknown fields, and anything before the CSRF token, are ignored
        }
    }
    match visit {
        Some(visit) => Ok(PostedReply {
            visit,
            reply_id,
            text,
            file_problem,
        }),
        None => {
            let (app, link, jar) = refused.expect("no token was read");
            Err(Box::new(
                Visit::new(app, link, None, jar, headers).form_expired(),
            ))
        }
    }
}
