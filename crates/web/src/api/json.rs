//! A JSON body extractor whose failures are problem documents, not plain text.

use super::problem::Problem;
use crate::context::Ctx;
use crate::i18n::Tr;
use axum::Json;
use axum::body::Body;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use std::borrow::Cow;

pub struct ApiJson<T>(pub T);

/// `3.0` is the integer 3 to JSON (and to the API's document), though not to serde: numbers
/// with nothing after the point become integers before the body is read.
fn whole_numbers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

/// JSON lets a string hold an escaped UTF-16 surrogate on its own (`"\ud800"`), which is no
/// character at all, and serde refuses the whole body for it. A client that cut a string in
/// the middle of an emoji should lose that character, not the form, so each lone surrogate
/// becomes U+FFFD, the mark for "a character was lost here", as a lossy decoder would make it.
/// A backslash means something only inside a string, so the escapes are found without
/// following strings: each backslash and the character after it are taken as a pair.
fn lone_surrogates_replaced(body: &[u8]) -> Cow<'_, [u8]> {
    fn unit_at(body: &[u8], at: usize) -> Option<u16> {
        let hex = body.get(at..at + 6)?;
        if &hex[..2] != b"\\u" {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&hex[2..]).ok()?, 16).ok()
    }
    let is_high = |u: u16| (0xD800..0xDC00).contains(&u);
    let is_low = |u: u16| (0xDC00..0xE000).contains(&u);
    let mut out: Option<Vec<u8>> = None;
    let mut at = 0;
    while at < body.len() {
        if body[at] != b'\\' {
            if let Some(out) = &mut out {
                out.push(body[at]);
            }
            at += 1;
            continue;
        }
        let step = match unit_at(body, at) {
            Some(u) if is_high(u) && unit_at(body, at + 6).is_some_and(is_low) => 12,
            Some(u) if is_high(u) || is_low(u) => {
                out.get_or_insert_with(|| body[..at].to_vec())
                    .extend_from_slice(b"\\ufffd");
                at += 6;
                continue;
            }
            Some(_) => 6,
            None => 2,
        };
        let end = (at + step).min(body.len());
        if let Some(out) = &mut out {
            out.extend_from_slice(&body[at..end]);
        }
        at = end;
    }
    out.map_or(Cow::Borrowed(body), Cow::Owned)
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let tr = Tr(Ctx::locale_from(req.headers()));
        let malformed = || {
            Problem::with(
                StatusCode::BAD_REQUEST,
                "malformed-body",
                tr.get("error-400-title"),
                Vec::new(),
            )
        };
        // The guard has read the body already (within the route's limit), so this is no
        // second wait on the client.
        let (parts, body) = req.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
            return Err(malformed());
        };
        let body = Body::from(lone_surrogates_replaced(&bytes).into_owned());
        let req = Request::from_parts(parts, body);
        match Json::<serde_json::Value>::from_request(req, state).await {
            Ok(Json(mut value)) => {
                whole_numbers(&mut value);
                // What does not fit the route's shape is a malformed body, as reading it
                // straight would have said.
                serde_json::from_value::<T>(value)
                    .map(ApiJson)
                    .map_err(|_| malformed())
            }
            Err(rejection) => {
                let (status, code, title) = match &rejection {
                    JsonRejection::MissingJsonContentType(_) => (
                        StatusCode::UNSUPPORTED_MEDIA_TYPE,
                        "unsupported-media-type",
                        "problem-unsupported",
                    ),
                    JsonRejection::BytesRejection(_) => (
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "too-large",
                        "problem-too-large",
                    ),
                    _ => return Err(malformed()),
                };
                Err(Problem::with(status, code, tr.get(title), Vec::new()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::lone_surrogates_replaced as fixed;

    /// A fuzzer sent `2251799813685247.0` for an integer: read without exact float parsing, it
    /// came back half a unit off, was no whole number, and the body was refused.
    #[test]
    fn whole_numbers_written_as_floats_read_exactly() {
        for text in [
            "2251799813685247.0",
            "4503599627370495.0",
            "8999999999999999.0",
            "3.0",
        ] {
            let mut value: serde_json::Value = serde_json::from_str(text).unwrap();
            super::whole_numbers(&mut value);
            let whole: i64 = text.trim_end_matches(".0").parse().unwrap();
            assert_eq!(value.as_i64(), Some(whole), "{text}");
        }
    }

    fn text(body: &str) -> String {
        String::from_utf8(fixed(body.as_bytes()).into_owned()).unwrap()
    }

    #[test]
    fn a_lone_surrogate_becomes_the_replacement_character() {
        assert_eq!(text(r#"{"a":"x\ud800y"}"#), r#"{"a":"x\ufffdy"}"#);
        assert_eq!(text(r#"{"a":"\udc00"}"#), r#"{"a":"\ufffd"}"#);
        assert_eq!(text(r#"["\uD83D"]"#), r#"["\ufffd"]"#);
        // A high surrogate followed by another high one: both are lone.
        assert_eq!(text(r#""\ud800\ud800""#), r#""\ufffd\ufffd""#);
        let value: serde_json::Value = serde_json::from_str(&text(r#"{"a":"\ud800"}"#)).unwrap();
        assert_eq!(value["a"], "\u{fffd}");
    }

    #[test]
    fn pairs_escaped_backslashes_and_other_escapes_are_left_alone() {
        for body in [
            r#"{"a":"\ud83d\ude00"}"#,
            r#"{"a":"\\ud800"}"#,
            r#"{"a":"\u00e9\n\"\\"}"#,
            r#"{"a":"plain"}"#,
            r#"{"a":"\"#,
            r#"{"a":"\ud80"#,
        ] {
            assert!(
                matches!(fixed(body.as_bytes()), std::borrow::Cow::Borrowed(_)),
                "{body}"
            );
        }
    }
}
