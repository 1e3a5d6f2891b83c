use super::*;
use crate::episode::{
    Corrected, GradeScheme, Located, Occurred, Opened, PoliceNumber, PoliceReport, ReferralKind,
    Returned, Whereabouts,
};
use proptest::prelude::*;

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn ctx(nation: Nation, person: PersonKind, service: ServiceKind) -> Context {
    Context {
        nation,
        person,
        service,
        looked_after: person == PersonKind::Child,
        out_of_area: false,
        risks: Risks::default(),
        plan_report_after: None,
        plan_back_by: None,
        earlier_episodes: 0,
        recent_episodes: 1,
        settings: DutySettings::default(),
        known_places: Vec::new(),
    }
}

/// Every kind of person in every kind of place the rules distinguish.
fn all_contexts() -> Vec<Context> {
    let mut out = Vec::new();
    for nation in Nation::ALL {
        for service in ServiceKind::ALL {
            for person in [PersonKind::Child, PersonKind::Adult] {
                for (looked_after, out_of_area, earlier, risks) in [
                    (true, false, 0, Risks::default()),
                    (true, true, 2, Risks::from_codes(["cse", "self_harm"])),
                    (
                        false,
                        false,
                        5,
                        Risks::from_codes(["trafficking", "dementia"]),
                    ),
                    (true, false, 1, Risks::from_codes(["county_lines", "uasc"])),
                ] {
                    out.push(Context {
                        looked_after: looked_after && person == PersonKind::Child,
                        out_of_area,
                        earlier_episodes: earlier,
                        recent_episodes: earlier + 1,
                        risks,
                        ..ctx(nation, person, service)
                    });
                }
            }
        }
    }
    out
}

struct Chronology {
    events: Vec<EventRecord>,
}

impl Chronology {
    fn opened(at: Timestamp) -> Self {
        let event = Event::Opened(Opened {
            last_seen: Some(Occurred::in_london(at)),
            last_seen_place: "The park".into(),
            whereabouts: Some(Whereabouts::Unknown),
            rule_set: Some(RULE_SET.into()),
            ..Opened::default()
        });
        let mut c = Self { events: Vec::new() };
        c.add(at, event);
        c
    }

    fn add(&mut self, when: Timestamp, event: Event) -> &mut Self {
        let record = EventRecord {
            seq: self.events.len() as i64 + 1,
            when: Occurred::in_london(when),
            recorded_at: when,
            recorded_by: None,
            recorded_by_label: "test".into(),
            event,
        };
        crate::episode::append(&self.events, &record).unwrap();
        self.events.push(record);
        self
    }
}

/// An entry of each kind a rule may be discharged by.
fn sample(kind: &str, duty: &str) -> Event {
    match kind {
        "step_done" => Event::StepDone {
            step: 1,
            what: "Rang".into(),
            found: String::new(),
        },
        "contact_made" | "place_searched" => Event::PlaceSearched {
            place: "The park".into(),
            found: String::new(),
        },
        "reported_to_police" => police(),
        "return_interview_offered" => Event::ReturnInterviewOffered {
            offered_by: "Independent worker".into(),
            independent: true,
        },
        "strategy_discussion" => Event::StrategyDiscussion {
            attendees: "Social worker, police".into(),
            decisions: String::new(),
        },
        "referral" => Event::Referral {
            to: ReferralKind::AdultSafeguarding,
            details: String::new(),
        },
        "referral:child_protection" => Event::Referral {
            to: ReferralKind::ChildProtection,
            details: String::new(),
        },
        "referral:trafficking" => Event::Referral {
            to: ReferralKind::Trafficking,
            details: String::new(),
        },
        "referral:icta" => Event::Referral {
            to: ReferralKind::Icta,
            details: String::new(),
        },
        "debrief" => Event::Debrief {
            by: "Carer".into(),
            notes: String::new(),
        },
        "plan_reviewed" => Event::PlanReviewed {
            by: "Manager".into(),
            changes: String::new(),
        },
        "safe_and_well_check" => Event::SafeAndWellCheck {
            by: "PC".into(),
            findings: String::new(),
        },
        _ => Event::Notified {
            duty: duty.into(),
            who: "Someone".into(),
            how: "Phone".into(),
        },
    }
}

