//! The message catalogue (Fluent files in `locales/`) and dates in both languages. Every word a
//! user reads, on a page, in a PDF or in an email, comes from here.

pub mod missing_policy;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use homeward_domain::locale::Locale;
use jiff::Timestamp;
use std::collections::HashMap;
use std::sync::LazyLock;
use unic_langid::LanguageIdentifier;

static_loader! {
    static LOCALES = {
        locales: "../../locales",
        fallback_language: "en-GB",
        // Unicode isolation marks around placeables confuse screen readers and tests.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static LANG_IDS: LazyLock<[LanguageIdentifier; 2]> = LazyLock::new(|| {
    [
        "en-GB".parse().unwrap_or_default(),
        "cy".parse().unwrap_or_default(),
    ]
});

/// A translator for one request's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tr(pub Locale);

impl Tr {
    fn lang(&self) -> &'static LanguageIdentifier {
        match self.0 {
            Locale::English => &LANG_IDS[0],
            Locale::Welsh => &LANG_IDS[1],
        }
    }

    /// The message for `id`. A missing id shows as itself (and a test forbids that).
    pub fn get(&self, id: &str) -> String {
        LOCALES.try_lookup(self.lang(), id).unwrap_or_else(|| {
            tracing::warn!(id, "missing message");
            id.to_string()
        })
    }

    /// The message for `id` with one named argument.
    pub fn with(&self, id: &str, name: &str, value: &str) -> String {
        let mut args = HashMap::new();
        args.insert(
            std::borrow::Cow::Owned(name.to_string()),
            fluent_value(value),
        );
        LOCALES
            .try_lookup_with_args(self.lang(), id, &args)
            .unwrap_or_else(|| id.to_string())
    }

    /// The message for `id` with several named arguments.
    pub fn args(&self, id: &str, values: &[(&str, &str)]) -> String {
        let mut args = HashMap::new();
        for (name, value) in values {
            args.insert(
                std::borrow::Cow::Owned(name.to_string()),
                fluent_value(value),
            );
        }
        LOCALES
            .try_lookup_with_args(self.lang(), id, &args)
            .unwrap_or_else(|| id.to_string())
    }

    /// The message for `id` with a number, for plurals (Welsh has six forms).
    pub fn count(&self, id: &str, count: usize) -> String {
        let mut args = HashMap::new();
        args.insert(
            std::borrow::Cow::Borrowed("count"),
            FluentValue::from(count),
        );
        LOCALES
            .try_lookup_with_args(self.lang(), id, &args)
            .unwrap_or_else(|| id.to_string())
    }

    /// The message for `id` if the catalogue has one, else `fallback` (for codes recorded by
    /// older versions, which stay readable as they were stored).
    pub fn get_or(&self, id: &str, fallback: &str) -> String {
        LOCALES
            .try_lookup(self.lang(), id)
            .unwrap_or_else(|| fallback.to_string())
    }

    /// A saved form value as a person reads it: option labels, dates in words, yes or no.
    pub fn value(&self, def: &homeward_domain::forms::FieldDef, value: &str) -> String {
        use homeward_domain::forms::FieldKind;
        match def.kind {
            FieldKind::Choice(_) | FieldKind::YesNo => self.get(&format!("option-{value}")),
            FieldKind::MultiChoice(_) => value
                .split(',')
                .map(|c| self.get(&format!("option-{c}")))
                .collect::<Vec<_>>()
                .join(", "),
            FieldKind::Date(_) => value
                .parse()
                .map(|d| self.date(d))
                .unwrap_or_else(|_| value.to_string()),
            FieldKind::Number { .. } if def.id == "height_cm" => format!("{value} cm"),
            _ => value.to_string(),
        }
    }

    pub fn locale(&self) -> Locale {
        self.0
    }

    /// "23 November 2026" / "23 Tachwedd 2026".
    pub fn date(&self, d: jiff::civil::Date) -> String {
        let month = MONTHS[usize::from(d.month().unsigned_abs()).saturating_sub(1) % 12];
        let name = match self.0 {
            Locale::English => month.0,
            Locale::Welsh => month.1,
        };
        format!("{} {} {}", d.day(), name, d.year())
    }

    /// "23 November 2026, 08:30" in Europe/London time; in Welsh with the twelve-hour time
    /// too, as many read it: "23 Tachwedd 2026, 22:10 (10:10yh)". In the hour the clocks go
    /// back, which happens twice, it says which: "01:30 BST" or "01:30 GMT".
    pub fn date_time(&self, at: Timestamp) -> String {
        let local = homeward_domain::time::in_london(at);
        let twice = homeward_domain::time::london()
            .to_ambiguous_timestamp(local.datetime())
            .is_ambiguous();
        let zone = match (twice, local.offset().seconds()) {
            (false, _) => "",
            (true, 0) => " GMT",
            (true, _) => " BST",
        };
        let twelve = match self.0 {
            Locale::English => String::new(),
            Locale::Welsh => {
                let (h, m) = (local.hour(), local.minute());
                let shown = if h % 12 == 0 { 12 } else { h % 12 };
                let half = if h < 12 { "yb" } else { "yh" };
                format!(" ({shown}:{m:02}{half})")
            }
        };
        format!(
            "{}, {:02}:{:02}{zone}{twelve}",
            self.date(local.date()),
            local.hour(),
            local.minute()
        )
    }
}

