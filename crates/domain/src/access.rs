//! Access a provider gives a partner organisation (a police force, a local authority, a
//! return-interview service) to one person, or to one episode, for a purpose, to some
//! sections of the record, until a time (seed 004; domain.md §4.2). Partners never belong to
//! the provider: what they see is what live grants cover, and nothing else.
//!
//! A grant never lasts more than 30 days without being made again, and one for an episode
//! ends 24 hours after the episode closes. Revoking ends it at once. Grants and their endings
//! are kept, never changed: the record shows who could see what, and when.

use jiff::{SignedDuration, Timestamp};

/// The kinds of organisation: providers of care, and the partners they share with.
pub const ORGANISATION_KINDS: &[&str] = &[
    "provider",
    "police",
    "local_authority",
    "return_interviews",
    "inspectorate",
];

/// Whether an organisation of this kind is a partner (reaches records only through grants).
pub fn is_partner_kind(kind: &str) -> bool {
    kind != "provider" && ORGANISATION_KINDS.contains(&kind)
}

/// Why access is given.
pub const PURPOSES: &[&str] = &[
    "find",
    "plan_return",
    "return_interview",
    "strategy_discussion",
];

/// The placing authority's standing link to a child it places: made by the provider from the
/// person's access page (not among [`PURPOSES`]), to a local authority only, opening every
/// section, and lasting until the provider ends it rather than [`LONGEST`].
pub const PLACING: &str = "placing_authority";
/// How long a placing authority's link lasts unless ended: in practice, until it is ended.
pub const PLACING_LASTS: SignedDuration = SignedDuration::from_hours(100 * 365 * 24);

/// The parts of the record a grant can open. `police_pack` is the police pack's fields only.
pub const SECTIONS: &[&str] = &[
    "police_pack",
    "information_form",
    "risk_assessment",
    "missing_plan",
    "chronology",
];

/// The sections a purpose usually needs: offered ticked on the form.
pub fn usual_sections(purpose: &str) -> &'static [&'static str] {
    match purpose {
        "find" => &["police_pack", "chronology"],
        "plan_return" => &["information_form", "missing_plan", "chronology"],
        "return_interview" => &["information_form", "chronology"],
        "strategy_discussion" => &[
            "information_form",
            "risk_assessment",
            "missing_plan",
            "chronology",
        ],
        PLACING => SECTIONS,
        _ => &[],
    }
}

/// The longest a grant may run before it must be given again.
pub const LONGEST: SignedDuration = SignedDuration::from_hours(30 * 24);
/// How long emergency access (break-glass) lasts.
pub const EMERGENCY: SignedDuration = SignedDuration::from_hours(4);
/// What emergency access opens: the police pack's details only.
pub const EMERGENCY_SECTIONS: &[&str] = &["police_pack"];

/// The longest a link to the police pack may work, and the default.
pub const PACK_LINK_LONGEST_HOURS: i64 = 12;
pub const PACK_LINK_USUAL_HOURS: i64 = 4;
/// Wrong codes a link takes before it stops working.
pub const PACK_LINK_TRIES: i64 = 5;

/// What a manager finds when reviewing a use of emergency access.
pub const REVIEW_OUTCOMES: &[&str] = &["justified", "not_justified"];

/// How long a grant for an episode outlives the episode's closing.
pub const AFTER_CLOSING: SignedDuration = SignedDuration::from_hours(24);

/// When a placing authority's link made at `now` ends, unless the provider ends it first.
pub fn placing_ends_at(now: Timestamp) -> Timestamp {
    now + PLACING_LASTS
}

/// When a grant given at `now` ends: when asked, but never later than [`LONGEST`] from now;
/// [`LONGEST`] from now if not asked.
pub fn ends_at(now: Timestamp, asked: Option<Timestamp>) -> Timestamp {
    let longest = now + LONGEST;
    asked.map_or(longest, |a| a.min(longest))
}

