//! The two languages of the interface and how a request's language is chosen.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Locale {
    #[default]
    #[serde(rename = "en-GB")]
    English,
    #[serde(rename = "cy")]
    Welsh,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::English, Locale::Welsh];

    /// The BCP 47 tag used in `<html lang>` and in the message catalogue.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::English => "en-GB",
            Locale::Welsh => "cy",
        }
    }

    /// The short code used in URLs and the language cookie.
    pub fn code(self) -> &'static str {
        match self {
            Locale::English => "en",
            Locale::Welsh => "cy",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "en" | "en-GB" => Some(Locale::English),
            "cy" | "cy-GB" => Some(Locale::Welsh),
            _ => None,
        }
    }

    /// The other language: what the header's switch offers.
    pub fn other(self) -> Self {
        match self {
            Locale::English => Locale::Welsh,
            Locale::Welsh => Locale::English,
        }
    }
}

/// Choose a locale: an explicit choice (the cookie) wins; otherwise the browser's
/// `Accept-Language`, by quality; otherwise English.
pub fn negotiate(chosen: Option<&str>, accept_language: Option<&str>) -> Locale {
    if let Some(locale) = chosen.and_then(Locale::from_code) {
        return locale;
    }
    let Some(header) = accept_language else {
        return Locale::English;
    };
    let mut best: Option<(f32, Locale)> = None;
    for item in header.split(',') {
        let mut parts = item.trim().split(';');
        let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let quality = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or("");
        let locale = match primary {
            "cy" => Locale::Welsh,
            "en" => Locale::English,
            _ => continue,
        };
        if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, locale));
        }
    }
    best.map(|(_, l)| l).unwrap_or(Locale::English)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn cookie_beats_header() {
        assert_eq!(negotiate(Some("cy"), Some("en-GB")), Locale::Welsh);
        assert_eq!(negotiate(Some("en"), Some("cy")), Locale::English);
    }

    #[test]
    fn header_by_quality() {
        assert_eq!(
            negotiate(None, Some("cy-GB,cy;q=0.9,en;q=0.8")),
            Locale::Welsh
        );
        assert_eq!(
            negotiate(None, Some("en-GB,en;q=0.9,cy;q=0.8")),
            Locale::English
        );
        assert_eq!(negotiate(None, Some("fr, cy;q=0.5")), Locale::Welsh);
        assert_eq!(negotiate(None, Some("cy;q=0")), Locale::English);
        assert_eq!(negotiate(None, None), Locale::English);
        assert_eq!(negotiate(Some("xx"), None), Locale::English);
    }

    proptest! {
        #[test]
        fn never_panics_on_any_header(h in ".*", c in ".*") {
            let _ = negotiate(Some(&c), Some(&h));
        }
    }
}