/// An argument as Fluent should see it. A whole number goes in as a number, so a message can
/// choose its form by it ("1 munud", "2 funud", "3 munud"); a string is only ever one form.
/// Digits that are not written as a number would be ("007", a phone number) stay text.
fn fluent_value(value: &str) -> FluentValue<'static> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    let canonical = !digits.is_empty()
        && digits.len() <= 15
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    match value.parse::<i64>() {
        Ok(n) if canonical => FluentValue::from(n),
        _ => FluentValue::from(value.to_string()),
    }
}

const MONTHS: [(&str, &str); 12] = [
    ("January", "Ionawr"),
    ("February", "Chwefror"),
    ("March", "Mawrth"),
    ("April", "Ebrill"),
    ("May", "Mai"),
    ("June", "Mehefin"),
    ("July", "Gorffennaf"),
    ("August", "Awst"),
    ("September", "Medi"),
    ("October", "Hydref"),
    ("November", "Tachwedd"),
    ("December", "Rhagfyr"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_follow_each_language() {
        let en = Tr(Locale::English);
        let cy = Tr(Locale::Welsh);
        assert_eq!(en.count("people-count", 1), "1 person");
        assert_eq!(en.count("people-count", 3), "3 people");
        assert_eq!(cy.count("people-count", 2), "2 berson");
        assert_eq!(cy.count("people-count", 3), "3 pherson");
        assert_eq!(cy.count("people-count", 12), "12 o bobl");
    }

    #[test]
    fn dates_in_both_languages_and_london_time() {
        let at: Timestamp = "2026-07-01T07:05:00Z".parse().unwrap();
        assert_eq!(Tr(Locale::English).date_time(at), "1 July 2026, 08:05");
        assert_eq!(
            Tr(Locale::Welsh).date_time(at),
            "1 Gorffennaf 2026, 08:05 (8:05yb)"
        );
        let evening: Timestamp = "2026-11-30T22:10:00Z".parse().unwrap();
        assert_eq!(
            Tr(Locale::Welsh).date_time(evening),
            "30 Tachwedd 2026, 22:10 (10:10yh)"
        );
        let midnight: Timestamp = "2026-11-30T00:10:00Z".parse().unwrap();
        assert!(
            Tr(Locale::Welsh)
                .date_time(midnight)
                .ends_with("00:10 (12:10yb)")
        );
    }
}
