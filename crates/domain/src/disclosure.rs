//! Information shared about a person outside the organisation: what, with whom, why, on what
//! lawful basis, whether they agreed, and what they were told. Every share is recorded, and
//! never changed afterwards (seed 004; the DfE's seventh golden rule: "record what was shared,
//! with whom, why").
//!
//! The rule the seeds set for adults: their consent must be obtained unless there is a
//! significant safeguarding concern, which is then written down. For a child, consent is
//! sought where possible; sharing to protect them does not wait for it, but they are told
//! what will happen next.

use crate::person::PersonKind;

/// The UK GDPR article 6 bases a provider shares on.
pub const LAWFUL_BASES: &[&str] = &[
    "vital_interests",
    "legal_obligation",
    "public_task",
    "legitimate_interests",
    "recognised_legitimate_interest",
    "consent",
];

/// The article 9 / DPA 2018 schedule 1 conditions for the special category data (health,
/// for example) such shares usually carry.
pub const CONDITIONS: &[&str] = &[
    "safeguarding",
    "health_or_social_care",
    "vital_interests",
    "explicit_consent",
    "no_special_category",
];

/// Whether the person agreed to this share.
pub const CONSENT: &[&str] = &["given", "refused", "not_asked"];

/// One share, as recorded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Disclosure {
    /// What was shared, in the words of whoever shared it.
    pub what: String,
    /// Who it was shared with: the person and their organisation.
    pub recipient: String,
    pub purpose: String,
    /// One of [`LAWFUL_BASES`] and one of [`CONDITIONS`].
    pub lawful_basis: String,
    pub condition: String,
    /// One of [`CONSENT`].
    pub consent: String,
    /// Why it was shared without consent: the significant safeguarding concern.
    pub concern: String,
    /// What the person was told about it (or why they were not).
    pub told_person: String,
}

/// The longest any part of a disclosure may be.
pub const LONGEST: usize = 2_000;

/// What is missing, too long or not allowed, each as (field, message id). Sharing an adult's
/// information without their consent needs the safeguarding concern written down.
pub fn problems(d: &Disclosure, person: PersonKind) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    for (field, value, missing) in [
        ("what", &d.what, "error-disclosure-what"),
        ("recipient", &d.recipient, "error-disclosure-recipient"),
        ("purpose", &d.purpose, "error-disclosure-purpose"),
    ] {
        if value.trim().is_empty() {
            out.push((field, missing));
        }
    }
    for (field, value, list, missing) in [
        (
            "lawful_basis",
            &d.lawful_basis,
            LAWFUL_BASES,
            "error-disclosure-basis",
        ),
        (
            "condition",
            &d.condition,
            CONDITIONS,
            "error-disclosure-condition",
        ),
        ("consent", &d.consent, CONSENT, "error-disclosure-consent"),
    ] {
        if !list.contains(&value.as_str()) {
            out.push((field, missing));
        }
    }
    for (field, value) in [
        ("what", &d.what),
        ("recipient", &d.recipient),
        ("purpose", &d.purpose),
        ("concern", &d.concern),
        ("told_person", &d.told_person),
    ] {
        if value.chars().count() > LONGEST {
            out.push((field, "error-disclosure-too-long"));
        }
    }
    let without_consent = CONSENT.contains(&d.consent.as_str()) && d.consent != "given";
    if without_consent && person == PersonKind::Adult && d.concern.trim().is_empty() {
        out.push(("concern", "error-disclosure-adult-concern"));
    }
    if d.lawful_basis == "consent" && d.consent != "given" {
        out.push(("lawful_basis", "error-disclosure-consent-basis"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> Disclosure {
        Disclosure {
            what: "Photo, description and places she may go".into(),
            recipient: "PC Jones, Gwent Police".into(),
            purpose: "To find her".into(),
            lawful_basis: "vital_interests".into(),
            condition: "safeguarding".into(),
            consent: "not_asked".into(),
            concern: String::new(),
            told_person: "She will be told when she is back".into(),
        }
    }

    #[test]
    fn a_child_may_be_shared_about_without_consent_to_protect_them() {
        assert!(problems(&filled(), PersonKind::Child).is_empty());
    }

    #[test]
    fn an_adult_without_consent_needs_the_safeguarding_concern_written_down() {
        let d = filled();
        assert_eq!(
            problems(&d, PersonKind::Adult),
            [("concern", "error-disclosure-adult-concern")]
        );
        let refused = Disclosure {
            consent: "refused".into(),
            ..filled()
        };
        assert_eq!(problems(&refused, PersonKind::Adult).len(), 1);
        let with_concern = Disclosure {
            concern: "Has dementia, out overnight in freezing weather".into(),
            ..filled()
        };
        assert!(problems(&with_concern, PersonKind::Adult).is_empty());
        let agreed = Disclosure {
            consent: "given".into(),
            ..filled()
        };
        assert!(problems(&agreed, PersonKind::Adult).is_empty());
    }

    #[test]
    fn every_part_is_asked_for_and_consent_as_a_basis_needs_consent() {
        let empty = Disclosure::default();
        let fields: Vec<&str> = problems(&empty, PersonKind::Child)
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(
            fields,
            [
                "what",
                "recipient",
                "purpose",
                "lawful_basis",
                "condition",
                "consent"
            ]
        );
        let on_consent = Disclosure {
            lawful_basis: "consent".into(),
            ..filled()
        };
        assert_eq!(
            problems(&on_consent, PersonKind::Child),
            [("lawful_basis", "error-disclosure-consent-basis")]
        );
        let long = Disclosure {
            what: "x".repeat(LONGEST + 1),
            ..filled()
        };
        assert_eq!(
            problems(&long, PersonKind::Child),
            [("what", "error-disclosure-too-long")]
        );
    }
}