fn police() -> Event {
    Event::ReportedToPolice(PoliceReport {
        force: "Police".into(),
        number: PoliceNumber::NonEmergency,
        reference: "REF".into(),
        spoke_to: String::new(),
    })
}

fn located() -> Event {
    Event::Located(Located {
        place: "A friend's".into(),
        town: String::new(),
        police_area: String::new(),
        found_by: String::new(),
        condition: String::new(),
        who_was_told: String::new(),
    })
}

fn returned() -> Event {
    Event::Returned(Returned {
        to_where: "Home".into(),
        how: String::new(),
        via_police_station: false,
        why_police_station: String::new(),
    })
}

/// A chronology in which `trigger` has happened, at `t0 + 30 min` (or at opening).
fn reaching(trigger: Trigger, t0: Timestamp) -> Chronology {
    let mut c = Chronology::opened(t0);
    let t = t0 + SignedDuration::from_mins(30);
    match trigger {
        Trigger::Opened => {}
        Trigger::ReportedToPolice => {
            c.add(t, police());
        }
        Trigger::HighRisk => {
            c.add(
                t,
                Event::PoliceGraded {
                    grade: PoliceGrade::High,
                    scheme: GradeScheme::EnglandWalesApp,
                    review_at: None,
                },
            );
        }
        Trigger::Located => {
            c.add(t, located());
        }
        Trigger::Returned => {
            c.add(t, located()).add(t, returned());
        }
        Trigger::InterviewDeclined => {
            c.add(t, located()).add(t, returned()).add(
                t,
                Event::ReturnInterviewDeclined {
                    reason: "Not today".into(),
                    offer_again: "Tomorrow".into(),
                },
            );
        }
    }
    c
}

/// The rows of the rule set in force now.
fn current() -> impl Iterator<Item = &'static Rule> {
    RULES.iter().filter(|r| in_rule_set(r, RULE_SET))
}

fn find<'a>(duties: &'a [Duty], id: &str) -> &'a Duty {
    duties.iter().find(|d| d.rule == id).unwrap_or_else(|| {
        panic!(
            "no {id} in {:?}",
            duties.iter().map(|d| d.rule).collect::<Vec<_>>()
        )
    })
}

#[test]
fn every_rule_applies_to_someone_and_no_one_gets_a_duty_twice() {
    let mut used = vec![false; RULES.len()];
    for c in all_contexts() {
        let mut ids: Vec<&str> = Vec::new();
        for (i, rule) in RULES.iter().enumerate() {
            if in_rule_set(rule, RULE_SET) && (rule.applies)(&c) {
                used[i] = true;
                assert!(!ids.contains(&rule.id), "{} twice for {c:?}", rule.id);
                ids.push(rule.id);
            }
        }
        // Everyone: try to find, report, tell the manager, tell who is found, review the plan.
        for id in [
            "try_to_find",
            "report_police",
            "tell_manager",
            "tell_found",
            "plan_review",
        ] {
            assert!(ids.contains(&id), "{id} missing for {c:?}");
        }
    }
    for (i, rule) in RULES.iter().enumerate() {
        if !in_rule_set(rule, RULE_SET) {
            continue;
        }
        assert!(
            used[i],
            "rule {} ({}) applies to no one",
            rule.id, rule.source.document
        );
        assert!(!rule.source.document.is_empty() && !rule.source.section.is_empty());
    }
}

