//! What each kind of chronology entry asks for, described once: which fields, how each is
//! typed in, how a submitted form becomes an [`Event`] (through the event's own serde shape,
//! so a form and the API cannot disagree), and how an entry reads back in the user's language
//! on a page or in a PDF.

use crate::FieldError;
use homeward_domain::episode::Event;
use homeward_domain::forms::parse_date;
use homeward_domain::time_entry::{Fold, london_instant, parse_time};
use homeward_i18n::Tr;
use jiff::Timestamp;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// How a field is typed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    Text,
    Long,
    Choice(&'static [&'static str]),
    YesNo,
    /// A date and a time in London, optional.
    Instant,
    /// A number carried by the page (the plan step), not typed.
    Hidden,
    /// A name carried by the page (the duty a "told" entry is for), not typed.
    Key,
}

#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub name: &'static str,
    pub input: Input,
    pub required: bool,
}

const fn need(name: &'static str, input: Input) -> Spec {
    Spec {
        name,
        input,
        required: true,
    }
}

const fn may(name: &'static str, input: Input) -> Spec {
    Spec {
        name,
        input,
        required: false,
    }
}

use Input::*;

const GRADES: &[&str] = &[
    "very_low",
    "low",
    "medium",
    "high",
    "no_apparent_risk",
    "absent2013",
    "not_graded",
];
const SCHEMES: &[&str] = &["england_wales_app", "scotland", "force_local"];
const LEVELS: &[&str] = &["low", "medium", "high"];
const WHEREABOUTS: &[&str] = &["unknown", "known"];
const NUMBERS: &[&str] = &["999", "101"];
const REFERRALS: &[&str] = &[
    "child_protection",
    "adult_safeguarding",
    "trafficking",
    "icta",
    "other",
];

/// The fields of each kind that staff add from a form (not "opened", which has its own page,
/// nor "amendment", which reuses the form of what it corrects).
pub fn specs(kind: &str) -> Option<&'static [Spec]> {
    Some(match kind {
        "step_done" => {
            const S: &[Spec] = &[need("step", Hidden), need("what", Text), may("found", Long)];
            S
        }
        "contact_made" => {
            const S: &[Spec] = &[
                need("name", Text),
                may("relationship", Text),
                may("learnt", Long),
                may("shared", Long),
            ];
            S
        }
        "place_searched" => {
            const S: &[Spec] = &[need("place", Text), may("found", Long)];
            S
        }
        "sighting" => {
            const S: &[Spec] = &[
                need("place", Text),
                may("seen_by", Text),
                may("details", Long),
            ];
            S
        }
        "person_updated" => {
            const S: &[Spec] = &[need("who", Text), need("what", Long)];
            S
        }
        "reported_to_police" => {
            const S: &[Spec] = &[
                need("force", Text),
                need("number", Choice(NUMBERS)),
                may("reference", Text),
                may("spoke_to", Text),
            ];
            S
        }
        "police_graded" => {
            const S: &[Spec] = &[
                need("grade", Choice(GRADES)),
                need("scheme", Choice(SCHEMES)),
                may("review_at", Instant),
            ];
            S
        }
        "provider_risk_assessed" => {
            const S: &[Spec] = &[need("level", Choice(LEVELS)), may("reasons", Long)];
            S
        }
        "whereabouts_changed" => {
            const S: &[Spec] = &[
                need("whereabouts", Choice(WHEREABOUTS)),
                may("details", Long),
            ];
            S
        }
        "note" => {
            const S: &[Spec] = &[need("text", Long)];
            S
        }
        "located" => {
            const S: &[Spec] = &[
                need("place", Text),
                may("town", Text),
                may("police_area", Text),
                may("found_by", Text),
                may("condition", Long),
                may("who_was_told", Long),
            ];
            S
        }
        "returned" => {
            const S: &[Spec] = &[
                need("to_where", Text),
                may("how", Text),
                need("via_police_station", YesNo),
                may("why_police_station", Long),
            ];
            S
        }
        "safe_and_well_check" => {
            const S: &[Spec] = &[need("by", Text), may("findings", Long)];
            S
        }
        "return_interview_offered" => {
            const S: &[Spec] = &[need("offered_by", Text), need("independent", YesNo)];
            S
        }
        "return_interview_declined" => {
            const S: &[Spec] = &[need("reason", Long), may("offer_again", Text)];
            S
        }
        "return_interview_held" => {
            const S: &[Spec] = &[
                need("held_by", Text),
                may("push_pull", Long),
                may("where_and_who", Long),
                may("harm", Long),
                may("exploitation", Long),
                may("own_words", Long),
                may("actions", Long),
                may("referrals", Long),
            ];
            S
        }
        "debrief" => {
            const S: &[Spec] = &[need("by", Text), may("notes", Long)];
            S
        }
        "plan_reviewed" => {
            const S: &[Spec] = &[need("by", Text), may("changes", Long)];
            S
        }
        "strategy_discussion" => {
            const S: &[Spec] = &[need("attendees", Long), may("decisions", Long)];
            S
        }
        "referral" => {
            const S: &[Spec] = &[need("to", Choice(REFERRALS)), may("details", Long)];
            S
        }
        "notified" => {
            const S: &[Spec] = &[need("duty", Key), need("who", Text), may("how", Text)];
            S
        }
        "duty_declined" => {
            const S: &[Spec] = &[need("duty", Key), need("reason", Long)];
            S
        }
        "acknowledged" => {
            const S: &[Spec] = &[need("page", Hidden)];
            S
        }
        "closed" => {
            const S: &[Spec] = &[need("summary", Long)];
            S
        }
        "recorded_in_error" => {
            const S: &[Spec] = &[need("reason", Long)];
            S
        }
        _ => return None,
    })
}

