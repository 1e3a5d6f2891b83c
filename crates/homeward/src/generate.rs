//! `homeward generate`: a region's decade of made-up data in one organisation, for the scale
//! benchmark (and, later, the learning reports): services, people, episodes over ten years
//! with their chronologies, and a few thousand people missing now. Deterministic for a given
//! seed, so two runs give the same shape. Nothing here is anyone real.

use crate::cli::DbArgs;
use clap::Args;
use homeward_app::App;
use homeward_app::users::NewUserInput;
use homeward_domain::audit::{AuditEvent, Outcome};
use homeward_domain::episode::{
    Event, EventRecord, GradeScheme, Located, Occurred, Opened, PoliceGrade, PoliceNumber,
    PoliceReport, Returned, Whereabouts,
};
use homeward_domain::ids::{EpisodeId, OrgId, PersonId, ServiceId};
use homeward_domain::organisation::{Nation, ServiceKind};
use homeward_domain::person::PersonKind;
use homeward_store::{EpisodeSummary, Person, Schedule};
use jiff::{SignedDuration, Timestamp};
use std::time::Instant;

#[derive(Args, Debug, Clone)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub size: RegionSize,
    /// england, wales or scotland.
    #[arg(long, default_value = "england")]
    pub nation: String,
}

/// How big a region to make: by default a nation's decade (3 million episodes, 30 million
/// chronology entries, 400,000 people, 2,000 homes).
#[derive(Args, Debug, Clone)]
pub struct RegionSize {
    /// Episodes in all, open and closed.
    #[arg(long, default_value_t = 3_000_000)]
    pub episodes: usize,
    /// Of which this many are open (people missing now).
    #[arg(long, default_value_t = 2_003)]
    pub open: usize,
    #[arg(long, default_value_t = 400_000)]
    pub people: usize,
    #[arg(long, default_value_t = 2_000)]
    pub services: usize,
    /// Chronology entries in all (about ten an episode).
    #[arg(long, default_value_t = 30_000_000)]
    pub events: usize,
}

/// The generated organisation's name, by which a later benchmark finds it.
pub const REGION_NAME: &str = "A region (generated)";

/// What was made: the organisation, its first service, and an organisation-wide manager and
/// one for the first service only (for benchmarks to act as).
pub struct Generated {
    pub org: OrgId,
    pub first_service: ServiceId,
    pub manager_email: String,
    pub home_manager_email: String,
    pub a_person_with_history: PersonId,
}

/// A small, fast, deterministic generator (SplitMix64): shape, not secrecy.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
}

const GIVEN: [&str; 12] = [
    "Amara", "Bryn", "Cerys", "Dylan", "Efa", "Finn", "Gwen", "Harri", "Isla", "Jac", "Kai",
    "Lowri",
];
const FAMILY: [&str; 8] = [
    "Example",
    "Sample",
    "Madeup",
    "Fictional",
    "Testwood",
    "Placeholder",
    "Imaginary",
    "Demo",
];

fn mins(n: i64) -> SignedDuration {
    SignedDuration::from_mins(n)
}

fn record(seq: i64, at: Timestamp, label: &str, event: Event) -> EventRecord {
    EventRecord {
        seq,
        when: Occurred::in_london(at),
        recorded_at: at + mins(2),
        recorded_by: None,
        recorded_by_label: label.to_string(),
        event,
    }
}

const PLACES: [&str; 10] = [
    "The bus station",
    "Town centre",
    "School gates",
    "A friend's house",
    "The train station",
    "The park",
    "Shopping centre",
    "Outside the home",
    "Fast food restaurant",
    "The seafront",
];
const TOWNS: [(&str, &str); 12] = [
    ("Birmingham", "West Midlands Police"),
    ("Coventry", "West Midlands Police"),
    ("Manchester", "Greater Manchester Police"),
    ("Salford", "Greater Manchester Police"),
    ("Leeds", "West Yorkshire Police"),
    ("Bradford", "West Yorkshire Police"),
    ("Liverpool", "Merseyside Police"),
    ("Bristol", "Avon and Somerset Police"),
    ("Newport", "Gwent Police"),
    ("Cardiff", "South Wales Police"),
    ("London", "Metropolitan Police"),
    ("Blackpool", "Lancashire Police"),
];