/// Every row, for every person it applies to: due when its clock starts, overdue once the
/// injected clock passes its deadline, done by the entry that discharges it, or not applicable
/// by a recorded decision.
#[test]
fn every_row_goes_due_overdue_and_done_as_the_clock_moves() {
    let t0 = at("2026-10-24T20:00:00Z");
    let mut rows = 0;
    for c in all_contexts() {
        for rule in current().filter(|r| (r.applies)(&c)) {
            let mut chron = reaching(rule.trigger, t0);
            let start = chron.events.last().unwrap().when.at;
            let now = start + SignedDuration::from_secs(1);
            let duty = duties(&c, &chron.events, now)
                .into_iter()
                .find(|d| d.rule == rule.id)
                .unwrap_or_else(|| panic!("{} not derived for {c:?}", rule.id));
            if rule.information {
                assert_eq!(duty.status, Status::Information);
                continue;
            }
            assert_eq!(duty.status, Status::Due, "{} at its start", rule.id);
            match duty.due_at {
                Some(due) => {
                    assert!(due >= duty.started_at);
                    let late = duties(&c, &chron.events, due + SignedDuration::from_mins(1));
                    assert_eq!(find(&late, rule.id).status, Status::Overdue, "{}", rule.id);
                    let on_time = duties(&c, &chron.events, due);
                    assert_eq!(find(&on_time, rule.id).status, Status::Due, "{}", rule.id);
                }
                None => {
                    let much_later =
                        duties(&c, &chron.events, now + SignedDuration::from_hours(24 * 90));
                    assert_eq!(find(&much_later, rule.id).status, Status::Due);
                }
            }
            // A decision that it does not apply, then (separately) the entry that does it.
            let mut declined = reaching(rule.trigger, t0);
            declined.add(
                now,
                Event::DutyDeclined {
                    duty: rule.id.into(),
                    reason: "The plan says not to".into(),
                },
            );
            let d = duties(
                &c,
                &declined.events,
                now + SignedDuration::from_hours(24 * 30),
            );
            assert!(
                matches!(&find(&d, rule.id).status, Status::NotApplicable { reason, .. } if reason == "The plan says not to"),
                "{}",
                rule.id
            );
            let kind = rule.done_by.first().copied().unwrap_or("notified");
            let seq = chron.events.len() as i64 + 1;
            chron.add(now, sample(kind, rule.id));
            let done = duties(&c, &chron.events, now + SignedDuration::from_hours(24 * 30));
            assert_eq!(
                find(&done, rule.id).status,
                Status::Done { by: vec![seq] },
                "{}",
                rule.id
            );
            rows += 1;
        }
    }
    assert!(rows > 300, "only {rows} rows checked");
}

#[test]
fn a_looked_after_child_in_wales_has_the_four_duties_of_the_all_wales_guide() {
    let c = ctx(Nation::Wales, PersonKind::Child, ServiceKind::ChildrensHome);
    let t0 = at("2026-11-23T18:00:00Z");
    let list = duties(&c, &Chronology::opened(t0).events, t0);
    for (id, duty) in [
        ("report_police", "Duty to notify 1"),
        ("tell_parents", "Duty to notify 2"),
        ("tell_social_worker", "Duty to notify 3"),
        ("tell_manager", "Duty to notify 4"),
    ] {
        let d = find(&list, id);
        assert!(d.source.document.starts_with("All Wales Practice Guide"));
        assert!(
            d.source.section.starts_with(duty),
            "{id}: {}",
            d.source.section
        );
    }
    // The home's own authority hears of every missing episode; not yet any return interview.
    assert!(
        find(&list, "tell_host_authority")
            .source
            .section
            .contains("paragraph 45")
    );
    assert!(list.iter().all(|d| d.rule != "return_interview"));
    // The third episode brings the return interview.
    let third = Context {
        earlier_episodes: 2,
        ..c
    };
    let mut chron = Chronology::opened(t0);
    chron.add(t0 + SignedDuration::from_hours(1), returned());
    assert!(
        duties(&third, &chron.events, t0)
            .iter()
            .any(|d| d.rule == "return_interview")
    );
}

#[test]
fn in_england_the_return_interview_is_due_72_elapsed_hours_after_return_across_the_clock_change() {
    let c = ctx(
        Nation::England,
        PersonKind::Child,
        ServiceKind::ChildrensHome,
    );
    // Back at 13:00 BST on Friday 23 October 2026; the clocks go back on Sunday the 25th.
    let back = at("2026-10-23T12:00:00Z");
    let mut chron = Chronology::opened(back - SignedDuration::from_hours(5));
    chron.add(back, returned());
    let d = duties(&c, &chron.events, back);
    let interview = find(&d, "return_interview");
    assert_eq!(interview.due_at, Some(at("2026-10-26T12:00:00Z")));
    // That is 12:00 GMT on Monday: 73 hours on the wall clock, 72 in fact.
    let local = crate::time::in_london(interview.due_at.unwrap());
    assert_eq!((local.hour(), local.minute()), (12, 0));
    assert!(interview.source.section.contains("72 hours"));
    let late = duties(&c, &chron.events, at("2026-10-26T12:01:00Z"));
    assert_eq!(find(&late, "return_interview").status, Status::Overdue);
}

