//! What each episode contributes to learning: the facts the patterns pages and the reports
//! count, derived from the chronology (as corrected) and the duties when each entry is
//! written, so that no dashboard ever reads the history itself.
//!
//! One [`EpisodeFacts`] per episode and one [`DutyOutcome`] per duty. Both are pure functions
//! of the chronology, the duties and what was known of the person when it opened, so the
//! same facts come from writing entry by entry and from rebuilding them all at once.

use crate::duties::{Duty, Risks, Status};
use crate::episode::{Event, EventRecord, effective};
use crate::time::in_london;
use jiff::Timestamp;
use jiff::civil::Date;

/// How long after returning an English return home interview should be offered.
pub const INTERVIEW_OFFER_HOURS: i64 = 72;

/// Going missing again within this many days of coming back is a near repeat: the board,
/// the episode and the person's page say so at once.
pub const NEAR_REPEAT_DAYS: i64 = 28;

/// An episode as the patterns count it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EpisodeFacts {
    /// When they went missing: last seen, or when reported missing if nobody knows.
    pub started_at: Timestamp,
    /// That instant in UK time: the day, the day of the week (0 Monday … 6 Sunday) and the
    /// hour, for the time grid. Derived once: the clocks changing later moves nothing.
    pub start_day: Date,
    pub start_weekday: u8,
    pub start_hour: u8,
    /// Which of the person's episodes this is (1: the first Homeward knows of).
    pub episode_number: i64,
    /// When they were found (located, or back if nobody recorded finding them).
    pub found_at: Option<Timestamp>,
    /// How long they were away, in minutes, once found.
    pub away_minutes: Option<i64>,
    /// How long after going missing police were told, in minutes.
    pub reported_after_minutes: Option<i64>,
    pub police_grade: Option<String>,
    pub last_seen_place: String,
    pub found_place: String,
    pub found_town: String,
    pub found_police_area: String,
    pub returned_at: Option<Timestamp>,
    /// The return interview (England, Wales) or Return Discussion (Scotland): where it got
    /// to (`not_offered`, `offered`, `declined`, `held`), when first offered, how many times
    /// offered and declined.
    pub interview: String,
    pub interview_first_offered_at: Option<Timestamp>,
    pub interview_offers: i64,
    pub interview_declines: i64,
    /// Why it was last declined, as written.
    pub decline_reason: String,
    /// The person's risk indicators when it was written, as codes (`cse,self_harm`).
    pub risks: String,
    /// When they came back (or were found) from their episode before this one, if they had one.
    pub previous_return_at: Option<Timestamp>,
    /// `missing`, `located`, `returned`, `closed` or `recorded_in_error`.
    pub phase: String,
    /// It put the person at or over the organisation's repeat threshold (so many episodes in
    /// so many days, this one included) when it began.
    pub over_threshold: bool,
    /// A return interview (Return Discussion in Scotland) was expected for it: for every child
    /// in England, from the set episode in Wales, for everyone in Scotland.
    pub interview_expected: bool,
    /// Which of the places on the person's information form they were last seen and found
    /// at: its kind (`family`, `friend`, `hangout`…), [`NOT_ON_FORM`] when the place written
    /// is none of them, empty when no place was written.
    pub last_seen_kind: String,
    pub found_kind: String,
}

impl EpisodeFacts {
    /// How long after coming back from the last episode this one began, when that is within
    /// [`NEAR_REPEAT_DAYS`].
    pub fn near_repeat(&self) -> Option<jiff::SignedDuration> {
        near_repeat(self.started_at, self.previous_return_at?)
    }

    /// Offered within 72 hours of coming back; `None` until they are back and it is offered
    /// or the 72 hours have passed.
    pub fn interview_offered_in_time(&self, now: Timestamp) -> Option<bool> {
        let back = self.returned_at?;
        let limit = back + jiff::SignedDuration::from_hours(INTERVIEW_OFFER_HOURS);
        match self.interview_first_offered_at {
            Some(offered) => Some(offered <= limit),
            None if now > limit => Some(false),
            None => None,
        }
    }
}

