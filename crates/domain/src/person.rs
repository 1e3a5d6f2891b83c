//! The person in care, at its simplest. The full information form comes with the people issue.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonKind {
    Child,
    Adult,
}

impl PersonKind {
    pub fn code(self) -> &'static str {
        match self {
            PersonKind::Child => "child",
            PersonKind::Adult => "adult",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "child" => Some(PersonKind::Child),
            "adult" => Some(PersonKind::Adult),
            _ => None,
        }
    }
}

/// Age in whole years on `on`, or `None` when `on` is before the birth date.
pub fn age_on(date_of_birth: Date, on: Date) -> Option<i16> {
    if on < date_of_birth {
        return None;
    }
    let mut years = on.year() - date_of_birth.year();
    if (on.month(), on.day()) < (date_of_birth.month(), date_of_birth.day()) {
        years -= 1;
    }
    Some(years)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn age_counts_birthdays() {
        assert_eq!(age_on(date(2010, 6, 15), date(2026, 6, 14)), Some(15));
        assert_eq!(age_on(date(2010, 6, 15), date(2026, 6, 15)), Some(16));
        // Born on 29 February: a year passes on 1 March in non-leap years.
        assert_eq!(age_on(date(2008, 2, 29), date(2026, 2, 28)), Some(17));
        assert_eq!(age_on(date(2008, 2, 29), date(2026, 3, 1)), Some(18));
        assert_eq!(age_on(date(2030, 1, 1), date(2026, 1, 1)), None);
    }
}
