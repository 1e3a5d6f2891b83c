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

/// Why someone is paged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageReason {
    Opened,
    HighRisk,
    DutyOverdue,
    Found,
}

impl PageReason {
    pub fn code(self) -> &'static str {
        match self {
            PageReason::Opened => "opened",
            PageReason::HighRisk => "high_risk",
            PageReason::DutyOverdue => "duty_overdue",
            PageReason::Found => "found",
        }
    }
}

/// A page to send now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    /// What it is about: "opened", "high_risk", "found" or "overdue:{rule}". Escalation and
    /// acknowledgement are per key.
    pub key: String,
    pub reason: PageReason,
    /// 0 for the first in the chain, 1 for the next…
    pub level: u8,
    pub to: Contact,
}

/// The pages nobody has answered: an acknowledgement of any page about the same thing
/// answers them all. Their entry numbers, in order.
pub fn unanswered(events: &[EventRecord]) -> Vec<i64> {
    let answered_keys: Vec<&str> = events
        .iter()
        .filter_map(|a| match a.event {
            Event::Acknowledged { page } => events.iter().find_map(|p| match &p.event {
                Event::Paged { key, .. } if p.seq == page => Some(key.as_str()),
                _ => None,
            }),
            _ => None,
        })
        .collect();
    events
        .iter()
        .filter_map(|r| match &r.event {
            Event::Paged { key, .. } if !answered_keys.contains(&key.as_str()) => Some(r.seq),
            _ => None,
        })
        .collect()
}

/// The pages that should go out at `now`.
pub fn pages_due(
    events: &[EventRecord],
    duties: &[Duty],
    chain: &[Contact],
    escalate_after: SignedDuration,
    now: Timestamp,
) -> Vec<Page> {
    let ended = events.iter().any(|r| {
        matches!(
            r.event,
            Event::Closed { .. } | Event::RecordedInError { .. }
        )
    });
    if ended || events.is_empty() || chain.is_empty() {
        return Vec::new();
    }
    let mut keys: Vec<(String, PageReason)> = vec![("opened".into(), PageReason::Opened)];
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
        keys.push(("high_risk".into(), PageReason::HighRisk));
    }
    if events
        .iter()
        .any(|r| matches!(r.event, Event::Located(_) | Event::Returned(_)))
    {
        keys.push(("found".into(), PageReason::Found));
    }
    for d in duties.iter().filter(|d| d.status == Status::Overdue) {
        keys.push((format!("overdue:{}", d.rule), PageReason::DutyOverdue));
    }
    let waiting = unanswered(events);
    let mut out = Vec::new();
    for (key, reason) in keys {
        let sent: Vec<(i64, Timestamp, u8)> = events
            .iter()
            .filter_map(|r| match &r.event {
                Event::Paged { key: k, level, .. } if *k == key => {
                    Some((r.seq, r.recorded_at, *level))
                }
                _ => None,
            })
            .collect();
        let answered = sent.iter().any(|(seq, _, _)| !waiting.contains(seq));
        let next_level = match sent.last() {
            None => Some(0),
            Some(_) if answered => None,
            Some((_, at, level)) if now.duration_since(*at) >= escalate_after => Some(level + 1),
            Some(_) => None,
        };
        if let Some(level) = next_level
            && let Some(to) = chain.get(usize::from(level))
        {
            out.push(Page {
                key,
                reason,
                level,
                to: to.clone(),
            });
        }
    }
    out
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
}