/// How long after coming back at `came_back` someone went missing again at `started`, when
/// that is within [`NEAR_REPEAT_DAYS`].
pub fn near_repeat(started: Timestamp, came_back: Timestamp) -> Option<jiff::SignedDuration> {
    let since = started.duration_since(came_back);
    (since >= jiff::SignedDuration::ZERO
        && since <= jiff::SignedDuration::from_hours(24 * NEAR_REPEAT_DAYS))
    .then_some(since)
}

/// A place written during an episode that is none of the places on the person's form.
pub const NOT_ON_FORM: &str = "not_on_form";

/// A significant place on the person's information form: its kind and where it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KnownPlace {
    pub kind: String,
    pub place: String,
}

/// Which of the known places a place written during an episode is: the kind of the one it
/// names (`other` when the form gave no kind), [`NOT_ON_FORM`] when it names none of them,
/// empty when nothing was written. Staff write "Tesco, Queen St" where the form says
/// "Tesco Extra, Queen St, Cardiff", so a place matches when the words of one run on in
/// the other (case, punctuation and apostrophes aside); an exact match wins over a partial one.
pub fn place_kind(written: &str, known: &[KnownPlace]) -> String {
    let within = |hay: &[String], needle: &[String]| {
        !needle.is_empty()
            && needle.iter().map(String::len).sum::<usize>() >= 4
            && hay.windows(needle.len()).any(|w| w == needle)
    };
    let w = words(written);
    if w.is_empty() {
        return String::new();
    }
    let kind = |p: &KnownPlace| {
        if p.kind.is_empty() {
            "other".to_string()
        } else {
            p.kind.clone()
        }
    };
    let forms: Vec<(Vec<String>, &KnownPlace)> =
        known.iter().map(|p| (words(&p.place), p)).collect();
    if let Some((_, p)) = forms.iter().find(|(k, _)| !k.is_empty() && *k == w) {
        return kind(p);
    }
    forms
        .iter()
        .find(|(k, _)| within(k, &w) || within(&w, k))
        .map_or_else(|| NOT_ON_FORM.to_string(), |(_, p)| kind(p))
}

/// Little words that say where about a place rather than which place: "outside the skate
/// park" is the skate park.
const LITTLE_WORDS: &[&str] = &[
    "the", "a", "an", "at", "in", "on", "by", "near", "outside", "inside", "behind", "of", "y",
    "yr", "ger", "tu", "allan", "i",
];

/// The words of a name or place as they are compared: lower case, apostrophes dropped,
/// split at anything that is not a letter or digit, little words left out.
fn words(s: &str) -> Vec<String> {
    s.to_lowercase()
        .replace(['\'', '\u{2019}'], "")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !LITTLE_WORDS.contains(w))
        .map(str::to_string)
        .collect()
}

/// An associate named on a person's information form, keyed by the words of their name so
/// that "Jay  Smith" on one form and "jay smith" on another are the same person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Associate {
    pub key: String,
    pub name: String,
    /// `trusted`, `concern`, `unknown` or empty.
    pub trust: String,
}

/// Names that say how someone is related rather than who they are: two children who each
/// name "Mum" do not share an associate.
const RELATIONS: &[&str] = &[
    "mum",
    "mam",
    "mom",
    "mother",
    "dad",
    "father",
    "nan",
    "nana",
    "nain",
    "gran",
    "granny",
    "grandma",
    "grandad",
    "grandmother",
    "grandfather",
    "taid",
    "brother",
    "sister",
    "aunt",
    "auntie",
    "aunty",
    "uncle",
    "cousin",
    "carer",
    "friend",
    "friends",
    "boyfriend",
    "girlfriend",
    "partner",
    "stepmum",
    "stepdad",
    "teacher",
    "unknown",
    "none",
];

/// The associates on an information form, one per name, in the order written.
pub fn associates(profile: &crate::forms::Document) -> Vec<Associate> {
    let mut out: Vec<Associate> = Vec::new();
    for item in profile.items("associates", "associate") {
        let name = item.get("name").map(|n| n.trim()).unwrap_or_default();
        let w = words(name);
        if w.is_empty() || (w.len() == 1 && RELATIONS.contains(&w[0].as_str())) {
            continue;
        }
        let key = w.join(" ");
        if out.iter().any(|a| a.key == key) {
            continue;
        }
        out.push(Associate {
            key,
            name: name.to_string(),
            trust: item.get("trust").cloned().unwrap_or_default(),
        });
    }
    out
}