/// How one generated episode went: when and where, whether police were told and how they
/// graded it, how long they were away, where they were found, and the return interview.
struct Shape {
    seen: Timestamp,
    place: &'static str,
    /// Minutes after going missing that police were told, if they were.
    reported_after: Option<i64>,
    grade: PoliceGrade,
    away: i64,
    town: usize,
    /// Hours after coming back it was offered, whether declined, whether held.
    interview: Option<(i64, bool, bool)>,
}

impl Shape {
    /// Mostly evenings and weekends, some school-day afternoons, a few in the small hours;
    /// a person's usual place most times; most found within hours, some away for days.
    fn roll(dice: &mut Dice, day: jiff::civil::Date, usual: usize) -> Shape {
        let hour = match dice.below(10) {
            0..=4 => 17 + dice.below(6),
            5..=6 => 14 + dice.below(3),
            7 => dice.below(4),
            _ => dice.below(24),
        } as i8;
        let minute = dice.below(60) as i8;
        // On the night the clocks go forward 01:xx does not exist; jiff moves it on an hour,
        // as a person would read the clock. On the night they go back it is the first 01:xx.
        let seen = day
            .at(hour, minute, 0, 0)
            .to_zoned(homeward_domain::time::london())
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::UNIX_EPOCH);
        let place = if dice.below(10) < 6 {
            PLACES[usual % PLACES.len()]
        } else {
            PLACES[dice.below(PLACES.len() as u64) as usize]
        };
        let away = match dice.below(20) {
            0..=11 => 30 + dice.below(5 * 60) as i64,
            12..=17 => 5 * 60 + dice.below(19 * 60) as i64,
            _ => 24 * 60 + dice.below(4 * 24 * 60) as i64,
        };
        let reported_after = (dice.below(10) < 8).then(|| 10 + dice.below(120) as i64);
        let grade = match dice.below(10) {
            0..=1 => PoliceGrade::Low,
            2..=7 => PoliceGrade::Medium,
            _ => PoliceGrade::High,
        };
        let interview = match dice.below(10) {
            0 => None,
            n => Some((
                if n < 8 {
                    4 + dice.below(68)
                } else {
                    72 + dice.below(120)
                } as i64,
                n % 3 == 0,
                n % 3 != 0,
            )),
        };
        Shape {
            seen,
            place,
            reported_after,
            grade,
            away,
            town: (usual + dice.below(3) as usize) % TOWNS.len(),
            interview,
        }
    }

    /// The duties as the rules would leave them: police told on time or late, parents and
    /// the social worker told, the return interview offered within 72 hours or not.
    fn duties(&self, open: bool) -> Vec<homeward_domain::learning::DutyOutcome> {
        use homeward_domain::learning::DutyOutcome;
        let outcome = |rule: &str, due: Timestamp, done: Option<Timestamp>| DutyOutcome {
            rule: rule.into(),
            due_at: Some(due),
            done_at: done,
            status: match (done, open) {
                (Some(_), _) => "done",
                (None, true) => "open",
                (None, false) => "not_done_at_closing",
            }
            .into(),
        };
        let back = self.seen + mins(self.away + 60);
        let mut out = vec![
            outcome(
                "report_police",
                self.seen + mins(60),
                self.reported_after.map(|m| self.seen + mins(m)),
            ),
            outcome(
                "tell_parents",
                self.seen + mins(120),
                Some(self.seen + mins(30 + self.away.min(200) / 2)),
            ),
            outcome(
                "tell_social_worker",
                self.seen + mins(24 * 60),
                Some(self.seen + mins(60 + self.away.min(2000))),
            ),
        ];
        if !open {
            out.push(outcome(
                "return_interview",
                back + SignedDuration::from_hours(72),
                self.interview
                    .map(|(h, _, _)| back + SignedDuration::from_hours(h)),
            ));
        }
        out
    }
}