#[test]
fn the_plan_sets_when_to_report_and_nothing_is_overdue_once_closed() {
    let c = Context {
        plan_report_after: parse_after("2 hours"),
        ..ctx(
            Nation::England,
            PersonKind::Child,
            ServiceKind::FosteringService,
        )
    };
    let t0 = at("2026-03-29T00:30:00Z");
    let mut chron = Chronology::opened(t0);
    let d = duties(&c, &chron.events, t0);
    assert_eq!(
        find(&d, "report_police").due_at,
        Some(t0 + SignedDuration::from_hours(2))
    );
    // Fostering: the regulator decision within 24 hours.
    assert_eq!(
        find(&d, "regulator_decision").due_at,
        Some(t0 + SignedDuration::from_hours(24))
    );
    chron
        .add(t0 + SignedDuration::from_hours(3), located())
        .add(
            t0 + SignedDuration::from_hours(4),
            Event::Closed {
                summary: "Back".into(),
                left_open: Vec::new(),
            },
        );
    let later = duties(&c, &chron.events, t0 + SignedDuration::from_hours(100));
    assert!(later.iter().all(|d| d.status != Status::Overdue));
    // Found within 72 hours: the police's 72-hour milestone does not show.
    assert!(later.iter().all(|d| d.rule != "police_ukmpu"));
}

#[test]
fn an_adult_has_the_home_care_duties_and_cqc_only_once_police_are_involved() {
    let c = ctx(Nation::England, PersonKind::Adult, ServiceKind::HomeCare);
    let t0 = at("2026-11-23T15:00:00Z");
    let mut chron = Chronology::opened(t0);
    let d = duties(&c, &chron.events, t0);
    assert_eq!(
        find(&d, "tell_safeguarding_lead").due_at,
        Some(t0 + SignedDuration::from_mins(15))
    );
    assert!(
        d.iter()
            .all(|d| d.rule != "regulator_decision" && d.rule != "tell_parents")
    );
    chron.add(t0 + SignedDuration::from_mins(20), police());
    let d = duties(&c, &chron.events, t0);
    assert!(
        find(&d, "regulator_decision")
            .source
            .document
            .contains("Care Quality Commission")
    );
    // Recorded in error: no duties at all.
    chron.add(
        t0 + SignedDuration::from_mins(25),
        Event::RecordedInError {
            reason: "Was at the day centre".into(),
        },
    );
    assert!(duties(&c, &chron.events, t0 + SignedDuration::from_hours(9)).is_empty());
}

#[test]
fn a_correction_to_the_return_time_moves_its_deadline() {
    let c = ctx(
        Nation::England,
        PersonKind::Child,
        ServiceKind::ChildrensHome,
    );
    let t0 = at("2026-11-20T10:00:00Z");
    let mut chron = Chronology::opened(t0);
    chron.add(t0 + SignedDuration::from_hours(2), returned());
    let d = duties(&c, &chron.events, t0);
    assert_eq!(
        find(&d, "return_interview").due_at,
        Some(t0 + SignedDuration::from_hours(74))
    );
    // She was back an hour earlier than first written.
    chron.add(
        t0 + SignedDuration::from_hours(3),
        Event::Amendment {
            amends: 2,
            reason: "Staff rota shows she was back at 11".into(),
            corrected: Some(Box::new(Corrected {
                when: Occurred::in_london(t0 + SignedDuration::from_hours(1)),
                event: returned(),
            })),
        },
    );
    let d = duties(&c, &chron.events, t0);
    assert_eq!(
        find(&d, "return_interview").due_at,
        Some(t0 + SignedDuration::from_hours(73))
    );
}