/// Records which of the person's known places they were last seen and found at.
pub fn places_known(f: &mut EpisodeFacts, known: &[KnownPlace]) {
    f.last_seen_kind = place_kind(&f.last_seen_place, known);
    f.found_kind = place_kind(&f.found_place, known);
}

/// How one duty went: its deadline, when it was done and how it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DutyOutcome {
    pub rule: String,
    pub due_at: Option<Timestamp>,
    /// When the entry that did it says it happened.
    pub done_at: Option<Timestamp>,
    /// `open`, `done`, `not_applicable`, `information` or `not_done_at_closing`.
    pub status: String,
}

impl DutyOutcome {
    /// Minutes late, if it was done after its deadline.
    pub fn late_minutes(&self) -> Option<i64> {
        let (due, done) = (self.due_at?, self.done_at?);
        (done > due).then(|| done.duration_since(due).as_mins())
    }
}

/// The facts of an episode from its chronology (as corrected), the person's risks, how many
/// episodes they had before it and when they came back from the last one.
pub fn facts(
    events: &[EventRecord],
    risks: &Risks,
    earlier_episodes: i64,
    previous_return_at: Option<Timestamp>,
) -> Option<EpisodeFacts> {
    let state = crate::episode::derive(events).ok()?;
    let started_at = state.last_seen.unwrap_or(state.opened).at;
    let local = in_london(started_at);
    let found_at = state.located.or(state.returned).map(|o| o.at);
    let mut f = EpisodeFacts {
        started_at,
        start_day: local.date(),
        start_weekday: local.weekday().to_monday_zero_offset() as u8,
        start_hour: local.hour() as u8,
        episode_number: earlier_episodes + 1,
        found_at,
        away_minutes: found_at.map(|at| at.duration_since(started_at).as_mins().max(0)),
        reported_after_minutes: state
            .reported
            .as_ref()
            .map(|(o, _)| o.at.duration_since(started_at).as_mins().max(0)),
        police_grade: state.police_grade.as_ref().map(|g| g.grade.code().into()),
        returned_at: state.returned.map(|o| o.at),
        interview: state.return_interview.code().into(),
        risks: risk_codes(risks),
        previous_return_at,
        phase: state.phase.code().into(),
        ..EpisodeFacts::default()
    };
    for (_, when, event) in effective(events).ok()? {
        match event {
            Event::Opened(o) => f.last_seen_place = o.last_seen_place.trim().to_string(),
            Event::Located(l) => {
                f.found_place = l.place.trim().to_string();
                f.found_town = l.town.trim().to_string();
                f.found_police_area = l.police_area.trim().to_string();
            }
            Event::ReturnInterviewOffered { .. } => {
                f.interview_offers += 1;
                f.interview_first_offered_at.get_or_insert(when.at);
            }
            Event::ReturnInterviewDeclined { reason, .. } => {
                f.interview_declines += 1;
                if !reason.trim().is_empty() {
                    f.decline_reason = reason.trim().to_string();
                }
            }
            _ => {}
        }
    }
    Some(f)
}

/// Records what the organisation's settings and the nation's guidance expected of an episode,
/// as they stood when it began (the context is worked out for its start).
pub fn expectations(f: &mut EpisodeFacts, context: &crate::duties::Context) {
    use crate::organisation::Nation;
    use crate::person::PersonKind;
    f.over_threshold = context.recent_episodes >= context.settings.strategy_after_episodes;
    let child = context.person == PersonKind::Child;
    f.interview_expected = match context.nation {
        Nation::England => child,
        Nation::Wales => child && f.episode_number >= context.settings.wales_interview_from_episode,
        Nation::Scotland => true,
    };
}

/// How each duty went, with the time the entry that did it gives; one per rule (the latest,
/// where a rule comes again), in rule order.
pub fn duty_outcomes(events: &[EventRecord], duties: &[Duty]) -> Vec<DutyOutcome> {
    let mut by_rule = std::collections::BTreeMap::new();
    for outcome in outcomes(events, duties) {
        by_rule.insert(outcome.rule.clone(), outcome);
    }
    by_rule.into_values().collect()
}