/// The kinds staff add, grouped as the episode page offers them.
pub const GROUPS: &[(&str, &[&str])] = &[
    (
        "episode-group-during",
        &[
            "contact_made",
            "place_searched",
            "sighting",
            "person_updated",
            "whereabouts_changed",
            "provider_risk_assessed",
            "note",
        ],
    ),
    (
        "episode-group-police",
        &["reported_to_police", "police_graded"],
    ),
    (
        "episode-group-found",
        &["located", "returned", "safe_and_well_check"],
    ),
    (
        "episode-group-after",
        &[
            "return_interview_offered",
            "return_interview_declined",
            "return_interview_held",
            "debrief",
            "plan_reviewed",
            "strategy_discussion",
            "referral",
        ],
    ),
    ("episode-group-end", &["closed", "recorded_in_error"]),
];

/// A submitted form's values by name.
pub type Values = BTreeMap<String, String>;

pub fn label_id(kind: &str, name: &str) -> String {
    format!("ev-{kind}-{name}")
}

pub fn choice_id(name: &str, value: &str) -> String {
    format!("choice-{name}-{value}")
}

/// Every message id the forms use, for the catalogue's completeness test.
pub fn message_ids() -> Vec<String> {
    let mut ids: Vec<String> = OPENED_FIELDS
        .iter()
        .map(|f| label_id("opened", f))
        .chain(WHEREABOUTS.iter().map(|w| choice_id("whereabouts", w)))
        .collect();
    for kind in Event::KINDS {
        ids.push(format!("event-{kind}"));
        for spec in specs(kind).unwrap_or(&[]) {
            if spec.input != Hidden {
                ids.push(label_id(kind, spec.name));
            }
            if let Choice(options) = spec.input {
                ids.extend(options.iter().map(|o| choice_id(spec.name, o)));
            }
        }
    }
    ids
}

/// Every duty's rule id, once each.
pub fn duty_ids() -> impl Iterator<Item = &'static str> {
    let rules = homeward_domain::duties::RULES;
    rules
        .iter()
        .enumerate()
        .filter(move |(i, r)| !rules[..*i].iter().any(|earlier| earlier.id == r.id))
        .map(|(_, r)| r.id)
}

/// A date and time typed as `{name}-day`, `-month`, `-year`, `-time` (and `-fold` for the
/// October hour). `Ok(None)` when all are empty.
pub fn instant(values: &Values, name: &str) -> Result<Option<Timestamp>, &'static str> {
    let get = |part: &str| {
        values
            .get(&format!("{name}-{part}"))
            .map(|v| v.trim())
            .unwrap_or("")
    };
    let (day, month, year, time) = (get("day"), get("month"), get("year"), get("time"));
    if [day, month, year, time].iter().all(|p| p.is_empty()) {
        return Ok(None);
    }
    let date = parse_date(day, month, year)?;
    let hm = parse_time(time)?;
    let fold = match get("fold") {
        "bst" => Some(Fold::Bst),
        "gmt" => Some(Fold::Gmt),
        _ => None,
    };
    london_instant(date, hm, fold).map(Some)
}