#[test]
fn report_after_reads_what_staff_type() {
    let m = |n| Some(SignedDuration::from_mins(n));
    assert_eq!(parse_after("1 hour"), m(60));
    assert_eq!(parse_after("30 mins"), m(30));
    assert_eq!(parse_after(" 2 HRS "), m(120));
    assert_eq!(parse_after("an hour"), m(60));
    assert_eq!(parse_after("45 munud"), m(45));
    assert_eq!(parse_after("2 awr"), m(120));
    assert_eq!(parse_after("when staff are worried"), None);
    assert_eq!(parse_after("3 months"), None);
    assert_eq!(parse_after("0 minutes"), None);
}

proptest! {
    /// Deadlines are elapsed time on instants, wherever the clock changes fall.
    #[test]
    fn deadlines_are_elapsed_time_across_both_clock_changes(
        hours in 0i64..24 * 400,
        report_after in 1i64..600,
    ) {
        let t0 = at("2025-12-01T00:00:00Z") + SignedDuration::from_hours(hours);
        let c = Context {
            plan_report_after: Some(SignedDuration::from_mins(report_after)),
            ..ctx(Nation::Wales, PersonKind::Child, ServiceKind::ChildrensHome)
        };
        let list = duties(&c, &Chronology::opened(t0).events, t0);
        let report = find(&list, "report_police");
        prop_assert_eq!(report.due_at, Some(t0 + SignedDuration::from_mins(report_after)));
        prop_assert_eq!(report.status.clone(), Status::Due);
    }

    /// Working days: the deadline is midnight in London, and the days before it hold exactly
    /// the number of working days asked for, bank holidays and clock changes notwithstanding.
    #[test]
    fn working_days_count_exactly(hours in 0i64..24 * 1000, n in 1u32..12, scot in any::<bool>()) {
        let nation = if scot { Nation::Scotland } else { Nation::England };
        let from = at("2025-01-01T00:00:00Z") + SignedDuration::from_hours(hours);
        let end = calendar::working_days_after(nation, from, n);
        let local = crate::time::in_london(end);
        prop_assert_eq!((local.hour(), local.minute()), (0, 0));
        let mut day = crate::time::in_london(from).date();
        let last = local.date();
        let mut counted = 0;
        loop {
            day = day.tomorrow().unwrap();
            if day >= last {
                break;
            }
            if calendar::is_working_day(nation, day) {
                counted += 1;
            }
        }
        prop_assert_eq!(counted, n);
    }
}

#[test]
fn duty_settings_are_read_from_what_an_admin_types() {
    let typed = |name: &str| -> Option<String> {
        Some(match name {
            "promptly_minutes" => "30".into(),
            "plan_review_days" => "99".into(),
            "wales_interview_from_episode" => "two".into(),
            other => DutySettings::default().get(other).unwrap().to_string(),
        })
    };
    let problems = DutySettings::from_input(typed).unwrap_err();
    let paths: Vec<(&str, &str)> = problems
        .iter()
        .map(|p| (p.path.as_str(), p.message))
        .collect();
    assert_eq!(
        paths,
        [
            ("plan_review_days", "error-duty-setting-range"),
            ("wales_interview_from_episode", "error-number")
        ]
    );
    let ok = DutySettings::from_input(|name| match name {
        "promptly_minutes" => Some("30".into()),
        other => DutySettings::default().get(other).map(|v| v.to_string()),
    })
    .unwrap();
    assert_eq!(ok.promptly_minutes, 30);
    assert_eq!(ok.plan_review_days, 7);
}