fn outcomes(events: &[EventRecord], duties: &[Duty]) -> Vec<DutyOutcome> {
    let when = |seq: i64| events.iter().find(|r| r.seq == seq).map(|r| r.when.at);
    duties
        .iter()
        .map(|d| {
            let (status, done_at) = match &d.status {
                // Whether an open duty is late is a matter of when one looks: its deadline
                // is kept, and the reader compares it with the time of asking.
                Status::Due | Status::Overdue => ("open", None),
                Status::Done { by } => ("done", by.iter().filter_map(|s| when(*s)).min()),
                Status::NotApplicable { .. } => ("not_applicable", None),
                Status::Information => ("information", None),
                Status::NotDoneAtClosing => ("not_done_at_closing", None),
            };
            DutyOutcome {
                rule: d.rule.to_string(),
                due_at: d.due_at,
                done_at,
                status: status.into(),
            }
        })
        .collect()
}

/// The indicators as the form writes them, in a fixed order.
pub fn risk_codes(r: &Risks) -> String {
    [
        (r.cse, "cse"),
        (r.cce, "cce"),
        (r.county_lines, "county_lines"),
        (r.trafficking, "trafficking"),
        (r.uasc, "uasc"),
        (r.self_harm, "self_harm"),
        (r.mental_health, "mental_health"),
        (r.substances, "substances"),
        (r.dementia, "dementia"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, code)| *code)
    .collect::<Vec<_>>()
    .join(",")
}

#[cfg(test)]
mod tests {
    #[test]
    fn what_was_expected_follows_the_nation_the_person_and_the_settings() {
        use crate::duties::{Context, DutySettings, Risks};
        use crate::organisation::{Nation, ServiceKind};
        use crate::person::PersonKind;
        let context = |nation, person, number: i64, recent| Context {
            nation,
            person,
            service: ServiceKind::ChildrensHome,
            looked_after: true,
            out_of_area: false,
            risks: Risks::default(),
            plan_report_after: None,
            plan_back_by: None,
            earlier_episodes: number - 1,
            recent_episodes: recent,
            settings: DutySettings::default(),
            known_places: Vec::new(),
        };
        let expected = |nation, person, number: i64, recent| {
            let mut f = EpisodeFacts {
                episode_number: number,
                ..EpisodeFacts::default()
            };
            expectations(&mut f, &context(nation, person, number, recent));
            (f.interview_expected, f.over_threshold)
        };
        use {Nation::*, PersonKind::*};
        // England: every child's episode; not an adult's. Three in thirty days is the default.
        assert_eq!(expected(England, Child, 1, 1), (true, false));
        assert_eq!(expected(England, Child, 5, 2), (true, false));
        assert_eq!(expected(England, Child, 3, 3), (true, true));
        assert_eq!(expected(England, Adult, 1, 1), (false, false));
        // Wales: from the third.
        assert_eq!(expected(Wales, Child, 2, 2), (false, false));
        assert_eq!(expected(Wales, Child, 3, 1), (true, false));
        // Scotland: a Return Discussion for everyone.
        assert_eq!(expected(Scotland, Adult, 1, 1), (true, false));
        // The organisation's own threshold.
        let mut c = context(England, Child, 2, 2);
        c.settings.strategy_after_episodes = 2;
        let mut f = EpisodeFacts::default();
        expectations(&mut f, &c);
        assert!(f.over_threshold);
    }

    #[test]
    fn a_place_written_during_an_episode_is_matched_to_the_form_by_its_words() {
        let known = [
            KnownPlace {
                kind: "family".into(),
                place: "Mum's flat, 12 Acacia Road, Cardiff".into(),
            },
            KnownPlace {
                kind: "hangout".into(),
                place: "Tesco Extra, Queen St".into(),
            },
            KnownPlace {
                kind: String::new(),
                place: "The skate park".into(),
            },
        ];
        // Part of a known place, in other case and punctuation.
        assert_eq!(place_kind("12 acacia road", &known), "family");
        assert_eq!(place_kind("Mums flat", &known), "family");
        // A known place inside a longer description.
        assert_eq!(
            place_kind("outside Tesco Extra, Queen St at 9", &known),
            "hangout"
        );
        // No kind on the form; the little words are no matter.
        assert_eq!(place_kind("skate park", &known), "other");
        assert_eq!(place_kind("Outside the skate park", &known), "other");
        // Somewhere new, and nothing written.
        assert_eq!(place_kind("Bus station", &known), NOT_ON_FORM);
        assert_eq!(place_kind("  ", &known), "");
        // Too little to go on: one short word matches nothing.
        assert_eq!(place_kind("St", &known), NOT_ON_FORM);
        assert_eq!(place_kind("Bus station", &[]), NOT_ON_FORM);
    }

