//! Escalation: who is paged, about what, and who next if nobody answers.
//!
//! Each service has an on-call rota. Opening an episode, a high risk grade, a duty going
//! overdue and the person being found each page the first person in the chain (who is on call
//! now, then the default manager, then the safeguarding leads); if nobody acknowledges within
//! the rota's time, the next in the chain is paged. Pages and acknowledgements are entries in
//! the chronology, so this is a pure function of the chronology, the duties and the chain.

use crate::duties::{Duty, Status};
use crate::episode::{Event, EventRecord, PoliceGrade, ProviderRisk};
use crate::forms::Problem;
use crate::ids::UserId;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// How long the on-call person has to acknowledge, unless the rota says otherwise.
pub const DEFAULT_ESCALATE_AFTER_MINUTES: i64 = 15;

/// Someone who can be paged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub user: UserId,
    /// Their name, as the chronology shows it.
    pub label: String,
}

/// One stretch on call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shift {
    pub contact: Contact,
    pub from: Timestamp,
    pub to: Timestamp,
}

/// A service's on-call rota.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Rota {
    pub shifts: Vec<Shift>,
    /// Paged when nobody is on call (the registered manager, usually).
    pub default_contact: Option<Contact>,
    pub escalate_after_minutes: i64,
}

impl Default for Rota {
    fn default() -> Self {
        Self {
            shifts: Vec::new(),
            default_contact: None,
            escalate_after_minutes: DEFAULT_ESCALATE_AFTER_MINUTES,
        }
    }
}

impl Rota {
    /// Who to page at `at`, in order: those on call (earliest shift first), the default
    /// contact, then the safeguarding leads; nobody twice.
    pub fn chain(&self, at: Timestamp, leads: &[Contact]) -> Vec<Contact> {
        let mut on: Vec<&Shift> = self
            .shifts
            .iter()
            .filter(|s| s.from <= at && at < s.to)
            .collect();
        on.sort_by_key(|s| s.from);
        let mut chain: Vec<Contact> = Vec::new();
        let candidates = on
            .into_iter()
            .map(|s| &s.contact)
            .chain(self.default_contact.iter())
            .chain(leads.iter());
        for c in candidates {
            if !chain.iter().any(|x| x.user == c.user) {
                chain.push(c.clone());
            }
        }
        chain
    }

    /// Problems with a rota as submitted, each naming its place (`shifts.2.to`).
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        for (i, s) in self.shifts.iter().enumerate() {
            if s.to <= s.from {
                out.push(Problem {
                    path: format!("shifts.{i}.to"),
                    message: "error-rota-ends-before",
                });
            }
        }
        if !(1..=240).contains(&self.escalate_after_minutes) {
            out.push(Problem {
                path: "escalate_after_minutes".into(),
                message: "error-rota-escalate-range",
            });
        }
        out
    }
}

/// Why someone is paged: the four reason groups. Each group pages once per episode; what
/// goes overdue later is added to the page already waiting, not paged on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageReason {
    Opened,
    HighRisk,
    DutyOverdue,
    Found,
    /// Police used emergency access to the record.
    EmergencyAccess,
}

impl PageReason {
    pub fn code(self) -> &'static str {
        match self {
            PageReason::Opened => "opened",
            PageReason::HighRisk => "high_risk",
            PageReason::DutyOverdue => "duty_overdue",
            PageReason::Found => "found",
            PageReason::EmergencyAccess => "emergency_access",
        }
    }

    /// The reason group a topic (`opened`, `overdue:tell_police`…) belongs to.
    pub fn of_topic(topic: &str) -> PageReason {
        match topic {
            "opened" => PageReason::Opened,
            "high_risk" => PageReason::HighRisk,
            "found" => PageReason::Found,
            t if t.starts_with("emergency_access") => PageReason::EmergencyAccess,
            _ => PageReason::DutyOverdue,
        }
    }
}