/// The same person with one input changed.
fn toggle(c: &Context, input: Input) -> Context {
    let mut t = c.clone();
    let r = &mut t.risks;
    match input {
        Input::Nation => {
            t.nation = match c.nation {
                Nation::England => Nation::Wales,
                Nation::Wales => Nation::Scotland,
                Nation::Scotland => Nation::England,
            }
        }
        Input::PersonKind => {
            t.person = match c.person {
                PersonKind::Child => PersonKind::Adult,
                PersonKind::Adult => PersonKind::Child,
            }
        }
        Input::Service => {
            let all = ServiceKind::ALL;
            let i = all.iter().position(|s| *s == c.service).unwrap_or(0);
            t.service = all[(i + 1) % all.len()];
        }
        Input::LookedAfter => t.looked_after = !c.looked_after,
        Input::OutOfArea => t.out_of_area = !c.out_of_area,
        Input::EarlierEpisodes => t.earlier_episodes = c.earlier_episodes + 3,
        Input::RecentEpisodes => t.recent_episodes = c.recent_episodes + 3,
        Input::PlanReportAfter => {
            t.plan_report_after = match c.plan_report_after {
                Some(_) => None,
                None => Some(SignedDuration::from_mins(10)),
            }
        }
        Input::PlanBackBy => {
            t.plan_back_by = match c.plan_back_by {
                Some(_) => None,
                None => Some(jiff::civil::time(21, 0, 0, 0)),
            }
        }
        Input::Cse => r.cse = !r.cse,
        Input::Cce => r.cce = !r.cce,
        Input::CountyLines => r.county_lines = !r.county_lines,
        Input::Trafficking => r.trafficking = !r.trafficking,
        Input::Uasc => r.uasc = !r.uasc,
        Input::SelfHarm => r.self_harm = !r.self_harm,
        Input::MentalHealth => r.mental_health = !r.mental_health,
        Input::Substances => r.substances = !r.substances,
        Input::Dementia => r.dementia = !r.dementia,
    }
    t
}

