//! Sending an attachment to a browser or API client: decrypted while it streams, with byte
//! ranges (so a broken download resumes), a file name that is safe in any browser, and
//! headers that stop a browser from running or sniffing it.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use std::ops::Range;
use zegel_app::AttachmentDownload;

/// The bytes a request asks for: the whole file, one range, or a range it cannot have.
#[derive(Debug, PartialEq, Eq)]
pub enum Wanted {
    Whole,
    Part(Range<u64>),
    Unsatisfiable,
}

/// Reads a `Range` header (one `bytes=` range; anything else gets the whole file, as
/// RFC 9110 allows).
pub fn wanted(headers: &HeaderMap, size: u64) -> Wanted {
    let Some(spec) = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("bytes="))
    else {
        return Wanted::Whole;
    };
    if spec.contains(',') {
        return Wanted::Whole;
    }
    let Some((start, end)) = spec.split_once('-') else {
        return Wanted::Whole;
    };
    let parse = |text: &str| text.trim().parse::<u64>().ok();
    let range = match (start.trim().is_empty(), parse(start), parse(end)) {
        // bytes=-N: the last N bytes.
        (true, _, Some(suffix)) if suffix > 0 => size.saturating_sub(suffix)..size,
        (false, Some(first), None) if end.trim().is_empty() => first..size,
        (false, Some(first), Some(last)) if last >= first => first..(last + 1).min(size),
        _ => return Wanted::Whole,
    };
    if range.start >= size {
        Wanted::Unsatisfiable
    } else {
        Wanted::Part(range)
    }
}

/// RFC 8187 `attr-char`s stay as they are; everything else is percent-encoded.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266 / RFC 8187).
pub fn content_disposition(file_name: &str) -> String {
    let fallback: String = file_name
        .chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' && c != '%' => c,
            _ => '_',
        })
        .collect();
    format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        utf8_percent_encode(file_name, ATTR_CHAR)
    )
}

/// The response for a download: 200 with the whole file, 206 with a range, or 416.
pub fn attachment_response(download: AttachmentDownload, headers: &HeaderMap) -> Response {
    let size = download.info.size;
    // A resumed download whose copy is of another file (If-Range) gets the whole file.
    let etag = format!("\"{}\"", download.info.id);
    let same_file = headers
        .get(header::IF_RANGE)
        .is_none_or(|v| v.to_str().is_ok_and(|v| v.trim() == etag));
    let asked = if same_file {
        wanted(headers, size)
    } else {
        Wanted::Whole
    };
    let (status, range) = match asked {
        Wanted::Whole => (StatusCode::OK, 0..size),
        Wanted::Part(range) => (StatusCode::PARTIAL_CONTENT, range),
        Wanted::Unsatisfiable => {
            return (
                StatusCode::RANGE_NOT_SATISFIABLE,
                [(header::CONTENT_RANGE, format!("bytes */{size}"))],
            )
                .into_response();
        }
    };
    let length = range.end - range.start;
    let content_range = (status == StatusCode::PARTIAL_CONTENT)
        .then(|| format!("bytes {}-{}/{size}", range.start, range.end - 1));
    let mut response = Body::from_stream(download.bytes.stream(range)).into_response();
    *response.status_mut() = status;
    let out = response.headers_mut();
    let set = |out: &mut HeaderMap, name, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            out.insert(name, value);
        }
    };
    set(
        out,
        header::CONTENT_TYPE,
        download.info.content_type.clone(),
    );
    set(out, header::CONTENT_LENGTH, length.to_string());
    set(
        out,
        header::CONTENT_DISPOSITION,
        content_disposition(&download.info.file_name),
    );
    // The content of a stored file never changes: its id is a strong validator for If-Range.
    set(out, header::ETAG, etag);
    out.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    out.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    if let Some(content_range) = content_range {
        set(out, header::CONTENT_RANGE, content_range);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(value: &str, size: u64) -> Wanted {
        let mut headers = HeaderMap::new();
        headers.insert(header::RANGE, value.parse().unwrap());
        wanted(&headers, size)
    }

    #[test]
    fn ranges_follow_rfc_9110() {
        assert_eq!(wanted(&HeaderMap::new(), 10), Wanted::Whole);
        assert_eq!(range("bytes=0-4", 10), Wanted::Part(0..5));
        assert_eq!(range("bytes=5-", 10), Wanted::Part(5..10));
        assert_eq!(range("bytes=-3", 10), Wanted::Part(7..10));
        assert_eq!(range("bytes=-30", 10), Wanted::Part(0..10));
        assert_eq!(range("bytes=8-100", 10), Wanted::Part(8..10));
        assert_eq!(range("bytes=10-", 10), Wanted::Unsatisfiable);
        assert_eq!(range("bytes=0-1,4-5", 10), Wanted::Whole);
        assert_eq!(range("bytes=5-2", 10), Wanted::Whole);
        assert_eq!(range("items=0-1", 10), Wanted::Whole);
        assert_eq!(range("bytes=0-0", 0), Wanted::Unsatisfiable);
    }

    #[test]
    fn file_names_are_safe_in_the_header() {
        assert_eq!(
            content_disposition("scan.pdf"),
            "attachment; filename=\"scan.pdf\"; filename*=UTF-8''scan.pdf"
        );
        assert_eq!(
            content_disposition("Verslag \"zorg\" 100%.pdf"),
            "attachment; filename=\"Verslag _zorg_ 100_.pdf\"; filename*=UTF-8''Verslag%20%22zorg%22%20100%25.pdf"
        );
        assert_eq!(
            content_disposition("café.txt"),
            "attachment; filename=\"caf_.txt\"; filename*=UTF-8''caf%C3%A9.txt"
        );
    }
}