/// The chronology of one episode: a closed one runs from the report to its closing; an open
/// one has the first hour or so.
fn chronology(shape: &Shape, entries: usize, open: bool) -> Vec<EventRecord> {
    let worker = "care-worker@generated.example";
    let seen = shape.seen;
    let mut out = vec![record(
        1,
        seen + mins(20),
        worker,
        Event::Opened(Opened {
            last_seen: Some(Occurred::in_london(seen)),
            last_seen_place: shape.place.into(),
            whereabouts: Some(Whereabouts::Unknown),
            clothing: "Grey hoodie, black jeans".into(),
            circumstances: "Did not come back after school".into(),
            plan_version: None,
            risk_version: None,
            rule_set: Some(homeward_domain::duties::RULE_SET.into()),
            settings_version: None,
        }),
    )];
    let push = |out: &mut Vec<EventRecord>, at: Timestamp, e: Event| {
        let seq = out.len() as i64 + 1;
        out.push(record(seq, at, worker, e));
    };
    if let Some(after) = shape.reported_after {
        push(
            &mut out,
            seen + mins(after),
            Event::ReportedToPolice(PoliceReport {
                force: TOWNS[shape.town].1.into(),
                number: PoliceNumber::NonEmergency,
                reference: "GEN-0001".into(),
                spoke_to: "Call handler".into(),
            }),
        );
        push(
            &mut out,
            seen + mins(after + 5),
            Event::PoliceGraded {
                grade: shape.grade,
                scheme: GradeScheme::EnglandWalesApp,
                review_at: None,
            },
        );
    }
    let middle = [
        Event::ContactMade {
            name: "Her friend".into(),
            relationship: "Friend".into(),
            learnt: "Not seen her today".into(),
            shared: String::new(),
        },
        Event::PlaceSearched {
            place: "The park".into(),
            found: String::new(),
        },
        Event::Sighting {
            place: "High Street".into(),
            seen_by: "Shopkeeper".into(),
            details: "Seen heading to the station".into(),
        },
    ];
    let found = seen + mins(shape.away);
    let back = found + mins(60);
    let mut end: Vec<(Timestamp, Event)> = Vec::new();
    if !open {
        let (town, area) = TOWNS[shape.town];
        end.push((
            found,
            Event::Located(Located {
                place: "A friend's flat".into(),
                town: town.into(),
                police_area: area.into(),
                found_by: "Police".into(),
                condition: "Safe and well".into(),
                who_was_told: "Social worker, parents".into(),
            }),
        ));
        end.push((
            back,
            Event::Returned(Returned {
                to_where: "Home".into(),
                how: "Staff car".into(),
                via_police_station: false,
                why_police_station: String::new(),
            }),
        ));
        if let Some((hours, declined, held)) = shape.interview {
            let offered = back + SignedDuration::from_hours(hours);
            end.push((
                offered,
                Event::ReturnInterviewOffered {
                    offered_by: "Independent return interviewer".into(),
                    independent: true,
                },
            ));
            if declined {
                end.push((
                    offered + mins(30),
                    Event::ReturnInterviewDeclined {
                        reason: "Did not want to talk about it".into(),
                        offer_again: "Next week".into(),
                    },
                ));
            }
            if held {
                end.push((
                    offered + mins(24 * 60),
                    Event::ReturnInterviewHeld(Default::default()),
                ));
            }
        }
        let last = end.last().map_or(back, |(at, _)| *at);
        end.push((
            last + mins(60),
            Event::Closed {
                summary: "Found safe and back.".into(),
                left_open: Vec::new(),
            },
        ));
    }
    let middle_count = entries.saturating_sub(out.len() + end.len()).max(1);
    let span = if open { 60 } else { shape.away.max(30) };
    for i in 0..middle_count {
        let at = seen + mins(25 + span * i as i64 / middle_count as i64);
        push(&mut out, at, middle[i % middle.len()].clone());
    }
    for (at, e) in end {
        push(&mut out, at, e);
    }
    out
}

fn system(org: OrgId, now: Timestamp, action: &str) -> AuditEvent {
    AuditEvent {
        at: now,
        org_id: Some(org),
        actor: None,
        actor_label: "homeward generate".into(),
        action: action.into(),
        resource_kind: "episode".into(),
        resource_id: None,
        outcome: Outcome::Allowed,
        ip: None,
    }
}

