//! What is out of date about a person's information: the warnings on their page and the
//! "due for review" list.

use super::{DocKind, Document};
use jiff::civil::Date;

/// How old a photo may be before the page warns, per organisation (domain defaults: 3 months
/// for children, 12 for adults).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhotoAges {
    pub child_months: i8,
    pub adult_months: i8,
}

pub const DEFAULT_PHOTO_AGES: PhotoAges = PhotoAges {
    child_months: 3,
    adult_months: 12,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Warning {
    NoPhoto,
    PhotoOld {
        taken: Date,
    },
    /// A document is past its review date, or has none.
    ReviewDue {
        kind: DocKind,
        due: Option<Date>,
    },
    /// There is no document of this kind yet.
    Missing(DocKind),
}

impl Warning {
    /// The date the warning is about: when the photo was taken, or when a review was due.
    pub fn date(&self) -> Option<Date> {
        match self {
            Warning::PhotoOld { taken } => Some(*taken),
            Warning::ReviewDue { due, .. } => *due,
            _ => None,
        }
    }

    pub fn message(&self) -> &'static str {
        match self {
            Warning::NoPhoto => "warning-no-photo",
            Warning::PhotoOld { .. } => "warning-photo-old",
            Warning::ReviewDue {
                kind: DocKind::Profile,
                ..
            } => "warning-profile-review",
            Warning::ReviewDue {
                kind: DocKind::RiskAssessment,
                ..
            } => "warning-risk-review",
            Warning::ReviewDue {
                kind: DocKind::MissingPlan,
                ..
            } => "warning-plan-review",
            Warning::Missing(DocKind::Profile) => "warning-profile-missing",
            Warning::Missing(DocKind::RiskAssessment) => "warning-risk-missing",
            Warning::Missing(DocKind::MissingPlan) => "warning-plan-missing",
        }
    }
}

/// The review date field of each kind of document.
pub fn review_date(kind: DocKind, doc: &Document) -> Option<Date> {
    match kind {
        DocKind::Profile => doc.date("review", "next_review_date"),
        DocKind::RiskAssessment => doc.date("assessment", "review_date"),
        DocKind::MissingPlan => doc.date("review", "review_date"),
    }
}

/// A photo taken before this day is too old on `today`.
pub fn photo_cutoff(ages: PhotoAges, is_child: bool, today: Date) -> Date {
    let months = if is_child {
        ages.child_months
    } else {
        ages.adult_months
    };
    today
        .checked_sub(jiff::Span::new().months(months))
        .unwrap_or(today)
}

/// Everything out of date on `today`. `photo_taken` is the current photo's date, if any.
pub fn warnings(
    is_child: bool,
    docs: &[(DocKind, Option<&Document>)],
    photo_taken: Option<Option<Date>>,
    ages: PhotoAges,
    today: Date,
) -> Vec<Warning> {
    let mut out = Vec::new();
    match photo_taken {
        None => out.push(Warning::NoPhoto),
        Some(taken) => {
            let limit = photo_cutoff(ages, is_child, today);
            match taken {
                Some(t) if t >= limit => {}
                Some(t) => out.push(Warning::PhotoOld { taken: t }),
                None => out.push(Warning::PhotoOld { taken: today }),
            }
        }
    }
    for (kind, doc) in docs {
        match doc {
            None => out.push(Warning::Missing(*kind)),
            Some(d) => match review_date(*kind, d) {
                Some(due) if due >= today => {}
                due => out.push(Warning::ReviewDue { kind: *kind, due }),
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::SectionData;
    use jiff::civil::date;

    fn reviewed(section: &str, field: &str, on: &str) -> Document {
        Document::default().with_section(
            section,
            SectionData {
                fields: [(field.to_string(), on.to_string())].into(),
                ..Default::default()
            },
        )
    }

    #[test]
    fn photos_age_faster_for_children() {
        let today = date(2026, 11, 23);
        let taken = Some(Some(date(2026, 7, 1)));
        let child = warnings(true, &[], taken, DEFAULT_PHOTO_AGES, today);
        assert_eq!(
            child,
            vec![Warning::PhotoOld {
                taken: date(2026, 7, 1)
            }]
        );
        assert!(warnings(false, &[], taken, DEFAULT_PHOTO_AGES, today).is_empty());
        assert_eq!(
            warnings(true, &[], None, DEFAULT_PHOTO_AGES, today),
            vec![Warning::NoPhoto]
        );
    }

    #[test]
    fn documents_past_review_or_missing_are_flagged() {
        let today = date(2026, 11, 23);
        let plan = reviewed("review", "review_date", "2026-11-22");
        let risk = reviewed("assessment", "review_date", "2026-11-23");
        let profile = Document::default();
        let w = warnings(
            true,
            &[
                (DocKind::Profile, Some(&profile)),
                (DocKind::RiskAssessment, Some(&risk)),
                (DocKind::MissingPlan, Some(&plan)),
            ],
            Some(Some(today)),
            DEFAULT_PHOTO_AGES,
            today,
        );
        assert_eq!(
            w,
            vec![
                Warning::ReviewDue {
                    kind: DocKind::Profile,
                    due: None
                },
                Warning::ReviewDue {
                    kind: DocKind::MissingPlan,
                    due: Some(date(2026, 11, 22))
                },
            ]
        );
        let none = warnings(
            false,
            &[(DocKind::MissingPlan, None)],
            Some(Some(today)),
            DEFAULT_PHOTO_AGES,
            today,
        );
        assert_eq!(none, vec![Warning::Missing(DocKind::MissingPlan)]);
    }
}
