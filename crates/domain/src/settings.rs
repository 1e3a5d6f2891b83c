//! An organisation's own choices where the rules leave room: kept as one versioned record so
//! that what was in force at any time can be shown. New settings get a default, so an older
//! record still reads.

use crate::forms::Problem;
use crate::forms::review::PhotoAges;
use serde::{Deserialize, Serialize};

/// The shortest and longest a photo may go unrenewed, in months.
pub const PHOTO_AGE_MONTHS: std::ops::RangeInclusive<i8> = 1..=36;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrgSettings {
    /// A child's photo older than this many months is flagged for replacing.
    pub photo_age_child_months: i8,
    /// An adult's photo older than this many months is flagged for replacing.
    pub photo_age_adult_months: i8,
    /// What "promptly" and the other unnumbered clocks of the guidance mean here.
    pub duties: crate::duties::DutySettings,
}

impl Default for OrgSettings {
    /// Children change quickly: the Philomena Protocol asks for a recent photo, so three
    /// months; an adult's appearance changes more slowly, so a year.
    fn default() -> Self {
        Self {
            photo_age_child_months: 3,
            photo_age_adult_months: 12,
            duties: crate::duties::DutySettings::default(),
        }
    }
}

impl OrgSettings {
    pub fn photo_ages(&self) -> PhotoAges {
        PhotoAges {
            child_months: self.photo_age_child_months,
            adult_months: self.photo_age_adult_months,
        }
    }

    /// Settings from what a user typed; each problem names its field.
    pub fn from_input(child: &str, adult: &str) -> Result<OrgSettings, Vec<Problem>> {
        let months = |field: &str, text: &str| -> Result<i8, Problem> {
            let problem = |message| Problem {
                path: field.to_string(),
                message,
            };
            let text = text.trim();
            if text.is_empty() {
                return Err(problem("error-required"));
            }
            let n: i64 = text.parse().map_err(|_| problem("error-number"))?;
            i8::try_from(n)
                .ok()
                .filter(|n| PHOTO_AGE_MONTHS.contains(n))
                .ok_or_else(|| problem("error-photo-age-range"))
        };
        let child = months("photo_age_child_months", child);
        let adult = months("photo_age_adult_months", adult);
        match (child, adult) {
            (Ok(c), Ok(a)) => Ok(OrgSettings {
                photo_age_child_months: c,
                photo_age_adult_months: a,
                ..OrgSettings::default()
            }),
            (c, a) => Err([c.err(), a.err()].into_iter().flatten().collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_must_be_whole_and_sensible() {
        assert_eq!(
            OrgSettings::from_input("6", " 24 ").unwrap().photo_ages(),
            PhotoAges {
                child_months: 6,
                adult_months: 24
            }
        );
        let err = OrgSettings::from_input("0", "three").unwrap_err();
        assert_eq!(err[0].message, "error-photo-age-range");
        assert_eq!(err[1].message, "error-number");
        let err = OrgSettings::from_input("", "99999999999999999999").unwrap_err();
        assert_eq!(err[0].message, "error-required");
        assert_eq!(err[1].message, "error-number");
        assert_eq!(
            OrgSettings::from_input("37", "12").unwrap_err()[0].path,
            "photo_age_child_months"
        );
    }

    #[test]
    fn an_older_record_reads_with_defaults() {
        let old: OrgSettings = serde_json::from_str("{}").unwrap();
        assert_eq!(old, OrgSettings::default());
    }
}