/// Makes the data through `app`, printing progress. Returns what a benchmark needs.
pub async fn generate(app: &App, args: &GenerateArgs) -> Result<Generated, String> {
    let started = Instant::now();
    let size = &args.size;
    let now = app.clock.now();
    let nation = Nation::from_code(&args.nation).ok_or("--nation: england, wales or scotland")?;
    let people_n = size.people.max(size.open).max(1);
    let services_n = size.services.max(1);
    let org = app
        .create_organisation_as_system(homeward_app::organisation::NewOrganisationInput {
            name: REGION_NAME.into(),
            nation,
            regulator: None,
            registration_number: "GEN-REGION".into(),
            registered_manager: "Generated Manager".into(),
            safeguarding_lead: "Generated Lead".into(),
            kind: "provider".into(),
        })
        .await
        .map_err(|e| e.to_string())?;
    let mut services = Vec::with_capacity(services_n);
    for i in 0..services_n {
        let id = app
            .create_service_as_system(
                org,
                &format!("Home {}", i + 1),
                ServiceKind::ChildrensHome,
                &format!("GEN-{i:04}"),
            )
            .await
            .map_err(|e| e.to_string())?;
        services.push(id);
    }
    let password = format!(
        "generated {}",
        homeward_app::secrets::random_token().map_err(|e| e.to_string())?
    );
    let user = |email: &str, service: Option<ServiceId>| NewUserInput {
        display_name: "Generated Manager".into(),
        email: email.into(),
        password: password.clone(),
        roles: vec![("manager".into(), service.map(|s| s.to_string()))],
    };
    let manager_email = format!("manager-{}@generated.example", &org.to_string()[..8]);
    let home_manager_email = format!("home-manager-{}@generated.example", &org.to_string()[..8]);
    app.add_user_as_system(org, user(&manager_email, None))
        .await
        .map_err(|e| e.to_string())?;
    app.add_user_as_system(org, user(&home_manager_email, Some(services[0])))
        .await
        .map_err(|e| e.to_string())?;

    let mut dice = Dice(0x5EED);
    let people: Vec<Person> = (0..people_n)
        .map(|i| Person {
            id: PersonId::new_random(),
            org_id: org,
            service_id: services[i % services_n],
            given_name: GIVEN[i % GIVEN.len()].into(),
            family_name: format!("{} {i}", FAMILY[i % FAMILY.len()]),
            kind: PersonKind::Child,
            date_of_birth: jiff::civil::date(2010, 1, 1)
                .checked_add(SignedDuration::from_hours(24 * dice.below(2500) as i64))
                .ok(),
            estimated_age: None,
            created_at: now - SignedDuration::from_hours(24 * 3650),
        })
        .collect();
    for chunk in people.chunks(20_000) {
        app.store
            .bulk_load(chunk, &[], &system(org, now, "person.generate"))
            .await
            .map_err(|e| e.to_string())?;
    }
    println!(
        "{} services and {} people in {:.1} s",
        services_n,
        people.len(),
        started.elapsed().as_secs_f64()
    );

    // The open ones belong to distinct people, spread across the homes. The closed ones,
    // over ten years, mostly to the one in twelve who go missing again and again; one in six
    // with someone else from their home within the hour.
    let per_episode = (size.events / size.episodes.max(1)).max(2);
    let open_n = size.open.min(size.episodes);
    let stride = (people.len() / open_n.max(1)).max(1);
    let today = homeward_domain::time::in_london(now).date();
    let batch = 5_000;
    let mut done = 0;
    let mut events_done = 0usize;
    let mut history_person = people[0].id;
    let mut times_missing = std::collections::HashMap::<PersonId, i64>::new();
    let mut learning = Vec::new();
    let mut companion: Option<(usize, Timestamp)> = None;
    let risk_sets = [
        "cse",
        "cce,county_lines",
        "self_harm,mental_health",
        "substances",
        "cse,substances",
    ];
    while done < size.episodes {
        let n = batch.min(size.episodes - done);
        let mut episodes = Vec::with_capacity(n);
        for k in done..done + n {
            let open = k < open_n;
            let index = if open {
                // Distinct people, and spread across the homes (not all in one) where the
                // stride leaves room to.
                let spread = if stride > services_n {
                    k % services_n
                } else {
                    0
                };
                (k * stride + spread) % people.len()
            } else if let Some((with, _)) = companion {
                // Someone else from the same home (people are dealt to homes in turn).
                (with + services_n * (1 + dice.below(8) as usize)) % people.len()
            } else if dice.below(10) < 6 {
                (dice.below(people.len().div_ceil(12) as u64) as usize * 12) % people.len()
            } else {
                dice.below(people.len() as u64) as usize
            };
            let person = &people[index];
            let mut shape = if open {
                let day = today;
                let mut s = Shape::roll(&mut dice, day, index);
                s.seen = now - mins(30 + dice.below(60 * 24 * 3) as i64);
                s
            } else {
                let back = 4 + dice.below(3650) as i64;
                let day = today
                    .checked_sub(jiff::Span::new().days(back))
                    .map_err(|e| e.to_string())?;
                Shape::roll(&mut dice, day, index)
            };
            match companion.take() {
                Some((_, at)) if !open => shape.seen = at + mins(dice.below(40) as i64),
                _ if !open && dice.below(6) == 0 => companion = Some((index, shape.seen)),
                _ => {}
            }
            let entries = if open { 5 } else { per_episode };
            let events = chronology(&shape, entries, open);
            let last = events.last().cloned().ok_or("no entries")?;
            if !open && k == open_n {
                history_person = person.id;
            }
            let seen = shape.seen;
            let summary = EpisodeSummary {
                id: EpisodeId::new_random(),
                org_id: org,
                service_id: person.service_id,
                person_id: person.id,
                phase: if open { "missing" } else { "closed" }.into(),
                is_open: open,
                opened_at: seen,
                last_seen_at: Some(seen),
                police_grade: shape.reported_after.map(|_| shape.grade.code().to_string()),
                last_event_seq: last.seq,
                last_event_kind: last.event.kind().into(),
                last_event_at: last.recorded_at,
                schedule: if open {
                    Schedule {
                        next_duty_rule: Some("tell_parents".into()),
                        next_duty_due_at: Some(seen + mins(60)),
                        waiting_pages: 0,
                        // As a pass leaves them: looked at again when something falls due.
                        next_check_at: Some(now + mins(60 + dice.below(60 * 48) as i64)),
                        paging_failed_since: None,
                    }
                } else {
                    Schedule::default()
                },
            };
            events_done += events.len();
            // What it adds to the patterns, as the app would write it (numbered in the order
            // made, which is near enough for timings).
            let number = times_missing.entry(person.id).or_insert(0);
            *number += 1;
            let risks = if index % 10 < 3 {
                homeward_domain::duties::Risks::from_codes(
                    risk_sets[index % risk_sets.len()].split(','),
                )
            } else {
                homeward_domain::duties::Risks::default()
            };
            if let Some(mut facts) =
                homeward_domain::learning::facts(&events, &risks, *number - 1, None)
            {
                // As the defaults would have it: an English child's every episode expects an
                // interview; the threshold read from the numbering (made in no time order).
                facts.interview_expected = true;
                facts.over_threshold = facts.episode_number >= 3;
                // Their forms name their usual place and a friend's house; anywhere else
                // they turn up is somewhere the forms do not know.
                let known = [
                    homeward_domain::learning::KnownPlace {
                        kind: "hangout".into(),
                        place: PLACES[index % PLACES.len()].into(),
                    },
                    homeward_domain::learning::KnownPlace {
                        kind: "friend".into(),
                        place: "A friend's house".into(),
                    },
                ];
                homeward_domain::learning::places_known(&mut facts, &known);
                learning.push((
                    summary.clone(),
                    homeward_store::Learning {
                        facts,
                        duties: shape.duties(open),
                    },
                ));
            }
            episodes.push((summary, events));
        }
        app.store
            .bulk_load(&[], &episodes, &system(org, now, "episode.generate"))
            .await
            .map_err(|e| e.to_string())?;
        app.store
            .bulk_load_facts(&learning)
            .await
            .map_err(|e| e.to_string())?;
        learning.clear();
        done += n;
        if done % 100_000 < batch || done == size.episodes {
            println!(
                "{done} episodes, {events_done} entries, {:.0} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
    // Counted once at the end, as `homeward rebuild-learning --counts-only` would: adding each batch to
    // counts spread over ten years rewrote most of them every batch.
    let counts = app
        .store
        .rebuild_rollups(org)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "{counts} pattern counts in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    // Bulk loading leaves the planner's picture of the tables behind: brought up to date so
    // what is timed next uses the indexes it would in service.
    app.store
        .refresh_statistics()
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "generated: 1 organisation, {} services, {} people, {} episodes ({} open), {} chronology entries in {:.0} s",
        services_n,
        people.len(),
        size.episodes,
        open_n,
        events_done,
        started.elapsed().as_secs_f64()
    );
    println!("organisation-wide manager: {manager_email}");
    println!("manager of Home 1: {home_manager_email}");
    Ok(Generated {
        org,
        first_service: services[0],
        manager_email,
        home_manager_email,
        a_person_with_history: history_person,
    })
}