/// Each rule lists the inputs it reads, truly: changing any input it does not list, for
/// every person the rules distinguish, changes neither whether it applies nor its deadline.
#[test]
fn every_rule_reads_only_the_inputs_it_lists() {
    let start = at("2026-11-23T17:00:00Z");
    let mut checked = 0;
    for rule in RULES {
        for c in all_contexts() {
            for input in Input::ALL.into_iter().filter(|i| !rule.reads.contains(i)) {
                let other = toggle(&c, input);
                assert_eq!(
                    (rule.applies)(&c),
                    (rule.applies)(&other),
                    "{} ({}) reads {input:?} without listing it",
                    rule.id,
                    rule.source.section
                );
                assert_eq!(
                    allowed(&c, rule, start),
                    allowed(&other, rule, start),
                    "{}'s deadline reads {input:?} without listing it",
                    rule.id
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 10_000, "only {checked} checks");
}

/// Nothing is collected for show: every input the rules can be given is read by a rule in
/// force. (The closing note's table of rules and their inputs comes from `rules_and_inputs`.)
#[test]
fn every_input_collected_is_read_by_some_rule() {
    for input in Input::ALL {
        assert!(
            current().any(|r| r.reads.contains(&input)),
            "{input:?} is collected but no rule reads it"
        );
    }
    let table = rules_and_inputs();
    assert!(table.contains("report_child_at_risk"));
    eprintln!("{table}");
}

/// Every rule in force and the inputs it reads, one line each.
fn rules_and_inputs() -> String {
    current()
        .map(|r| {
            let inputs: Vec<&str> = r.reads.iter().map(|i| i.code()).collect();
            format!(
                "{} [{}] <- {} ({}: {})",
                r.id,
                r.source
                    .document
                    .split(' ')
                    .take(4)
                    .collect::<Vec<_>>()
                    .join(" "),
                if inputs.is_empty() {
                    "everyone".into()
                } else {
                    inputs.join(", ")
                },
                r.source.section.split(':').next().unwrap_or(""),
                match r.due {
                    Due::Immediately => "immediately".to_string(),
                    Due::Promptly => "promptly".into(),
                    Due::Within(d) => format!("within {} h", d.as_hours()),
                    Due::ReportAfter => "report after".into(),
                    Due::AtOnceUnlessPlan => "at once unless the plan says".into(),
                    Due::PlanReview => "plan review days".into(),
                    Due::ReturnDiscussion => "return discussion days".into(),
                    Due::WorkingDays(n) => format!("{n} working days"),
                    Due::NoClock => "no clock".into(),
                }
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_looked_after_child_with_cse_in_wales_is_reported_at_once_under_section_130() {
    let c = Context {
        risks: Risks::from_codes(["cse"]),
        ..ctx(Nation::Wales, PersonKind::Child, ServiceKind::ChildrensHome)
    };
    let t0 = at("2026-10-24T23:30:00Z");
    let list = duties(&c, &Chronology::opened(t0).events, t0);
    let police = find(&list, "report_police");
    assert_eq!(
        police.due_at,
        Some(t0 + SignedDuration::from_mins(15)),
        "at once"
    );
    let s130 = find(&list, "report_child_at_risk");
    assert!(s130.source.section.starts_with("Section 130"));
    assert_eq!(
        s130.source.document,
        "Social Services and Well-being (Wales) Act 2014"
    );
    assert!(
        list.iter().all(|d| d.rule != "icta_referral"),
        "not trafficked"
    );
    // A referral of the right kind does it; another kind does not.
    let mut chron = Chronology::opened(t0);
    chron.add(
        t0 + SignedDuration::from_mins(20),
        Event::Referral {
            to: ReferralKind::AdultSafeguarding,
            details: String::new(),
        },
    );
    let later = t0 + SignedDuration::from_hours(3);
    assert_eq!(
        find(&duties(&c, &chron.events, later), "report_child_at_risk").status,
        Status::Overdue
    );
    chron.add(
        later,
        Event::Referral {
            to: ReferralKind::ChildProtection,
            details: "Section 130 report to the council".into(),
        },
    );
    assert!(matches!(
        find(&duties(&c, &chron.events, later), "report_child_at_risk").status,
        Status::Done { .. }
    ));
}

#[test]
fn in_england_cse_makes_regulation_40_a_notification_without_delay() {
    let home = ctx(
        Nation::England,
        PersonKind::Child,
        ServiceKind::ChildrensHome,
    );
    let t0 = at("2026-11-23T18:00:00Z");
    let events = Chronology::opened(t0).events;
    let plain = duties(&home, &events, t0);
    assert!(
        find(&plain, "regulator_decision")
            .source
            .section
            .contains("decide")
    );
    assert!(plain.iter().all(|d| d.rule != "notify_ofsted"));
    let cse = Context {
        risks: Risks::from_codes(["cse"]),
        ..home.clone()
    };
    let list = duties(&cse, &events, t0);
    assert!(
        find(&list, "notify_ofsted")
            .source
            .section
            .starts_with("Regulation 40(4)(a)")
    );
    assert!(list.iter().all(|d| d.rule != "regulator_decision"));
    assert!(list.iter().any(|d| d.rule == "child_protection_referral"));
    // Trafficked: the National Referral Mechanism, through the local authority.
    let trafficked = Context {
        risks: Risks::from_codes(["trafficking"]),
        ..home
    };
    assert!(
        duties(&trafficked, &events, t0)
            .iter()
            .any(|d| d.rule == "nrm_referral")
    );
}

#[test]
fn an_episode_is_judged_by_the_rule_set_in_force_when_it_opened() {
    let cse = Context {
        risks: Risks::from_codes(["cse"]),
        ..ctx(
            Nation::England,
            PersonKind::Child,
            ServiceKind::ChildrensHome,
        )
    };
    let t0 = at("2026-11-23T18:00:00Z");
    let mut old = Chronology::opened(t0);
    if let Event::Opened(o) = &mut old.events[0].event {
        o.rule_set = Some("2026-11".into());
    }
    let then = duties(&cse, &old.events, t0);
    assert!(then.iter().all(|d| d.rule != "notify_ofsted"));
    assert_eq!(
        find(&then, "report_police").due_at,
        Some(t0 + SignedDuration::from_mins(60)),
        "the old rows: after the wait, whatever the risks"
    );
    let now = duties(&cse, &Chronology::opened(t0).events, t0);
    assert!(now.iter().any(|d| d.rule == "notify_ofsted"));
}

#[test]
fn an_adult_with_dementia_is_reported_at_once_and_home_care_keeps_its_own_duties() {
    let c = Context {
        risks: Risks::from_codes(["dementia"]),
        ..ctx(Nation::Wales, PersonKind::Adult, ServiceKind::HomeCare)
    };
    let t0 = at("2026-03-29T00:30:00Z");
    let mut chron = Chronology::opened(t0);
    let list = duties(&c, &chron.events, t0);
    assert_eq!(
        find(&list, "report_police").due_at,
        Some(t0 + SignedDuration::from_mins(15))
    );
    assert!(
        find(&list, "report_police")
            .source
            .document
            .contains("Herbert")
    );
    assert_eq!(find(&list, "serious_incident_record").status, Status::Due);
    chron
        .add(t0 + SignedDuration::from_hours(2), located())
        .add(t0 + SignedDuration::from_hours(3), returned());
    let back = duties(&c, &chron.events, t0 + SignedDuration::from_hours(3));
    for id in ["wellbeing_check", "lessons_learned", "adult_safeguarding"] {
        assert_eq!(find(&back, id).status, Status::Due, "{id}");
    }
}

#[test]
fn a_declined_return_discussion_in_scotland_is_offered_again_and_each_refusal_counts() {
    let c = ctx(
        Nation::Scotland,
        PersonKind::Child,
        ServiceKind::ChildrensHome,
    );
    let t0 = at("2026-11-20T18:00:00Z");
    let mut chron = Chronology::opened(t0);
    let t = |h| t0 + SignedDuration::from_hours(h);
    chron.add(t(2), located()).add(t(3), returned()).add(
        t(20),
        Event::ReturnInterviewOffered {
            offered_by: "Barnardo's".into(),
            independent: true,
        },
    );
    chron.add(
        t(21),
        Event::ReturnInterviewDeclined {
            reason: "Too tired".into(),
            offer_again: "Next week".into(),
        },
    );
    let list = duties(&c, &chron.events, t(22));
    let again = find(&list, "offer_again");
    assert_eq!(again.status, Status::Due, "the first offer does not count");
    assert_eq!(
        again.due_at,
        Some(t(21) + SignedDuration::from_hours(24 * 7))
    );
    chron.add(
        t(60),
        Event::ReturnInterviewOffered {
            offered_by: "Barnardo's".into(),
            independent: true,
        },
    );
    assert!(matches!(
        find(&duties(&c, &chron.events, t(61)), "offer_again").status,
        Status::Done { .. }
    ));
    // Declined again: another offer is asked for, from the second refusal.
    chron.add(
        t(62),
        Event::ReturnInterviewDeclined {
            reason: "Still no".into(),
            offer_again: "In a fortnight".into(),
        },
    );
    let again = duties(&c, &chron.events, t(63));
    assert_eq!(find(&again, "offer_again").status, Status::Due);
    assert_eq!(find(&again, "offer_again").started_at, t(62));
}

#[test]
fn report_after_counts_from_the_agreed_time_to_be_back() {
    let c = Context {
        plan_report_after: Some(SignedDuration::from_mins(30)),
        plan_back_by: Some(jiff::civil::time(22, 0, 0, 0)),
        ..ctx(
            Nation::England,
            PersonKind::Child,
            ServiceKind::ChildrensHome,
        )
    };
    // Last seen at 18:00 GMT, back by 22:00: report at 22:30, not 18:30.
    let t0 = at("2026-11-23T18:00:00Z");
    let list = duties(&c, &Chronology::opened(t0).events, t0);
    assert_eq!(
        find(&list, "report_police").due_at,
        Some(at("2026-11-23T22:30:00Z"))
    );
    // In summer the agreed 22:00 is BST.
    let summer = at("2026-07-01T17:00:00Z");
    let list = duties(&c, &Chronology::opened(summer).events, summer);
    assert_eq!(
        find(&list, "report_police").due_at,
        Some(at("2026-07-01T21:30:00Z"))
    );
    // Slipped out at 01:00, after the agreed time: from last seen.
    let night = at("2026-11-24T01:00:00Z");
    let list = duties(&c, &Chronology::opened(night).events, night);
    assert_eq!(
        find(&list, "report_police").due_at,
        Some(night + SignedDuration::from_mins(30))
    );
}