    #[test]
    fn associates_are_keyed_by_their_names_words_and_relations_alone_are_left_out() {
        use crate::forms::{Document, SectionData};
        let item = |name: &str, trust: &str| {
            [("name", name), ("trust", trust)]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let mut section = SectionData::default();
        section.groups.insert(
            "associate".into(),
            vec![
                item("Jay  O'Neill", "concern"),
                item("Mum", "trusted"),
                item("jay oneill", "unknown"),
                item("Tiny", ""),
                item("  ", ""),
            ],
        );
        let profile = Document::default().with_section("associates", section);
        let found = associates(&profile);
        let keys: Vec<&str> = found.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(keys, ["jay oneill", "tiny"]);
        assert_eq!(found[0].name, "Jay  O'Neill");
        assert_eq!(found[0].trust, "concern");
    }

    use super::*;
    use crate::episode::{Located, Occurred, Opened, PoliceNumber, PoliceReport, Returned};

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    /// A chronology built entry by entry, each checked as the app checks it.
    struct Chronology(Vec<EventRecord>);

    impl Chronology {
        fn opened(last_seen: Timestamp, reported: Timestamp) -> Self {
            let mut c = Chronology(Vec::new());
            c.add(
                reported,
                Event::Opened(Opened {
                    last_seen: Some(Occurred::in_london(last_seen)),
                    last_seen_place: " Bus station ".into(),
                    ..Opened::default()
                }),
            );
            c
        }
        fn add(&mut self, when: Timestamp, event: Event) -> &mut Self {
            let record = EventRecord {
                seq: self.0.len() as i64 + 1,
                when: Occurred::in_london(when),
                recorded_at: when,
                recorded_by: None,
                recorded_by_label: "test".into(),
                event,
            };
            crate::episode::append(&self.0, &record).unwrap();
            self.0.push(record);
            self
        }
    }

    #[test]
    fn an_episode_across_the_october_clock_change_counts_real_minutes_and_its_own_hour() {
        // Last seen at 01:30 BST on the night the clocks go back (00:30 UTC), found at 01:30
        // GMT (the second 01:30, an hour later in real time).
        let mut c = Chronology::opened(at("2026-10-25T00:30:00Z"), at("2026-10-25T00:40:00Z"));
        c.add(
            at("2026-10-25T00:50:00Z"),
            Event::ReportedToPolice(PoliceReport {
                force: "Gwent".into(),
                number: PoliceNumber::NonEmergency,
                reference: "GW-1".into(),
                spoke_to: "PC Jones".into(),
            }),
        )
        .add(
            at("2026-10-25T01:30:00Z"),
            Event::Located(Located {
                place: "Friend's flat".into(),
                town: "Newport".into(),
                police_area: "Gwent".into(),
                found_by: "Police".into(),
                condition: "Well".into(),
                who_was_told: "Manager".into(),
            }),
        )
        .add(
            at("2026-10-25T02:30:00Z"),
            Event::Returned(Returned {
                to_where: "Home".into(),
                how: "Staff car".into(),
                via_police_station: false,
                why_police_station: String::new(),
            }),
        );
        let cse = Risks {
            cse: true,
            self_harm: true,
            ..Risks::default()
        };
        let f = facts(&c.0, &cse, 2, None).unwrap();
        assert_eq!(f.start_day, jiff::civil::date(2026, 10, 25));
        assert_eq!(
            (f.start_weekday, f.start_hour),
            (6, 1),
            "Sunday, 1 a.m. BST"
        );
        assert_eq!(
            f.away_minutes,
            Some(60),
            "an hour, though both clocks read 01:30"
        );
        assert_eq!(f.reported_after_minutes, Some(20));
        assert_eq!(f.episode_number, 3);
        assert_eq!(f.last_seen_place, "Bus station");
        assert_eq!(
            (
                f.found_place.as_str(),
                f.found_town.as_str(),
                f.found_police_area.as_str()
            ),
            ("Friend's flat", "Newport", "Gwent")
        );
        assert_eq!(f.risks, "cse,self_harm");
        assert_eq!(f.phase, "returned");
        // Not offered yet: in time until 72 hours after coming back, then late.
        let back = at("2026-10-25T02:30:00Z");
        assert_eq!(f.interview_offered_in_time(back), None);
        assert_eq!(
            f.interview_offered_in_time(back + jiff::SignedDuration::from_hours(73)),
            Some(false)
        );
        c.add(
            back + jiff::SignedDuration::from_hours(71),
            Event::ReturnInterviewOffered {
                offered_by: "Independent worker".into(),
                independent: true,
            },
        )
        .add(
            back + jiff::SignedDuration::from_hours(72),
            Event::ReturnInterviewDeclined {
                reason: "Tired".into(),
                offer_again: "Tomorrow".into(),
            },
        );
        let f = facts(&c.0, &cse, 2, None).unwrap();
        assert_eq!((f.interview_offers, f.interview_declines), (1, 1));
        assert_eq!(f.decline_reason, "Tired");
        assert_eq!(f.interview, "declined");
        assert_eq!(f.interview_offered_in_time(back), Some(true));
    }

    #[test]
    fn the_second_one_thirty_is_still_one_in_the_morning_and_the_spring_gap_is_two() {
        let gmt = facts(
            &Chronology::opened(at("2026-10-25T01:30:00Z"), at("2026-10-25T02:00:00Z")).0,
            &Risks::default(),
            0,
            None,
        )
        .unwrap();
        assert_eq!((gmt.start_weekday, gmt.start_hour), (6, 1));
        assert_eq!(gmt.episode_number, 1);
        assert_eq!(gmt.away_minutes, None);
        // 01:00 UTC on the spring change is 02:00 BST: the hour 01:00–02:00 never happens.
        let spring = facts(
            &Chronology::opened(at("2026-03-29T01:00:00Z"), at("2026-03-29T01:10:00Z")).0,
            &Risks::default(),
            0,
            None,
        )
        .unwrap();
        assert_eq!(spring.start_hour, 2);
        // Late on a Saturday in UTC is already Sunday in summer time.
        let late = facts(
            &Chronology::opened(at("2026-07-04T23:30:00Z"), at("2026-07-04T23:40:00Z")).0,
            &Risks::default(),
            0,
            None,
        )
        .unwrap();
        assert_eq!(late.start_day, jiff::civil::date(2026, 7, 5));
        assert_eq!((late.start_weekday, late.start_hour), (6, 0));
    }

    #[test]
    fn going_missing_again_within_28_days_of_coming_back_is_a_near_repeat() {
        let started = at("2026-11-29T20:00:00Z");
        let opened = Chronology::opened(started, started).0;
        let facts_after = |days: i64| {
            facts(
                &opened,
                &Risks::default(),
                1,
                Some(started - jiff::SignedDuration::from_hours(24 * days)),
            )
            .unwrap()
        };
        assert_eq!(
            facts_after(5).near_repeat(),
            Some(jiff::SignedDuration::from_hours(120))
        );
        assert!(facts_after(28).near_repeat().is_some());
        assert!(facts_after(29).near_repeat().is_none());
        assert!(
            facts(&opened, &Risks::default(), 0, None)
                .unwrap()
                .near_repeat()
                .is_none()
        );
    }

    #[test]
    fn a_duty_done_late_says_by_how_much() {
        let done = DutyOutcome {
            rule: "report_police".into(),
            due_at: Some(at("2026-10-25T01:00:00Z")),
            done_at: Some(at("2026-10-25T01:45:00Z")),
            status: "done".into(),
        };
        assert_eq!(done.late_minutes(), Some(45));
        let early = DutyOutcome {
            done_at: Some(at("2026-10-25T00:45:00Z")),
            ..done.clone()
        };
        assert_eq!(early.late_minutes(), None);
    }
}