/// What is wrong with a grant as asked, each as (field, message id).
pub fn problems(
    purpose: &str,
    sections: &[String],
    now: Timestamp,
    asked_end: Option<Timestamp>,
) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    if !PURPOSES.contains(&purpose) {
        out.push(("purpose", "error-grant-purpose"));
    }
    if sections.is_empty() || sections.iter().any(|s| !SECTIONS.contains(&s.as_str())) {
        out.push(("sections", "error-grant-sections"));
    }
    if asked_end.is_some_and(|e| e <= now) {
        out.push(("ends", "error-grant-ends-past"));
    }
    if asked_end.is_some_and(|e| e > now + LONGEST) {
        out.push(("ends", "error-grant-ends-too-late"));
    }
    out
}

/// Whether someone from a partner in `role` may add an entry of `kind` to a chronology they
/// were given: police their report and reference, risk grade, sightings, where the person was
/// found and the safe and well check; return-interview workers the interview; social
/// workers strategy discussions and referrals.
pub fn partner_may_record(role: crate::role::Role, kind: &str) -> bool {
    use crate::role::Role::*;
    match role {
        Police => matches!(
            kind,
            "reported_to_police" | "police_graded" | "sighting" | "located" | "safe_and_well_check"
        ),
        ReturnInterviewWorker => matches!(
            kind,
            "return_interview_offered" | "return_interview_declined" | "return_interview_held"
        ),
        SocialWorker => matches!(kind, "strategy_discussion" | "referral"),
        _ => false,
    }
}

/// Whether a grant given until `ends_at`, ended early at `revoked_at` (if at all), is live
/// at `at`.
pub fn is_live(ends_at: Timestamp, revoked_at: Option<Timestamp>, at: Timestamp) -> bool {
    at < ends_at && revoked_at.is_none_or(|r| at < r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_grant_runs_thirty_days_at_most() {
        let now = at("2026-11-30T03:00:00Z");
        assert_eq!(ends_at(now, None), at("2026-12-30T03:00:00Z"));
        assert_eq!(
            ends_at(now, Some(at("2026-12-01T09:00:00Z"))),
            at("2026-12-01T09:00:00Z")
        );
        assert_eq!(
            ends_at(now, Some(at("2027-03-01T00:00:00Z"))),
            at("2026-12-30T03:00:00Z")
        );
    }

    #[test]
    fn a_grant_needs_a_purpose_known_sections_and_an_end_ahead() {
        let now = at("2026-11-30T03:00:00Z");
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(problems("find", &s(&["police_pack"]), now, None).is_empty());
        assert_eq!(
            problems("", &s(&[]), now, Some(at("2026-11-29T00:00:00Z"))),
            [
                ("purpose", "error-grant-purpose"),
                ("sections", "error-grant-sections"),
                ("ends", "error-grant-ends-past")
            ]
        );
        assert_eq!(
            problems(
                "find",
                &s(&["everything"]),
                now,
                Some(at("2027-01-30T00:00:00Z"))
            ),
            [
                ("sections", "error-grant-sections"),
                ("ends", "error-grant-ends-too-late")
            ]
        );
        for p in PURPOSES {
            assert!(usual_sections(p).iter().all(|s| SECTIONS.contains(s)));
        }
    }

    #[test]
    fn a_grant_is_live_until_it_ends_or_is_revoked() {
        let end = at("2026-12-01T00:00:00Z");
        assert!(is_live(end, None, at("2026-11-30T23:59:59Z")));
        assert!(!is_live(end, None, end));
        let revoked = Some(at("2026-11-30T12:00:00Z"));
        assert!(is_live(end, revoked, at("2026-11-30T11:59:59Z")));
        assert!(!is_live(end, revoked, at("2026-11-30T12:00:00Z")));
        assert!(is_partner_kind("police") && !is_partner_kind("provider"));
        use crate::role::Role;
        assert!(partner_may_record(Role::Police, "located"));
        assert!(!partner_may_record(Role::Police, "closed"));
        assert!(partner_may_record(
            Role::SocialWorker,
            "strategy_discussion"
        ));
        assert!(!partner_may_record(Role::Manager, "note"));
        assert!(!is_partner_kind("pirates"));
    }
}