/// The duty an `overdue:{rule}` topic names.
pub fn overdue_rule(topic: &str) -> Option<&str> {
    topic.strip_prefix("overdue:")
}

/// A page to send now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    /// The page's thread: an escalation keeps the key of the page it follows.
    pub key: String,
    pub reason: PageReason,
    /// 0 for the first in the chain, 1 for the next…
    pub level: u8,
    pub to: Contact,
    /// Everything it tells, in order: `opened`, `found`, `high_risk`, then `overdue:{rule}`.
    pub about: Vec<String>,
}

/// A page in the chronology.
struct Sent<'a> {
    seq: i64,
    at: Timestamp,
    level: u8,
    key: &'a str,
    reason: PageReason,
    about: Vec<String>,
}

fn sent(events: &[EventRecord]) -> Vec<Sent<'_>> {
    events
        .iter()
        .filter_map(|r| match &r.event {
            Event::Paged {
                key,
                reason,
                level,
                about,
                ..
            } => Some(Sent {
                seq: r.seq,
                at: r.recorded_at,
                level: *level,
                key,
                reason: *reason,
                // Older pages told only their key.
                about: if about.is_empty() {
                    vec![key.clone()]
                } else {
                    about.clone()
                },
            }),
            _ => None,
        })
        .collect()
}

/// The pages nobody has answered, by entry number. An acknowledgement says "I have this
/// episode in hand": it answers every page recorded before it.
pub fn unanswered(events: &[EventRecord]) -> Vec<i64> {
    let last_ack = events
        .iter()
        .filter(|r| matches!(r.event, Event::Acknowledged { .. }))
        .map(|r| r.seq)
        .max()
        .unwrap_or(0);
    sent(events)
        .into_iter()
        .filter(|p| p.seq > last_ack)
        .map(|p| p.seq)
        .collect()
}

/// Who has been paged about the episode (the people an acknowledgement may come from, with
/// those above them in the chain).
pub fn paged_users(events: &[EventRecord]) -> Vec<UserId> {
    events
        .iter()
        .filter_map(|r| match &r.event {
            Event::Paged { to: Some(to), .. } => Some(*to),
            _ => None,
        })
        .collect()
}

fn ended(events: &[EventRecord]) -> bool {
    events.iter().any(|r| {
        matches!(
            r.event,
            Event::Closed { .. } | Event::RecordedInError { .. }
        )
    })
}

fn returned(events: &[EventRecord]) -> bool {
    events.iter().any(|r| matches!(r.event, Event::Returned(_)))
}

/// What is worth telling the on-call person about now, most important first. Once the person
/// is back, overdue duties (a return interview, a plan review) wait for the day, not a page.
fn topics(events: &[EventRecord], duties: &[Duty]) -> Vec<String> {
    let mut out = vec!["opened".to_string()];
    if events
        .iter()
        .any(|r| matches!(r.event, Event::Located(_) | Event::Returned(_)))
    {
        out.push("found".into());
    }
    let high = events.iter().any(|r| {
        matches!(
            r.event,
            Event::PoliceGraded {
                grade: PoliceGrade::High,
                ..
            } | Event::ProviderRiskAssessed {
                level: ProviderRisk::High,
                ..
            }
        )
    });
    if high {
        out.push("high_risk".into());
    }
    // Each use of emergency access is told on its own.
    out.extend(
        events
            .iter()
            .filter(|r| matches!(r.event, Event::EmergencyAccess { .. }))
            .map(|r| format!("emergency_access:{}", r.seq)),
    );
    if !returned(events) {
        out.extend(
            duties
                .iter()
                .filter(|d| d.status == Status::Overdue)
                .map(|d| format!("overdue:{}", d.rule)),
        );
    }
    out
}

