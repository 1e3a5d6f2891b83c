//! What the list pages and list endpoints share: how long a page is, where it ended (a cursor
//! that survives a query string), the link to the next one, and days in UK time.

use axum::http::header;
use axum::response::Response;
use homeward_app::AppError;
use homeward_app::episodes::{DEFAULT_PAGE, MAX_PAGE};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The page length asked for: 1 to [`MAX_PAGE`], [`DEFAULT_PAGE`] if not given.
pub fn page_limit(asked: Option<i64>) -> Result<i64, AppError> {
    match asked {
        Some(n) if !(1..=MAX_PAGE).contains(&n) => {
            Err(AppError::invalid("limit", "error-page-limit"))
        }
        Some(n) => Ok(n),
        None => Ok(DEFAULT_PAGE),
    }
}

/// Where a page ended, as text: hex of its JSON, so names with any characters in them pass
/// through a query string unharmed.
pub fn encode_cursor<T: Serialize>(end: &T) -> String {
    hex::encode(serde_json::to_vec(end).unwrap_or_default())
}

pub fn decode_cursor<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_slice(&hex::decode(text.trim()).ok()?).ok()
}

/// `path?k=v&…` with the given pairs (those with a value), encoded.
pub fn href(path: &str, pairs: &[(&str, Option<String>)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            query.append_pair(k, v);
        }
    }
    let query = query.finish();
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    }
}

/// Adds `Link: <next>; rel="next"` to an API answer.
pub fn link_next(response: &mut Response, next: &str) {
    if let Ok(value) = format!("<{next}>; rel=\"next\"").parse() {
        response.headers_mut().insert(header::LINK, value);
    }
}

/// The start of a day in UK time, from `YYYY-MM-DD`.
pub fn uk_day_start(text: &str) -> Option<jiff::Timestamp> {
    let date: jiff::civil::Date = text.trim().parse().ok()?;
    date.to_zoned(homeward_domain::time::london())
        .ok()
        .map(|z| z.timestamp())
}

/// The end of a day in UK time (the start of the next), from `YYYY-MM-DD`: 23 or 25 hours
/// after its start on the days the clocks change.
pub fn uk_day_end(text: &str) -> Option<jiff::Timestamp> {
    let date: jiff::civil::Date = text.trim().parse().ok()?;
    date.tomorrow()
        .ok()?
        .to_zoned(homeward_domain::time::london())
        .ok()
        .map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_23_or_25_hours_when_the_clocks_change() {
        let hours = |d: &str| {
            (uk_day_end(d).unwrap() - uk_day_start(d).unwrap())
                .total(jiff::Unit::Hour)
                .unwrap()
        };
        assert_eq!(hours("2026-03-29"), 23.0);
        assert_eq!(hours("2026-10-25"), 25.0);
        assert_eq!(hours("2026-11-29"), 24.0);
        assert_eq!(uk_day_start("29/11/2026"), None);
    }

    #[test]
    fn cursors_survive_any_name() {
        let end = ("O'Brien & Sons".to_string(), "Siân?".to_string(), 7);
        let text = encode_cursor(&end);
        assert!(text.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(decode_cursor::<(String, String, i32)>(&text), Some(end));
        assert_eq!(decode_cursor::<(String, String, i32)>("zz"), None);
    }

    #[test]
    fn links_keep_only_the_filters_given() {
        assert_eq!(
            href(
                "/audit",
                &[
                    ("who", Some("a b".into())),
                    ("record", None),
                    ("kind", Some(String::new()))
                ]
            ),
            "/audit?who=a+b"
        );
        assert_eq!(href("/audit", &[]), "/audit");
    }
}
