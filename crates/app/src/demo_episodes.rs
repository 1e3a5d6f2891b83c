//! Fictional episodes for the demo: in each organisation, one person missing now and one
//! episode from the past with its whole chronology, from "not back" to closed by a manager.
//! They go through the same rules as any episode (each event must derive), straight into the
//! store, as if recorded by the organisation's demo staff at the times given.

use crate::episodes::summary_of;
use crate::{App, AppError, AppResult};
use homeward_domain::duties;
use homeward_domain::episode::{
    self, Event, EventRecord, GradeScheme, Located, Occurred, Opened, PoliceGrade, PoliceNumber,
    PoliceReport, ProviderRisk, ReferralKind, ReturnInterview, Returned, Whereabouts,
};
use homeward_domain::ids::EpisodeId;
use homeward_domain::organisation::Nation;
use homeward_store::Person;
use jiff::{SignedDuration, Timestamp};

fn mins(m: i64) -> SignedDuration {
    SignedDuration::from_mins(m)
}

fn s(text: &str) -> String {
    text.into()
}

/// One line of a script: minutes after the person was last seen, who recorded it, what.
type Line = (i64, &'static str, Event);

/// Who records what in the demo: the role part of a demo address.
const WORKER: &str = "care-worker";
const LEAD: &str = "shift-lead";
const MANAGER: &str = "manager";

fn opened(place: &str, clothing: &str, circumstances: &str) -> Event {
    Event::Opened(Opened {
        last_seen: None,
        last_seen_place: s(place),
        whereabouts: Some(Whereabouts::Unknown),
        clothing: s(clothing),
        circumstances: s(circumstances),
        plan_version: Some(1),
        risk_version: Some(1),
        rule_set: Some(homeward_domain::duties::RULE_SET.into()),
        settings_version: None,
    })
}

fn police(force: &str, number: PoliceNumber, reference: &str, spoke_to: &str) -> Event {
    Event::ReportedToPolice(PoliceReport {
        force: s(force),
        number,
        reference: s(reference),
        spoke_to: s(spoke_to),
    })
}

fn graded(grade: PoliceGrade, review_at: Option<Timestamp>) -> Event {
    Event::PoliceGraded {
        grade,
        scheme: GradeScheme::EnglandWalesApp,
        review_at,
    }
}

fn contact(name: &str, learnt: &str) -> Event {
    Event::ContactMade {
        name: s(name),
        relationship: String::new(),
        learnt: s(learnt),
        shared: String::new(),
    }
}

fn located(place: &str, town: &str, area: &str, by: &str, condition: &str) -> Event {
    Event::Located(Located {
        place: s(place),
        town: s(town),
        police_area: s(area),
        found_by: s(by),
        condition: s(condition),
        who_was_told: s("Social worker, parent, police"),
    })
}

fn returned(how: &str) -> Event {
    Event::Returned(Returned {
        to_where: s("Home"),
        how: s(how),
        via_police_station: false,
        why_police_station: String::new(),
    })
}

/// A child missing now: two and a half hours, reported and graded, a sighting.
fn missing_now(now: Timestamp, nation: Nation) -> (i64, Vec<Line>) {
    let review = now + mins(120);
    let (force, reference) = match nation {
        Nation::England => ("Sample Shire Police", "SSP-26-118842"),
        _ => ("Heddlu Gogledd Cymru / North Wales Police", "NWP-26-118842"),
    };
    (
        150,
        vec![
            (
                40,
                WORKER,
                opened(
                    "Walking towards the station after school",
                    "Grey hoodie, black joggers, red trainers, small black rucksack",
                    "Said he was going to a friend's; did not arrive. Phone off since 16:10.",
                ),
            ),
            (
                45,
                WORKER,
                Event::StepDone {
                    step: 1,
                    what: s("Ring his mobile and send a text"),
                    found: s("Phone off; text not delivered"),
                },
            ),
            (
                55,
                WORKER,
                contact(
                    "His friend Rhys (through Rhys's mother)",
                    "Not seen him since lunchtime",
                ),
            ),
            (
                70,
                LEAD,
                police(
                    force,
                    PoliceNumber::NonEmergency,
                    reference,
                    "Call handler Jones",
                ),
            ),
            (90, LEAD, graded(PoliceGrade::Medium, Some(review))),
            (
                100,
                LEAD,
                Event::ProviderRiskAssessed {
                    level: ProviderRisk::Medium,
                    reasons: s("Known to go to the station area; older associates there"),
                },
            ),
            (
                120,
                WORKER,
                Event::Sighting {
                    place: s("Outside the chip shop on the high street"),
                    seen_by: s("A neighbour who knows him"),
                    details: s("With two older boys, heading towards the station"),
                },
            ),
        ],
    )
}

/// A past episode with everything after the return, closed by a manager.
fn past_child(nation: Nation) -> (i64, Vec<Line>) {
    let (force, interview) = match nation {
        Nation::England => (
            "Sample Shire Police",
            "Independent return home interview worker (Sample Shire Council)",
        ),
        _ => (
            "Heddlu De Cymru / South Wales Police",
            "Return interview worker (local authority)",
        ),
    };
    let referral = match nation {
        Nation::Wales => ReferralKind::ChildProtection,
        _ => ReferralKind::Trafficking,
    };
    (
        60 * 24 * 9,
        vec![
            (
                30,
                WORKER,
                opened(
                    "Front door, after tea",
                    "Black puffer jacket, white trainers",
                    "Upset after a phone call; left without saying where",
                ),
            ),
            (
                35,
                WORKER,
                contact(
                    "Her mother",
                    "Has not heard from her; will call if she does",
                ),
            ),
            (
                50,
                WORKER,
                Event::PlaceSearched {
                    place: s("The park and the shopping centre"),
                    found: s("Nothing"),
                },
            ),
            (
                60,
                LEAD,
                police(
                    force,
                    PoliceNumber::NonEmergency,
                    "REF-26-044120",
                    "PC Morgan",
                ),
            ),
            (75, LEAD, graded(PoliceGrade::Low, None)),
            (
                300,
                LEAD,
                located(
                    "A friend's flat",
                    "Cardiff",
                    force,
                    "Police",
                    "Tired and cold, no injuries seen",
                ),
            ),
            (360, LEAD, returned("Staff car")),
            (
                380,
                LEAD,
                Event::SafeAndWellCheck {
                    by: s("PC Morgan"),
                    findings: s(
                        "No injuries; says she stayed with a friend; nothing to suggest harm",
                    ),
                },
            ),
            (
                60 * 20,
                WORKER,
                Event::Debrief {
                    by: s("Key worker"),
                    notes: s("Talked about the phone call and who she can ring next time"),
                },
            ),
            (
                60 * 26,
                MANAGER,
                Event::ReturnInterviewOffered {
                    offered_by: s(interview),
                    independent: true,
                },
            ),
            (
                60 * 50,
                MANAGER,
                Event::ReturnInterviewHeld(ReturnInterview {
                    held_by: s(interview),
                    push_pull: s(
                        "Argument with mum on the phone; a friend she trusts offered a place to stay",
                    ),
                    where_and_who: s(
                        "Walked to a friend's flat; the friend's older brother was there",
                    ),
                    harm: s("None described"),
                    exploitation: s("Older brother gave her vapes: to follow up"),
                    own_words: s("\"I just needed to be somewhere nobody was shouting.\""),
                    actions: s(
                        "Key worker to plan phone calls with mum (manager); share the brother's details with police (safeguarding lead)",
                    ),
                    referrals: s("Information shared with police and the social worker"),
                }),
            ),
            (
                60 * 52,
                MANAGER,
                Event::Referral {
                    to: referral,
                    details: s(
                        "Concern about an older associate; discussed with the social worker",
                    ),
                },
            ),
            (
                60 * 70,
                MANAGER,
                Event::PlanReviewed {
                    by: s("Registered manager with the social worker"),
                    changes: s(
                        "Added the friend's address; agreed check-in calls when she is upset",
                    ),
                },
            ),
            (
                60 * 72,
                MANAGER,
                Event::Closed {
                    summary: s(
                        "Missing for about 4½ hours; found safe at a friend's flat. Return interview held; plan updated.",
                    ),
                    left_open: Vec::new(),
                },
            ),
        ],
    )
}

/// Shorter episodes from the months before, so the patterns page has something to show:
/// (days ago, hour of day last seen, where, found in which town, minutes away, police told
/// after how many minutes, what became of the return interview: 0 not offered, 1 held,
/// 2 declined).
type Past = (i64, i64, &'static str, &'static str, i64, Option<i64>, u8);

const HISTORY: [&[Past]; 3] = [
    &[
        (300, 21, "Bus station", "Cardiff", 180, Some(60), 1),
        (240, 22, "Bus station", "Cardiff", 300, Some(45), 2),
        (
            150,
            16,
            "After school, Heol y Ffynnon",
            "Newport",
            1560,
            Some(30),
            1,
        ),
        (40, 21, "Bus station", "Cardiff", 240, Some(60), 0),
    ],
    &[
        (280, 19, "Retail park", "Cardiff", 120, None, 1),
        (
            150,
            16,
            "After school, Heol y Ffynnon",
            "Newport",
            1500,
            Some(35),
            1,
        ),
        (
            60,
            23,
            "Front door, after tea",
            "Pontypridd",
            90,
            Some(20),
            2,
        ),
    ],
    &[
        (200, 14, "Town centre", "Cardiff", 200, Some(50), 1),
        (90, 20, "Retail park", "Caerphilly", 400, Some(40), 1),
    ],
];

/// One short past episode, from "not back" to closed.
fn past_short(
    now: Timestamp,
    (days, hour, place, town, away, told, interview): Past,
) -> (i64, Vec<Line>) {
    // Last seen at that hour, UK time, that many days ago.
    let day = homeward_domain::time::in_london(now - SignedDuration::from_hours(24 * days)).date();
    let seen = day
        .at(hour as i8, 5, 0, 0)
        .to_zoned(homeward_domain::time::london())
        .map(|z| z.timestamp())
        .unwrap_or(now);
    let ago = now.duration_since(seen).as_mins();
    let mut lines: Vec<Line> = vec![(
        10,
        WORKER,
        opened(
            place,
            "Dark hoodie, jeans",
            "Did not come back when expected",
        ),
    )];
    if let Some(after) = told {
        lines.push((
            after,
            LEAD,
            police(
                "Heddlu De Cymru / South Wales Police",
                PoliceNumber::NonEmergency,
                "SWP-DEMO",
                "Call handler",
            ),
        ));
    }
    lines.push((
        away,
        WORKER,
        located(
            "With friends",
            town,
            "South Wales",
            "Staff",
            "Tired, unhurt",
        ),
    ));
    lines.push((away + 30, WORKER, returned("Staff car")));
    match interview {
        1 | 2 => {
            lines.push((
                away + 60 * 30,
                LEAD,
                Event::ReturnInterviewOffered {
                    offered_by: s("Return interview worker (local authority)"),
                    independent: true,
                },
            ));
            if interview == 1 {
                lines.push((
                    away + 60 * 48,
                    LEAD,
                    Event::ReturnInterviewHeld(ReturnInterview {
                        held_by: s("Return interview worker (local authority)"),
                        ..ReturnInterview::default()
                    }),
                ));
            } else {
                lines.push((
                    away + 60 * 31,
                    LEAD,
                    Event::ReturnInterviewDeclined {
                        reason: s("Did not want to talk about it"),
                        offer_again: s("Next week, with their key worker"),
                    },
                ));
            }
        }
        _ => {}
    }
    lines.push((
        away + 60 * 72,
        MANAGER,
        Event::Closed {
            summary: s("Back safe; plan reviewed."),
            left_open: Vec::new(),
        },
    ));
    (ago, lines)
}

/// An adult with dementia who walked from home, found by police the same evening.
fn past_adult() -> (i64, Vec<Line>) {
    (
        60 * 24 * 20,
        vec![
            (
                20,
                WORKER,
                opened(
                    "His front garden",
                    "Brown flat cap, green wax jacket, slippers",
                    "Not at home for the teatime call; front door open. Herbert Protocol form held.",
                ),
            ),
            (
                25,
                WORKER,
                police(
                    "North Wales Police",
                    PoliceNumber::Emergency,
                    "NWP-26-090311",
                    "Call handler 2204",
                ),
            ),
            (
                30,
                WORKER,
                Event::PersonUpdated {
                    who: s("His daughter, Mair"),
                    what: s(
                        "Told he is missing and police are looking; she is driving to the chapel",
                    ),
                },
            ),
            (40, WORKER, graded(PoliceGrade::High, None)),
            (
                95,
                WORKER,
                located(
                    "The chapel where he used to be deacon",
                    "Conwy",
                    "North Wales Police",
                    "Police with his daughter",
                    "Cold and confused, otherwise well",
                ),
            ),
            (110, WORKER, returned("Police car with his daughter")),
            (
                60 * 24,
                MANAGER,
                Event::PlanReviewed {
                    by: s("Care manager with his daughter"),
                    changes: s("Door sensor referral; added the chapel to significant places"),
                },
            ),
            (
                60 * 24 + 10,
                MANAGER,
                Event::Referral {
                    to: ReferralKind::AdultSafeguarding,
                    details: s("Reported to the local authority as an adult at risk"),
                },
            ),
            (
                60 * 24 + 20,
                MANAGER,
                Event::Closed {
                    summary: s("Missing 1 hr 15 min; found by police at the chapel. Plan updated."),
                    left_open: Vec::new(),
                },
            ),
        ],
    )
}

/// An adult who did not come back from her afternoon walk: 50 minutes, 999 called.
fn adult_missing_now() -> (i64, Vec<Line>) {
    (
        50,
        vec![
            (
                10,
                WORKER,
                opened(
                    "The lane behind her bungalow, on her usual walk",
                    "Navy raincoat, walking stick, red handbag",
                    "Not back from a 15-minute walk; it is getting dark. Herbert Protocol form held.",
                ),
            ),
            (
                15,
                WORKER,
                police(
                    "North Wales Police",
                    PoliceNumber::Emergency,
                    "NWP-26-120077",
                    "Call handler 3318",
                ),
            ),
            (
                20,
                WORKER,
                Event::PersonUpdated {
                    who: s("Her son, Owain"),
                    what: s("Told she is missing; he is checking her old house in Llandudno"),
                },
            ),
            (
                30,
                WORKER,
                Event::PlaceSearched {
                    place: s("The lane, the bus shelter and the shop"),
                    found: s(
                        "The shopkeeper saw her pass about 20 minutes ago, heading to the river",
                    ),
                },
            ),
        ],
    )
}

impl App {
    /// Plays a script into the store. `ago` is how many minutes before now the person was
    /// last seen; each event happens that many minutes after, recorded a couple of minutes on.
    async fn demo_episode(
        &self,
        person: &Person,
        domain: &str,
        (ago, script): (i64, Vec<Line>),
    ) -> AppResult<()> {
        let now = self.clock.now();
        let seen = now - mins(ago);
        let id = EpisodeId::new_random();
        let mut events: Vec<EventRecord> = Vec::new();
        let mut context = None;
        for (after, who, event) in script {
            let when = seen + mins(after);
            let event = match event {
                Event::Opened(o) => Event::Opened(Opened {
                    last_seen: Some(Occurred::in_london(seen)),
                    ..o
                }),
                other => other,
            };
            // A closed demo episode accounts for every duty, as closing asks: whatever the
            // script left open was done, and is recorded so, just before it closes.
            if matches!(event, Event::Closed { .. })
                && let Some(c) = &context
            {
                let open: Vec<_> = duties::duties(c, &events, when)
                    .into_iter()
                    .filter(|d| d.is_open())
                    .collect();
                for duty in open {
                    let told = Event::Notified {
                        duty: duty.rule.into(),
                        who: s("As the duty asks"),
                        how: s("Phone, then confirmed by email"),
                    };
                    let line = (when, MANAGER, told);
                    self.demo_record(person, domain, id, &mut events, line, now, &mut context)
                        .await?;
                }
            }
            let line = (when, who, event);
            self.demo_record(person, domain, id, &mut events, line, now, &mut context)
                .await?;
        }
        Ok(())
    }

    async fn demo_context(
        &self,
        person: &Person,
        events: &[EventRecord],
    ) -> AppResult<duties::Context> {
        let state = match events.first() {
            Some(_) => episode::derive(events)
                .map_err(|r| AppError::Internal(format!("demo episode does not derive: {r:?}")))?,
            None => {
                return Err(AppError::Internal("a demo episode has no opening".into()));
            }
        };
        let plan = self.pinned_plan(person, &state).await?;
        self.duty_context(person, plan.as_ref(), &state).await
    }

    /// Writes one entry of a demo episode, with what the board and the paging pass read.
    /// `context` is what the rules know of the person, worked out once the opening is written.
    #[allow(clippy::too_many_arguments)]
    async fn demo_record(
        &self,
        person: &Person,
        domain: &str,
        id: EpisodeId,
        events: &mut Vec<EventRecord>,
        (when, who, event): (jiff::Timestamp, &str, Event),
        now: jiff::Timestamp,
        context: &mut Option<duties::Context>,
    ) -> AppResult<()> {
        let record = EventRecord {
            seq: events.len() as i64 + 1,
            when: Occurred::in_london(when),
            recorded_at: (when + mins(2)).min(now),
            recorded_by: None,
            recorded_by_label: format!("{who}@{domain}"),
            event,
        };
        let state = episode::append(events, &record)
            .map_err(|r| AppError::Internal(format!("demo episode does not derive: {r:?}")))?;
        events.push(record.clone());
        if context.is_none() {
            *context = Some(self.demo_context(person, events).await?);
        }
        let mut summary = summary_of(id, person, &state, &record);
        if let Some(c) = context.as_ref() {
            summary.schedule =
                crate::episodes::schedule_of(&state, events, &duties::duties(c, events, now), now);
        }
        let audit = self.demo_event(
            person.org_id,
            &format!("episode.{}", record.event.kind()),
            "episode",
            format!("{id} #{}", record.seq),
        );
        if record.seq == 1 {
            self.store
                .open_episode(&summary, &record, None, &audit)
                .await?;
        } else {
            self.store
                .append_episode_event(&summary, &record, &audit)
                .await?;
        }
        Ok(())
    }

    /// The demo's episodes for one organisation's people (in the order they were added).
    pub(crate) async fn demo_episodes(
        &self,
        nation: Nation,
        domain: &str,
        people: &[Person],
    ) -> AppResult<()> {
        let now = self.clock.now();
        let adults = people
            .first()
            .is_some_and(|p| p.kind == homeward_domain::person::PersonKind::Adult);
        // The first person in each organisation is left for people to try things on.
        if let (Some(now_missing), Some(past)) = (people.get(1), people.get(2)) {
            if adults {
                self.demo_episode(past, domain, past_adult()).await?;
                self.demo_episode(now_missing, domain, adult_missing_now())
                    .await?;
            } else {
                // Earlier history first, so each episode counts those before it.
                if nation == Nation::Wales {
                    for (person, history) in people.iter().skip(2).zip(HISTORY) {
                        for past in history {
                            self.demo_episode(person, domain, past_short(now, *past))
                                .await?;
                        }
                    }
                }
                self.demo_episode(past, domain, past_child(nation)).await?;
                self.demo_episode(now_missing, domain, missing_now(now, nation))
                    .await?;
            }
        }
        Ok(())
    }
}