/// The values that show an instant in the boxes of [`instant`].
pub fn instant_values(values: &mut Values, name: &str, at: Timestamp) {
    let z = homeward_domain::time::in_london(at);
    values.insert(format!("{name}-day"), z.day().to_string());
    values.insert(format!("{name}-month"), z.month().to_string());
    values.insert(format!("{name}-year"), z.year().to_string());
    values.insert(
        format!("{name}-time"),
        format!("{:02}:{:02}", z.hour(), z.minute()),
    );
    // In the hour that happens twice, which one: without it the time would not read back.
    let twice = homeward_domain::time::london()
        .to_ambiguous_timestamp(z.datetime())
        .is_ambiguous();
    if twice {
        let fold = if z.offset().seconds() == 0 {
            "gmt"
        } else {
            "bst"
        };
        values.insert(format!("{name}-fold"), fold.into());
    }
}

/// The event a submitted form describes, or every problem with it, each naming its field.
/// An entry from a form: [`parse_fields`], and for closing, the reasons given for the duties
/// left open (`left-{rule}`).
pub fn parse(kind: &str, values: &Values) -> Result<Event, Vec<FieldError>> {
    let mut event = parse_fields(kind, values)?;
    if let Event::Closed { left_open, .. } = &mut event {
        for (name, value) in values {
            if let Some(duty) = name.strip_prefix("left-")
                && !value.trim().is_empty()
            {
                left_open.push(homeward_domain::episode::LeftOpen {
                    duty: duty.to_string(),
                    reason: value.trim().to_string(),
                });
            }
        }
    }
    Ok(event)
}