/// What pages have told already.
fn told(pages: &[Sent<'_>]) -> Vec<String> {
    pages.iter().flat_map(|p| p.about.iter().cloned()).collect()
}

/// The pages that should go out at `now`: at most one new page per reason group, and an
/// escalation when the page waiting has gone unanswered for `escalate_after`.
///
/// One page per episode waits at a time for overdue duties: a duty that goes overdue while
/// a page waits is added to that page (the app shows the page with what is overdue now, and
/// an escalation tells it), so the on-call person acknowledges the episode once, not each
/// duty. An episode recorded after the fact pages once, telling what was already late.
pub fn pages_due(
    events: &[EventRecord],
    duties: &[Duty],
    chain: &[Contact],
    escalate_after: SignedDuration,
    now: Timestamp,
) -> Vec<Page> {
    if ended(events) || events.is_empty() || chain.is_empty() {
        return Vec::new();
    }
    let pages = sent(events);
    let told = told(&pages);
    let fresh: Vec<String> = topics(events, duties)
        .into_iter()
        .filter(|t| !told.contains(t))
        .collect();
    let waiting_seqs = unanswered(events);
    let waiting: Vec<&Sent<'_>> = pages
        .iter()
        .filter(|p| waiting_seqs.contains(&p.seq))
        .collect();
    // A new reason group (not an overdue duty, which joins the page waiting).
    let news = fresh
        .iter()
        .map(|t| PageReason::of_topic(t))
        .find(|r| *r != PageReason::DutyOverdue);
    let Some(latest) = waiting.iter().max_by_key(|p| p.seq) else {
        // Police using emergency access leads the page, whatever else it tells.
        let lead = fresh
            .iter()
            .find(|t| PageReason::of_topic(t) == PageReason::EmergencyAccess)
            .or(fresh.first());
        return match lead {
            Some(first) => vec![Page {
                key: PageReason::of_topic(first).code().into(),
                reason: PageReason::of_topic(first),
                level: 0,
                to: chain[0].clone(),
                about: fresh,
            }],
            None => Vec::new(),
        };
    };
    let level = waiting.iter().map(|p| p.level).max().unwrap_or(0);
    if now.duration_since(latest.at) >= escalate_after
        && let Some(to) = chain.get(usize::from(level) + 1)
    {
        let mut about: Vec<String> = Vec::new();
        for t in waiting.iter().flat_map(|p| p.about.iter()).chain(&fresh) {
            if !about.contains(t) {
                about.push(t.clone());
            }
        }
        about.sort_by_key(|t| topic_rank(t));
        return vec![Page {
            key: latest.key.to_string(),
            reason: news.unwrap_or(latest.reason),
            level: level + 1,
            to: to.clone(),
            about,
        }];
    }
    match news {
        Some(reason) => vec![Page {
            key: reason.code().into(),
            reason,
            level: 0,
            to: chain[0].clone(),
            about: fresh,
        }],
        None => Vec::new(),
    }
}

fn topic_rank(topic: &str) -> u8 {
    match PageReason::of_topic(topic) {
        PageReason::Opened => 0,
        PageReason::EmergencyAccess => 1,
        PageReason::Found => 1,
        PageReason::HighRisk => 2,
        PageReason::DutyOverdue => 3,
    }
}

/// When the escalation pass next needs to look at this episode, if ever: when a page waiting
/// may go to the next person, when a duty not yet paged about falls due, or now if something
/// is due now. `chain_len` is how many people can be paged.
pub fn next_look(
    events: &[EventRecord],
    duties: &[Duty],
    chain_len: usize,
    escalate_after: SignedDuration,
    now: Timestamp,
) -> Option<Timestamp> {
    if ended(events) || events.is_empty() || chain_len == 0 {
        return None;
    }
    if !pages_due_ignoring_chain(events, duties, chain_len, escalate_after, now) {
        let pages = sent(events);
        let told = told(&pages);
        let waiting_seqs = unanswered(events);
        let waiting: Vec<&Sent<'_>> = pages
            .iter()
            .filter(|p| waiting_seqs.contains(&p.seq))
            .collect();
        let mut next: Option<Timestamp> = None;
        let mut consider = |t: Timestamp| next = Some(next.map_or(t, |n: Timestamp| n.min(t)));
        if let Some(latest) = waiting.iter().max_by_key(|p| p.seq) {
            let level = waiting.iter().map(|p| p.level).max().unwrap_or(0);
            if usize::from(level) + 1 < chain_len {
                consider(latest.at + escalate_after);
            }
        }
        if !returned(events) {
            for d in duties.iter().filter(|d| d.status == Status::Due) {
                if let Some(due) = d.due_at
                    && !told.contains(&format!("overdue:{}", d.rule))
                {
                    // Overdue the moment after its deadline.
                    consider(due.max(now) + SignedDuration::from_millis(1));
                }
            }
        }
        return next;
    }
    Some(now)
}

/// Whether a page is due now, with a chain of `chain_len` people (who they are does not
/// change whether).
fn pages_due_ignoring_chain(
    events: &[EventRecord],
    duties: &[Duty],
    chain_len: usize,
    escalate_after: SignedDuration,
    now: Timestamp,
) -> bool {
    let stand_ins: Vec<Contact> = (0..chain_len)
        .map(|n| Contact {
            user: UserId(uuid::Uuid::from_u128(n as u128 + 1)),
            label: String::new(),
        })
        .collect();
    !pages_due(events, duties, &stand_ins, escalate_after, now).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::episode::{Occurred, Opened};

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn contact(n: u128, label: &str) -> Contact {
        Contact {
            user: UserId(uuid::Uuid::from_u128(n)),
            label: label.into(),
        }
    }

    fn record(seq: i64, when: Timestamp, event: Event) -> EventRecord {
        EventRecord {
            seq,
            when: Occurred::in_london(when),
            recorded_at: when,
            recorded_by: None,
            recorded_by_label: "Homeward".into(),
            event,
        }
    }

    #[test]
    fn the_chain_is_who_is_on_then_the_default_then_the_leads() {
        let (a, b, m, lead) = (
            contact(1, "Ann"),
            contact(2, "Bryn"),
            contact(3, "Manager"),
            contact(4, "Lead"),
        );
        let rota = Rota {
            shifts: vec![
                Shift {
                    contact: b.clone(),
                    from: at("2026-11-23T17:00:00Z"),
                    to: at("2026-11-24T09:00:00Z"),
                },
                Shift {
                    contact: a.clone(),
                    from: at("2026-11-23T09:00:00Z"),
                    to: at("2026-11-23T21:00:00Z"),
                },
            ],
            default_contact: Some(m.clone()),
            escalate_after_minutes: 15,
        };
        assert_eq!(
            rota.chain(at("2026-11-23T18:00:00Z"), &[lead.clone(), m.clone()]),
            vec![a.clone(), b.clone(), m.clone(), lead.clone()]
        );
        assert_eq!(
            rota.chain(at("2026-11-24T12:00:00Z"), std::slice::from_ref(&lead)),
            vec![m, lead]
        );
        assert!(rota.problems().is_empty());
        let bad = Rota {
            shifts: vec![Shift {
                contact: a,
                from: at("2026-11-23T09:00:00Z"),
                to: at("2026-11-23T09:00:00Z"),
            }],
            escalate_after_minutes: 0,
            ..Rota::default()
        };
        let paths: Vec<String> = bad.problems().into_iter().map(|p| p.path).collect();
        assert_eq!(paths, ["shifts.0.to", "escalate_after_minutes"]);
    }

    #[test]
    fn an_unanswered_page_goes_to_the_next_in_the_chain_and_an_answer_stops_it() {
        let chain = [contact(1, "Ann"), contact(2, "Manager"), contact(3, "Lead")];
        let t0 = at("2026-11-23T22:00:00Z");
        let mut events = vec![record(1, t0, Event::Opened(Opened::default()))];
        let fifteen = SignedDuration::from_mins(15);
        let due = |events: &[EventRecord], now| pages_due(events, &[], &chain, fifteen, now);
        let first = due(&events, t0);
        assert_eq!(first.len(), 1);
        assert_eq!((first[0].key.as_str(), first[0].level), ("opened", 0));
        assert_eq!(first[0].to.label, "Ann");
        let paged = |seq, when, level: u8, to: &Contact| {
            record(
                seq,
                when,
                Event::Paged {
                    key: "opened".into(),
                    reason: PageReason::Opened,
                    to: Some(to.user),
                    to_label: to.label.clone(),
                    level,
                    about: vec!["opened".into()],
                },
            )
        };
        events.push(paged(2, t0, 0, &chain[0]));
        // Not yet: fourteen minutes on, nothing new.
        assert!(due(&events, t0 + SignedDuration::from_mins(14)).is_empty());
        let next = due(&events, t0 + fifteen);
        assert_eq!((next[0].level, next[0].to.label.as_str()), (1, "Manager"));
        events.push(paged(3, t0 + fifteen, 1, &chain[1]));
        events.push(paged(4, t0 + fifteen * 2, 2, &chain[2]));
        // The end of the chain: nobody further to page.
        assert!(due(&events, t0 + fifteen * 5).is_empty());
        // The manager answers the second page: that ends it for this key.
        let mut answered = events[..3].to_vec();
        answered.push(record(
            4,
            t0 + SignedDuration::from_mins(20),
            Event::Acknowledged { page: 3 },
        ));
        assert!(due(&answered, t0 + fifteen * 4).is_empty());
    }

    fn duty(rule: &'static str, due_at: Timestamp, status: Status) -> Duty {
        Duty {
            rule,
            who: crate::duties::Who::Carer,
            trigger: crate::duties::Trigger::Opened,
            started_at: due_at,
            due_at: Some(due_at),
            status,
            source: crate::duties::Source {
                document: "",
                section: "",
            },
        }
    }

    fn page_of(seq: i64, when: Timestamp, page: &Page) -> EventRecord {
        record(
            seq,
            when,
            Event::Paged {
                key: page.key.clone(),
                reason: page.reason,
                to: Some(page.to.user),
                to_label: page.to.label.clone(),
                level: page.level,
                about: page.about.clone(),
            },
        )
    }

    #[test]
    fn duties_going_overdue_join_the_page_waiting_and_an_escalation_tells_them() {
        let chain = [contact(1, "Ann"), contact(2, "Manager"), contact(3, "Lead")];
        let fifteen = SignedDuration::from_mins(15);
        let t0 = at("2026-11-23T22:00:00Z");
        let mut events = vec![record(1, t0, Event::Opened(Opened::default()))];
        let first = pages_due(&events, &[], &chain, fifteen, t0);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].about, ["opened"]);
        events.push(page_of(2, t0, &first[0]));
        // Ten minutes on, two duties are overdue: no page of their own while one waits.
        let t10 = t0 + SignedDuration::from_mins(10);
        let overdue = [
            duty("tell_manager", t0, Status::Overdue),
            duty("report_police", t0, Status::Overdue),
        ];
        assert!(pages_due(&events, &overdue, &chain, fifteen, t10).is_empty());
        // Nobody answers: the escalation tells what is overdue too.
        let up = pages_due(&events, &overdue, &chain, fifteen, t0 + fifteen);
        assert_eq!(up.len(), 1);
        assert_eq!((up[0].level, up[0].to.label.as_str()), (1, "Manager"));
        assert_eq!(
            up[0].about,
            ["opened", "overdue:tell_manager", "overdue:report_police"]
        );
        events.push(page_of(3, t0 + fifteen, &up[0]));
        // The manager acknowledges: everything so far is answered.
        events.push(record(4, t0 + fifteen, Event::Acknowledged { page: 3 }));
        assert!(unanswered(&events).is_empty());
        let later = t0 + SignedDuration::from_hours(2);
        assert!(pages_due(&events, &overdue, &chain, fifteen, later).is_empty());
        // A further duty goes overdue: one page, at the first in the chain, saying which.
        let more = [
            duty("tell_manager", t0, Status::Overdue),
            duty("report_police", t0, Status::Overdue),
            duty("tell_parents", t0, Status::Overdue),
        ];
        let again = pages_due(&events, &more, &chain, fifteen, later);
        assert_eq!(again.len(), 1);
        assert_eq!(
            (again[0].reason, again[0].level, again[0].about.clone()),
            (
                PageReason::DutyOverdue,
                0,
                vec!["overdue:tell_parents".to_string()]
            )
        );
        // Being found is news: it pages even while that page waits.
        events.push(page_of(5, later, &again[0]));
        events.push(record(
            6,
            later,
            Event::Located(crate::episode::Located {
                place: String::new(),
                town: String::new(),
                police_area: String::new(),
                found_by: String::new(),
                condition: String::new(),
                who_was_told: String::new(),
            }),
        ));
        let found = pages_due(&events, &more, &chain, fifteen, later);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].reason, found[0].level), (PageReason::Found, 0));
        assert_eq!(found[0].about, ["found"]);
    }

    #[test]
    fn an_episode_recorded_after_the_fact_pages_once_with_what_was_late() {
        let chain = [contact(1, "Ann"), contact(2, "Manager")];
        let fifteen = SignedDuration::from_mins(15);
        let last_night = at("2026-11-23T22:00:00Z");
        let morning = at("2026-11-24T08:30:00Z");
        let mut events = vec![record(1, morning, Event::Opened(Opened::default()))];
        let late = [
            duty("report_police", last_night, Status::Overdue),
            duty("tell_manager", last_night, Status::Overdue),
        ];
        let pages = pages_due(&events, &late, &chain, fifteen, morning);
        assert_eq!(pages.len(), 1);
        assert_eq!(
            pages[0].about,
            ["opened", "overdue:report_police", "overdue:tell_manager"]
        );
        events.push(page_of(2, morning, &pages[0]));
        events.push(record(3, morning, Event::Acknowledged { page: 2 }));
        assert!(pages_due(&events, &late, &chain, fifteen, morning + fifteen * 8).is_empty());
        assert_eq!(next_look(&events, &late, 2, fifteen, morning), None);
    }

    #[test]
    fn the_next_look_is_when_a_page_may_escalate_or_a_duty_falls_due() {
        let chain = [contact(1, "Ann"), contact(2, "Manager")];
        let fifteen = SignedDuration::from_mins(15);
        let t0 = at("2026-11-23T22:00:00Z");
        let mut events = vec![record(1, t0, Event::Opened(Opened::default()))];
        let hour = t0 + SignedDuration::from_hours(1);
        let ahead = [duty("report_police", hour, Status::Due)];
        // Something to page now.
        assert_eq!(next_look(&events, &ahead, 2, fifteen, t0), Some(t0));
        let first = pages_due(&events, &ahead, &chain, fifteen, t0);
        events.push(page_of(2, t0, &first[0]));
        // Then when the page may go to the manager.
        assert_eq!(
            next_look(&events, &ahead, 2, fifteen, t0),
            Some(t0 + fifteen)
        );
        let up = pages_due(&events, &ahead, &chain, fifteen, t0 + fifteen);
        events.push(page_of(3, t0 + fifteen, &up[0]));
        // The end of the chain: then only when the duty falls due.
        assert_eq!(
            next_look(&events, &ahead, 2, fifteen, t0 + fifteen),
            Some(hour + SignedDuration::from_millis(1))
        );
        // Closed: never again.
        events.push(record(
            4,
            hour,
            Event::Closed {
                summary: "x".into(),
                left_open: Vec::new(),
            },
        ));
        assert_eq!(next_look(&events, &ahead, 2, fifteen, hour), None);
    }
}
