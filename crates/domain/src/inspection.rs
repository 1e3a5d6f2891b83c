//! An inspection: a provider lets an inspectorate (Ofsted, Care Inspectorate Wales, the Care
//! Inspectorate) read its records, for one home or all of them, until a time (seed 003;
//! domain.md §4.2). The inspector reads as the provider's own staff would, but can change
//! nothing, and every page they open is in the provider's audit trail.
//!
//! An inspection is time-boxed: two weeks at most, and ended early by the provider at will.
//! Like grants, inspections and their endings are kept, never changed.

use jiff::{SignedDuration, Timestamp};

/// The longest an inspection's access may run.
pub const LONGEST: SignedDuration = SignedDuration::from_hours(14 * 24);
/// How many days the form offers unless told otherwise: an inspection's visit and writing up.
pub const USUAL_DAYS: i64 = 5;
/// The longest reference (the inspection's number, or a few words).
pub const REFERENCE_MAX: usize = 200;

/// What is wrong with an inspection as asked, each as (field, message id).
pub fn problems(
    reference: &str,
    now: Timestamp,
    ends_at: Option<Timestamp>,
) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    let reference = reference.trim();
    if reference.is_empty() {
        out.push(("reference", "error-inspection-reference"));
    } else if reference.chars().count() > REFERENCE_MAX {
        out.push(("reference", "error-inspection-reference-long"));
    }
    match ends_at {
        None => out.push(("ends", "error-inspection-ends")),
        Some(e) if e <= now => out.push(("ends", "error-grant-ends-past")),
        Some(e) if e > now + LONGEST => out.push(("ends", "error-inspection-ends-too-late")),
        Some(_) => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn an_inspection_needs_a_reference_and_an_end_within_two_weeks() {
        let now = at("2026-11-30T09:00:00Z");
        assert!(problems("SC123456", now, Some(at("2026-12-04T17:00:00Z"))).is_empty());
        assert!(
            problems(" ", now, Some(at("2026-12-04T17:00:00Z")))
                .contains(&("reference", "error-inspection-reference"))
        );
        assert_eq!(
            problems("x", now, Some(now)),
            [("ends", "error-grant-ends-past")]
        );
        assert_eq!(
            problems("x", now, Some(now + LONGEST + SignedDuration::from_secs(1))),
            [("ends", "error-inspection-ends-too-late")]
        );
        assert!(problems("x", now, Some(now + LONGEST)).is_empty());
        assert_eq!(
            problems("x", now, None),
            [("ends", "error-inspection-ends")]
        );
        assert_eq!(
            problems(&"x".repeat(REFERENCE_MAX + 1), now, Some(now + LONGEST)),
            [("reference", "error-inspection-reference-long")]
        );
    }
}