fn parse_fields(kind: &str, values: &Values) -> Result<Event, Vec<FieldError>> {
    let Some(specs) = specs(kind) else {
        return Err(vec![FieldError {
            field: "kind".into(),
            message: "error-choice-unknown",
        }]);
    };
    let mut errors = Vec::new();
    let mut object = Map::new();
    object.insert("kind".into(), Value::String(kind.into()));
    for spec in specs {
        let raw = values.get(spec.name).map(|v| v.trim()).unwrap_or("");
        let mut problem = |message| {
            errors.push(FieldError {
                field: spec.name.into(),
                message,
            })
        };
        let value = match spec.input {
            Text | Long => Value::String(raw.into()),
            Key => {
                if !raw.is_empty() && !duty_ids().any(|d| d == raw) {
                    problem("error-choice-unknown");
                    continue;
                }
                Value::String(raw.into())
            }
            Hidden => match raw.parse::<u16>() {
                Ok(n) => Value::from(n),
                Err(_) => {
                    problem("error-number");
                    continue;
                }
            },
            Choice(options) => {
                if raw.is_empty() {
                    Value::Null
                } else if options.contains(&raw) {
                    Value::String(raw.into())
                } else {
                    problem("error-choice-unknown");
                    continue;
                }
            }
            YesNo => match raw {
                "yes" => Value::Bool(true),
                "no" => Value::Bool(false),
                _ => Value::Null,
            },
            Instant => match instant(values, spec.name) {
                Ok(at) => at.map_or(Value::Null, |at| Value::String(at.to_string())),
                Err(message) => {
                    problem(message);
                    continue;
                }
            },
        };
        let empty = matches!(&value, Value::Null) || value.as_str().is_some_and(str::is_empty);
        if spec.required && empty {
            problem(if matches!(spec.input, Choice(_) | YesNo) {
                "error-choose"
            } else {
                "error-required"
            });
            continue;
        }
        object.insert(spec.name.into(), value);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    serde_json::from_value(Value::Object(object)).map_err(|_| {
        vec![FieldError {
            field: "kind".into(),
            message: "error-choice-unknown",
        }]
    })
}

/// An event's fields as form values, to start a correction from what was recorded.
pub fn values_of(event: &Event) -> Values {
    let mut out = Values::new();
    let Ok(Value::Object(object)) = serde_json::to_value(event) else {
        return out;
    };
    let specs = specs(event.kind()).unwrap_or(&[]);
    for spec in specs {
        match (spec.input, object.get(spec.name)) {
            (_, None | Some(Value::Null)) => {}
            (Instant, Some(Value::String(s))) => {
                if let Ok(at) = s.parse::<Timestamp>() {
                    instant_values(&mut out, spec.name, at);
                }
            }
            (YesNo, Some(Value::Bool(b))) => {
                out.insert(spec.name.into(), if *b { "yes" } else { "no" }.into());
            }
            (_, Some(Value::String(s))) => {
                out.insert(spec.name.into(), s.clone());
            }
            (_, Some(other)) => {
                out.insert(spec.name.into(), other.to_string());
            }
        }
    }
    out
}

/// One field of an event as it reads in the chronology: label and value, when filled in.
pub fn readable(t: Tr, event: &Event) -> Vec<(String, String)> {
    let values = values_of(event);
    let kind = event.kind();
    specs(kind)
        .unwrap_or(&[])
        .iter()
        .filter(|s| s.input != Hidden)
        .filter_map(|s| {
            let shown = match s.input {
                Key => values.get(s.name).map(|d| t.get(&format!("duty-{d}"))),
                Choice(_) => values.get(s.name).map(|v| t.get(&choice_id(s.name, v))),
                YesNo => values.get(s.name).map(|v| {
                    t.get(if v == "yes" {
                        "option-yes"
                    } else {
                        "option-no"
                    })
                }),
                Instant => instant(&values, s.name)
                    .ok()
                    .flatten()
                    .map(|at| t.date_time(at)),
                _ => values.get(s.name).filter(|v| !v.is_empty()).cloned(),
            }?;
            Some((t.get(&label_id(kind, s.name)), shown))
        })
        .collect()
}

/// The fields of the opening entry, which has its own page rather than a form here.
pub const OPENED_FIELDS: [&str; 5] = [
    "last_seen",
    "last_seen_place",
    "whereabouts",
    "clothing",
    "circumstances",
];

/// How long, in words: "2 days 3 hr 5 min", "40 min".
pub fn duration(t: Tr, d: jiff::SignedDuration) -> String {
    Durations::new(t).say(d)
}

/// The three shapes a duration is written in, looked up once for a page that writes many
/// ("2 d 3 hr 5 min", "3 hr 5 min", "5 min"), with `%d`, `%h` and `%m` where the numbers go:
/// the same patterns the board's script fills in as the minutes pass.
pub struct Durations {
    pub days_hours_minutes: String,
    pub hours_minutes: String,
    pub minutes: String,
}

impl Durations {
    pub fn new(t: Tr) -> Self {
        Self {
            days_hours_minutes: t.args(
                "duration-dhm",
                &[("days", "%d"), ("hours", "%h"), ("minutes", "%m")],
            ),
            hours_minutes: t.args("duration-hm", &[("hours", "%h"), ("minutes", "%m")]),
            minutes: t.with("duration-m", "minutes", "%m"),
        }
    }

    /// Whole minutes, never below none.
    pub fn say(&self, d: jiff::SignedDuration) -> String {
        let total = d.as_mins().max(0);
        let (days, hours, minutes) = (total / 1440, total / 60 % 24, total % 60);
        let pattern = if total >= 1440 {
            &self.days_hours_minutes
        } else if total >= 60 {
            &self.hours_minutes
        } else {
            &self.minutes
        };
        pattern
            .replace("%d", &days.to_string())
            .replace("%h", &hours.to_string())
            .replace("%m", &minutes.to_string())
    }
}

/// An entry as it reads in a chronology: a title and its filled-in fields. A correction reads
/// as what it corrects, its reason and the corrected fields.
pub fn describe(t: Tr, event: &Event) -> (String, Vec<(String, String)>) {
    let title = t.get(&format!("event-{}", event.kind()));
    match event {
        Event::Opened(o) => {
            let mut rows = Vec::new();
            let mut row = |name: &str, value: String| {
                if !value.trim().is_empty() {
                    rows.push((t.get(&label_id("opened", name)), value));
                }
            };
            row(
                "last_seen",
                o.last_seen.map(|w| t.date_time(w.at)).unwrap_or_default(),
            );
            row("last_seen_place", o.last_seen_place.clone());
            row(
                "whereabouts",
                o.whereabouts
                    .map(|w| t.get(&choice_id("whereabouts", w.code())))
                    .unwrap_or_default(),
            );
            row("clothing", o.clothing.clone());
            row("circumstances", o.circumstances.clone());
            (title, rows)
        }
        Event::Amendment {
            amends,
            reason,
            corrected,
        } => {
            let mut rows = vec![(t.get("ev-amendment-reason"), reason.clone())];
            if let Some(c) = corrected {
                rows.push((t.get("ev-amendment-when"), t.date_time(c.when.at)));
                rows.extend(describe(t, &c.event).1);
            }
            (
                t.with("event-amendment-of", "number", &amends.to_string()),
                rows,
            )
        }
        Event::Paged {
            reason,
            to_label,
            about,
            ..
        } => (
            t.args(
                "event-paged-to",
                &[
                    ("who", to_label.as_str()),
                    ("reason", &t.get(&format!("page-reason-{}", reason.code()))),
                ],
            ),
            // What else it told: each duty that was overdue, by name.
            about
                .iter()
                .filter_map(|topic| homeward_domain::escalation::overdue_rule(topic))
                .map(|rule| (t.get("event-paged-overdue"), t.get(&format!("duty-{rule}"))))
                .collect(),
        ),
        Event::EmergencyAccess { reason } => (
            title,
            vec![(t.get("ev-emergency_access-reason"), reason.clone())],
        ),
        Event::Acknowledged { page } => (
            t.with("event-acknowledged-page", "number", &page.to_string()),
            Vec::new(),
        ),
        other => (title, readable(t, other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> Values {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// The patterns filled in by hand say what the messages say when Fluent fills them with
    /// the numbers, in both languages and every shape (and never a negative time).
    #[test]
    fn durations_read_as_the_messages_do() {
        use homeward_domain::locale::Locale;
        for t in [Tr(Locale::English), Tr(Locale::Welsh)] {
            let shapes = Durations::new(t);
            for minutes in [
                0,
                1,
                2,
                59,
                60,
                61,
                119,
                1439,
                1440,
                1441,
                2 * 1440 + 3 * 60 + 5,
                100_000,
            ] {
                let (d, h, m) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
                let (ds, hs, ms) = (d.to_string(), h.to_string(), m.to_string());
                let fluent = if minutes >= 1440 {
                    t.args(
                        "duration-dhm",
                        &[("days", &ds), ("hours", &hs), ("minutes", &ms)],
                    )
                } else if minutes >= 60 {
                    t.args("duration-hm", &[("hours", &hs), ("minutes", &ms)])
                } else {
                    t.with("duration-m", "minutes", &ms)
                };
                let said = shapes.say(jiff::SignedDuration::from_mins(minutes));
                assert_eq!(said, fluent, "{minutes} minutes");
                assert!(!said.contains('%'), "{said}");
            }
            assert_eq!(
                shapes.say(jiff::SignedDuration::from_mins(-5)),
                shapes.say(jiff::SignedDuration::ZERO)
            );
        }
    }

    #[test]
    fn every_kind_with_a_form_parses_from_a_filled_form() {
        for kind in Event::KINDS {
            let Some(specs) = specs(kind) else { continue };
            let mut v = Values::new();
            for s in specs {
                match s.input {
                    Choice(options) => {
                        v.insert(s.name.into(), options[0].into());
                    }
                    YesNo => {
                        v.insert(s.name.into(), "no".into());
                    }
                    Hidden => {
                        v.insert(s.name.into(), "2".into());
                    }
                    Key => {
                        v.insert(s.name.into(), "tell_parents".into());
                    }
                    Instant => {}
                    Text | Long => {
                        v.insert(s.name.into(), "Something".into());
                    }
                }
            }
            let event = parse(kind, &v).unwrap_or_else(|e| panic!("{kind}: {e:?}"));
            assert_eq!(event.kind(), kind);
            // What a correction starts from gives back the same event.
            assert_eq!(parse(kind, &values_of(&event)).unwrap(), event, "{kind}");
        }
    }

    #[test]
    fn missing_and_unknown_answers_name_their_fields() {
        let e = parse("reported_to_police", &values(&[("number", "112")])).unwrap_err();
        let fields: Vec<_> = e.iter().map(|f| (f.field.as_str(), f.message)).collect();
        assert_eq!(
            fields,
            [
                ("force", "error-required"),
                ("number", "error-choice-unknown")
            ]
        );
        assert!(parse("opened", &Values::new()).is_err());
    }

    #[test]
    fn a_review_time_in_the_october_hour_needs_its_fold() {
        let mut v = values(&[("grade", "medium"), ("scheme", "england_wales_app")]);
        v.extend(values(&[
            ("review_at-day", "25"),
            ("review_at-month", "10"),
            ("review_at-year", "2026"),
            ("review_at-time", "1:30"),
        ]));
        let e = parse("police_graded", &v).unwrap_err();
        assert_eq!(e[0].message, "error-time-fold");
        v.insert("review_at-fold".into(), "gmt".into());
        let Event::PoliceGraded { review_at, .. } = parse("police_graded", &v).unwrap() else {
            panic!()
        };
        assert_eq!(review_at, Some("2026-10-25T01:30:00Z".parse().unwrap()));
    }
}
