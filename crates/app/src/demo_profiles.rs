//! Complete, fictional information forms, risk assessments and missing plans for the demo
//! people. They go through the same checks as anything a user enters, so the demo cannot
//! hold data the product would refuse.

use crate::{AppError, AppResult};
use homeward_domain::forms::{self, DocKind, Document, RawSection};
use homeward_domain::organisation::Nation;
use homeward_domain::person::PersonKind;
use homeward_store::Person;
use jiff::civil::Date;
use std::collections::BTreeMap;

pub struct DemoDocuments {
    pub profile: Document,
    pub risk: Document,
    pub plan: Document,
}

type Pairs<'a> = &'a [(&'a str, &'a str)];

fn raw(fields: Pairs<'_>, groups: &[(&str, Vec<Pairs<'_>>)]) -> RawSection {
    let mut r = RawSection::default();
    for (k, v) in fields {
        r.fields
            .entry(k.to_string())
            .or_default()
            .push(v.to_string());
    }
    for (group, items) in groups {
        for item in items {
            let map: BTreeMap<String, Vec<String>> = item
                .iter()
                .map(|(k, v)| (k.to_string(), vec![v.to_string()]))
                .collect();
            r.groups.entry(group.to_string()).or_default().push(map);
        }
    }
    r
}

fn date_fields(prefix: &str, d: Date) -> [(String, String); 3] {
    [
        (format!("{prefix}-day"), d.day().to_string()),
        (format!("{prefix}-month"), d.month().to_string()),
        (format!("{prefix}-year"), d.year().to_string()),
    ]
}

struct Builder {
    kind: DocKind,
    doc: Document,
    today: Date,
}

impl Builder {
    fn new(kind: DocKind, today: Date) -> Self {
        Self {
            kind,
            doc: Document::default(),
            today,
        }
    }

    fn section(mut self, id: &str, raw: RawSection) -> AppResult<Self> {
        let def = self
            .kind
            .form()
            .section(id)
            .ok_or_else(|| AppError::Internal(format!("no section {id}")))?;
        let data = forms::check_section(def, &raw, self.today)
            .map_err(|p| AppError::Internal(format!("demo {id} is invalid: {p:?}")))?;
        self.doc = self.doc.with_section(id, data);
        Ok(self)
    }
}

fn with_dates(mut r: RawSection, dates: &[(&str, Date)]) -> RawSection {
    for (prefix, d) in dates {
        for (k, v) in date_fields(prefix, *d) {
            r.fields.insert(k, vec![v]);
        }
    }
    r
}

/// The documents for demo person number `n` of their organisation.
pub fn documents(p: &Person, n: usize, nation: Nation, today: Date) -> AppResult<DemoDocuments> {
    let review = today
        .checked_add(jiff::Span::new().months(6))
        .unwrap_or(today);
    // One person per organisation is overdue, so the review warnings have something to show.
    let profile_review = if n == 2 { today } else { review };
    let child = p.kind == PersonKind::Child;
    let dob = p.date_of_birth.unwrap_or(today);
    let welsh = nation == Nation::Wales;
    let (height, hair, eyes) = [
        ("158", "Dark brown, shoulder length", "Brown"),
        ("171", "Red, short and curly", "Green"),
        ("149", "Blonde, in a ponytail", "Blue"),
        ("165", "Black, shaved at the sides", "Hazel"),
    ][n % 4];
    let language = if welsh && n.is_multiple_of(2) {
        "welsh"
    } else {
        "english"
    };
    let first_language = if language == "welsh" {
        "Welsh"
    } else {
        "English"
    };

    let mut b = Builder::new(DocKind::Profile, today)
        .section(
            "about",
            with_dates(
                raw(
                    &[
                        ("given_name", &p.given_name),
                        ("family_name", &p.family_name),
                        ("kind", p.kind.code()),
                        (
                            "gender",
                            if n.is_multiple_of(2) {
                                "Female"
                            } else {
                                "Male"
                            },
                        ),
                        ("ethnicity", "White Welsh / British (fictional)"),
                        ("first_language", first_language),
                        ("preferred_language", language),
                        ("interpreter_needed", "no"),
                    ],
                    &[],
                ),
                &[("date_of_birth", dob)],
            ),
        )?
        .section(
            "description",
            raw(
                &[
                    ("height_cm", height),
                    ("build", "Slim"),
                    ("hair", hair),
                    ("eyes", eyes),
                    ("glasses", if n == 3 { "yes" } else { "no" }),
                    (
                        "distinguishing_marks",
                        "Small scar above the left eyebrow (fictional)",
                    ),
                    ("accent", if welsh { "North Wales" } else { "Local" }),
                ],
                &[],
            ),
        )?;
    b = if child {
        b.section(
            "health",
            raw(
                &[("conditions", "Asthma")],
                &[("medication", vec![&[
                    ("name", "Salbutamol inhaler"),
                    ("dose", "Two puffs"),
                    ("times", "When needed; carries it"),
                    ("missed_dose_effect", "Can become breathless after running; without it an attack can become serious."),
                ]])],
            ),
        )?
    } else {
        b.section(
            "health",
            raw(
                &[
                    ("conditions", "Dementia (Alzheimer’s type), type 2 diabetes"),
                    ("mobility_aids", "Walking stick"),
                    ("walking_distance", "About a mile on a good day"),
                    (
                        "locator_device",
                        "GPS pendant; monitoring centre 0300 000 0000 (fictional)",
                    ),
                ],
                &[(
                    "medication",
                    vec![
                        &[
                            ("name", "Metformin"),
                            ("dose", "500 mg"),
                            ("times", "With breakfast and evening meal"),
                            (
                                "missed_dose_effect",
                                "Blood sugar rises over a day or two: confusion and thirst.",
                            ),
                        ],
                        &[
                            ("name", "Donepezil"),
                            ("dose", "10 mg"),
                            ("times", "At night"),
                        ],
                    ],
                )],
            ),
        )?
    };
    b = b
        .section(
            "contact_details",
            raw(
                &[(
                    "vehicles_and_passes",
                    if child {
                        "Bus pass for local routes"
                    } else {
                        "Concessionary bus pass"
                    },
                )],
                &[
                    (
                        "phone",
                        vec![&[("number", "07700 900000"), ("network", "Fictional Mobile")]],
                    ),
                    (
                        "address",
                        vec![&[
                            ("address", "1 Example Street, Sampletown (fictional)"),
                            ("current", "yes"),
                        ]],
                    ),
                ],
            ),
        )?
        .section(
            "places",
            raw(
                &[],
                &[(
                    "place",
                    vec![
                        &[
                            ("kind", "found_before"),
                            ("where", "The bus station in the town centre"),
                            ("why", "Found there twice before"),
                            ("risk_assessed", "yes"),
                        ],
                        &[
                            ("kind", "family"),
                            ("where", "Grandparent’s house, 3 Sample Road (fictional)"),
                            ("why", "Feels safe there"),
                        ],
                    ],
                )],
            ),
        )?
        .section(
            "associates",
            raw(
                &[],
                &[(
                    "associate",
                    vec![&[
                        ("name", "Fictional Friend"),
                        ("relationship", "Friend from school"),
                        ("trust", "trusted"),
                        ("missing_together_before", "no"),
                    ]],
                )],
            ),
        )?
        .section(
            "contacts",
            raw(
                &[],
                &[(
                    "contact",
                    if child {
                        vec![
                            &[
                                ("role", "social_worker"),
                                ("name", "Sam Socialworker (fictional)"),
                                ("phone", "01632 960000"),
                                ("may_be_contacted", "yes"),
                                ("share_with_police", "yes"),
                            ][..],
                            &[
                                ("role", "parent"),
                                ("name", "A Parent (fictional)"),
                                ("may_be_contacted", "yes"),
                                ("must_not_be_told", "yes"),
                                (
                                    "not_told_reason",
                                    "Court order: must not know where the child lives.",
                                ),
                                ("share_with_police", "no"),
                            ][..],
                        ]
                    } else {
                        vec![
                            &[
                                ("role", "next_of_kin"),
                                ("name", "Daughter (fictional)"),
                                ("phone", "01632 960001"),
                                ("may_be_contacted", "yes"),
                                ("share_with_police", "yes"),
                            ][..],
                        ]
                    },
                )],
            ),
        )?
        .section(
            "routines",
            raw(
                &[
                    ("routines", "Up at 7.30; likes a walk after tea"),
                    ("interests", "Football, drawing, music"),
                ],
                &[],
            ),
        )?
        .section("risks", {
            let mut r = raw(
                &[(
                    "notes",
                    "See the risk assessment for triggers and what helps.",
                )],
                &[],
            );
            let indicators: &[&str] = if child {
                &["self_harm", "cse"][..n % 2 + 1]
            } else {
                &["dementia"]
            };
            r.fields.insert(
                "indicators".into(),
                indicators.iter().map(|s| s.to_string()).collect(),
            );
            r
        })?
        .section(
            "own_words",
            raw(
                &[(
                    "if_i_go_missing",
                    "Text me, don’t call. I will come back if I know I’m not in trouble.",
                )],
                &[],
            ),
        )?
        .section(
            "review",
            with_dates(
                RawSection::default(),
                &[("next_review_date", profile_review)],
            ),
        )?;
    b = if child {
        b.section(
            "legal_status",
            raw(
                &[
                    ("looked_after", "yes"),
                    (
                        "legal_basis",
                        if welsh {
                            "Section 76, Social Services and Well-being (Wales) Act 2014"
                        } else {
                            "Section 20, Children Act 1989"
                        },
                    ),
                    (
                        "plan_type",
                        if welsh {
                            "care_and_support"
                        } else {
                            "care_plan"
                        },
                    ),
                    (
                        "placing_authority",
                        if welsh {
                            "Cyngor Sir Ffug County Council"
                        } else {
                            "Fictional County Council"
                        },
                    ),
                    ("out_of_area", "no"),
                ],
                &[],
            ),
        )?
    } else {
        b.section(
            "capacity",
            with_dates(
                raw(
                    &[
                        ("capacity_to_consent", "lacks_capacity"),
                        (
                            "best_interests",
                            "Agreed with family that information is shared with police if missing.",
                        ),
                    ],
                    &[],
                ),
                &[("decided_on", today)],
            ),
        )?
    };

    let risk = Builder::new(DocKind::RiskAssessment, today)
        .section(
            "assessment",
            with_dates(
                raw(
                    &[
                        ("likelihood", ["medium", "high", "low", "medium"][n % 4]),
                        (
                            "triggers",
                            if child {
                                "Arguments about phone time; contact with family"
                            } else {
                                "Late afternoon restlessness"
                            },
                        ),
                        (
                            "pull_factors",
                            if child {
                                "Older friends in town"
                            } else {
                                "Looking for a former home"
                            },
                        ),
                        (
                            "risks_when_missing",
                            if child {
                                "Exploitation by older people; asthma attack without inhaler"
                            } else {
                                "Falls, cold, missed medication"
                            },
                        ),
                        ("protective_factors", "A trusted key worker"),
                        ("reducing_the_risk", "Agreed phone time; evening activity"),
                    ],
                    &[],
                ),
                &[("review_date", review)],
            ),
        )?
        .doc;

    let plan = Builder::new(DocKind::MissingPlan, today)
        .section(
            "when_missing",
            raw(
                &[(
                    "what_counts",
                    if child {
                        "Not back 30 minutes after the agreed time and not answering their phone."
                    } else {
                        "Not at home at a care call and not with a neighbour."
                    },
                )],
                &[],
            ),
        )?
        .section(
            "steps",
            raw(
                &[],
                &[(
                    "step",
                    vec![
                        &[("what", "Ring and text their phone")],
                        &[("what", "Check the bus station and the park")],
                        &[("what", "Ring their friend and their grandparent")],
                    ],
                )],
            ),
        )?
        .section(
            "police",
            raw(
                &[
                    (
                        "report_at_once_if",
                        "They have no inhaler, or anyone has seen them with unknown adults.",
                    ),
                    (
                        "otherwise_after",
                        if child { "1 hour" } else { "30 minutes" },
                    ),
                    ("number", if child { "101" } else { "999" }),
                    ("give_police", "The police pack from Homeward."),
                ],
                &[],
            ),
        )?
        .section(
            "telling",
            raw(
                &[
                    (
                        "also_tell",
                        "Social worker; emergency duty team out of hours",
                    ),
                    ("do_not_tell", "The parent named in contacts"),
                ],
                &[],
            ),
        )?
        .section(
            "return",
            raw(
                &[(
                    "how_they_come_back",
                    "Collected by staff; not through a police station.",
                )],
                &[],
            ),
        )?
        .section(
            "discussed",
            with_dates(
                raw(
                    &[
                        ("discussed_with_person", "yes"),
                        ("their_view", "Agrees to texts rather than calls."),
                    ],
                    &[],
                ),
                &[("discussed_on", today)],
            ),
        )?
        .section(
            "review",
            with_dates(RawSection::default(), &[("review_date", review)]),
        )?
        .doc;
    Ok(DemoDocuments {
        profile: b.doc,
        risk,
        plan,
    })
}
