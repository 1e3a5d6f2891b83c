//! The forms, as data. Field lists follow domain.md §3.2–3.4: the Wales Child Information
//! Form, Philomena Protocol part 1 and Herbert Protocol part 1 are one information form here,
//! with the sections for children or adults shown only to whom they apply. Every id below has
//! a label in both languages (`form-{kind}-{section}-{field}`); a test checks.

use super::{
    AppliesTo, DateRule, DocKind, FieldDef, FieldKind, FormDef, GroupDef, Part, Problem,
    SectionData, SectionDef,
};

const fn field(id: &'static str, kind: FieldKind) -> FieldDef {
    FieldDef {
        id,
        kind,
        required: false,
    }
}

const fn required(id: &'static str, kind: FieldKind) -> FieldDef {
    FieldDef {
        id,
        kind,
        required: true,
    }
}

const SHORT: FieldKind = FieldKind::Text(200);
const LONG: FieldKind = FieldKind::LongText(4000);
const YES_NO: FieldKind = FieldKind::YesNo;
const PAST: FieldKind = FieldKind::Date(DateRule::NotFuture);
const FUTURE: FieldKind = FieldKind::Date(DateRule::NotPast);

pub const PERSON_KINDS: &[&str] = &["child", "adult"];
pub const LANGUAGES: &[&str] = &["english", "welsh", "other"];
pub const RISK_INDICATORS: &[&str] = &[
    "cse",
    "cce",
    "county_lines",
    "trafficking",
    "uasc",
    "self_harm",
    "mental_health",
    "substances",
    "dementia",
    "other",
];
pub const PLACE_KINDS: &[&str] = &[
    "home",
    "family",
    "friend",
    "school_work",
    "hangout",
    "found_before",
    "other",
];
pub const ASSOCIATE_KINDS: &[&str] = &["trusted", "concern", "unknown"];
pub const CONTACT_ROLES: &[&str] = &[
    "parent",
    "parental_responsibility",
    "social_worker",
    "placing_authority",
    "gp",
    "next_of_kin",
    "other",
];
pub const PLAN_TYPES: &[&str] = &["care_and_support", "child_protection", "care_plan", "none"];
pub const CAPACITY: &[&str] = &["has_capacity", "lacks_capacity", "not_assessed"];
pub const LIKELIHOOD: &[&str] = &["low", "medium", "high"];
pub const POLICE_NUMBERS: &[&str] = &["999", "101"];

pub const PROFILE: FormDef = FormDef {
    kind: DocKind::Profile,
    sections: &[
        SectionDef {
            id: "about",
            applies_to: AppliesTo::Everyone,
            parts: &[
                Part::Field(required("given_name", FieldKind::Text(100))),
                Part::Field(required("family_name", FieldKind::Text(100))),
                Part::Field(field("preferred_name", FieldKind::Text(100))),
                Part::Field(field("aliases", FieldKind::Text(300))),
                Part::Field(required("kind", FieldKind::Choice(PERSON_KINDS))),
                Part::Field(field("date_of_birth", PAST)),
                Part::Field(field(
                    "estimated_age",
                    FieldKind::Number { min: 0, max: 120 },
                )),
                Part::Field(field("gender", FieldKind::Text(60))),
                Part::Field(field("ethnicity", FieldKind::Text(100))),
                Part::Field(field("first_language", FieldKind::Text(60))),
                Part::Field(field("preferred_language", FieldKind::Choice(LANGUAGES))),
                Part::Field(field("interpreter_needed", YES_NO)),
            ],
        },
        SectionDef {
            id: "description",
            applies_to: AppliesTo::Everyone,
            parts: &[
                Part::Field(field("height_cm", FieldKind::Number { min: 30, max: 250 })),
                Part::Field(field("build", FieldKind::Text(100))),
                Part::Field(field("hair", FieldKind::Text(100))),
                Part::Field(field("eyes", FieldKind::Text(60))),
                Part::Field(field("glasses", YES_NO)),
                Part::Field(field("facial_hair", FieldKind::Text(100))),
                Part::Field(field("distinguishing_marks", LONG)),
                Part::Field(field("accent", FieldKind::Text(100))),
            ],
        },
        SectionDef {
            id: "health",
            applies_to: AppliesTo::Everyone,
            parts: &[
                Part::Field(field("conditions", LONG)),
                Part::Group(GroupDef {
                    id: "medication",
                    max_items: 30,
                    fields: &[
                        required("name", FieldKind::Text(200)),
                        field("dose", FieldKind::Text(200)),
                        field("times", FieldKind::Text(200)),
                        field("missed_dose_effect", FieldKind::LongText(1000)),
                    ],
                }),
                Part::Field(field("mobility_aids", SHORT)),
                Part::Field(field("communication_aids", SHORT)),
                Part::Field(field("walking_distance", SHORT)),
                Part::Field(field("locator_device", SHORT)),
            ],
        },
        SectionDef {
            id: "contact_details",
            applies_to: AppliesTo::Everyone,
            parts: &[
                Part::Group(GroupDef {
                    id: "phone",
                    max_items: 10,
                    fields: &[
                        required("number", FieldKind::Text(40)),
                        field("network", FieldKind::Text(60)),
                        field("handset", FieldKind::Text(100)),
                    ],
                }),
                // Account names only: passwords are never asked for or kept.
                Part::Group(GroupDef {
                    id: "account",
                    max_items: 20,
                    fields: &[
                        required("service", FieldKind::Text(100)),
                        required("username", FieldKind::Text(200)),
                    ],
                }),
                Part::Field(field("vehicles_and_passes", FieldKind::LongText(1000))),
                Part::Group(GroupDef {
                    id: "address",
                    max_items: 20,
                    fields: &[
                        required("address", FieldKind::LongText(500)),
                        field("current", YES_NO),
                        field("how_long", FieldKind::Text(100)),
                    ],
                }),
            ],
        },
        SectionDef {
            id: "places",
            applies_to: AppliesTo::Everyone,
            parts: &[Part::Group(GroupDef {
                id: "place",
                max_items: 50,
                fields: &[
                    field("kind", FieldKind::Choice(PLACE_KINDS)),
                    required("where", FieldKind::LongText(500)),
                    field("why", FieldKind::LongText(1000)),
                    field("risk_assessed", YES_NO),
                ],
            })],
        },
        SectionDef {
            id: "associates",
            applies_to: AppliesTo::Everyone,
            parts: &[Part::Group(GroupDef {
                id: "associate",
                max_items: 50,
                fields: &[
                    required("name", FieldKind::Text(200)),
                    field("relationship", FieldKind::Text(200)),
                    field("trust", FieldKind::Choice(ASSOCIATE_KINDS)),
                    field("contact_details", FieldKind::LongText(500)),
                    field("missing_together_before", YES_NO),
                ],
            })],
        },
        SectionDef {
            id: "contacts",
            applies_to: AppliesTo::Everyone,
            parts: &[Part::Group(GroupDef {
                id: "contact",
                max_items: 30,
                fields: &[
                    required("role", FieldKind::Choice(CONTACT_ROLES)),
                    required("name", FieldKind::Text(200)),
                    field("phone", FieldKind::Text(40)),
                    field("email", FieldKind::Text(200)),
                    field("may_be_contacted", YES_NO),
                    field("must_not_be_told", YES_NO),
                    field("not_told_reason", FieldKind::LongText(1000)),
                    field("share_with_police", YES_NO),
                ],
            })],
        },
        SectionDef {
            id: "routines",
            applies_to: AppliesTo::Everyone,
            parts: &[
                Part::Field(field("routines", LONG)),
                Part::Field(field("interests", LONG)),
            ],
        },
        SectionDef {
            id: "legal_status",
            applies_to: AppliesTo::Children,
            parts: &[
                Part::Field(field("looked_after", YES_NO)),
                Part::Field(field("legal_basis", SHORT)),
                Part::Field(field("plan_type", FieldKind::Choice(PLAN_TYPES))),
                Part::Field(field("placing_authority", SHORT)),
                Part::Field(field("out_of_area", YES_NO)),
            ],
        },
        SectionDef {
            id: "capacity",
            applies_to: AppliesTo::Adults,
            parts: &[
                Part::Field(field("capacity_to_consent", FieldKind::Choice(CAPACITY))),
                Part::Field(field("consents_to_sharing", YES_NO)),
                Part::Field(field("what_shared_with_whom", LONG)),
                Part::Field(field("best_interests", LONG)),
                Part::Field(field("decided_on", PAST)),
            ],
        },
        SectionDef {
            id: "risks",
            applies_to: AppliesTo::Everyone,
            parts: &[
                Part::Field(field("indicators", FieldKind::MultiChoice(RISK_INDICATORS))),
                Part::Field(field("notes", LONG)),
            ],
        },
        // A child's views on their information being shared, sought where possible (seed 004).
        SectionDef {
            id: "sharing_views",
            applies_to: AppliesTo::Children,
            parts: &[
                Part::Field(field("views_sought", YES_NO)),
                Part::Field(field("views", LONG)),
                Part::Field(field("recorded_on", PAST)),
            ],
        },
        SectionDef {
            id: "own_words",
            applies_to: AppliesTo::Everyone,
            parts: &[Part::Field(field("if_i_go_missing", LONG))],
        },
        SectionDef {
            id: "review",
            applies_to: AppliesTo::Everyone,
            parts: &[Part::Field(field("next_review_date", FUTURE))],
        },
    ],
};

pub const RISK_ASSESSMENT: FormDef = FormDef {
    kind: DocKind::RiskAssessment,
    sections: &[SectionDef {
        id: "assessment",
        applies_to: AppliesTo::Everyone,
        parts: &[
            Part::Field(required("likelihood", FieldKind::Choice(LIKELIHOOD))),
            Part::Field(field("triggers", LONG)),
            Part::Field(field("push_factors", LONG)),
            Part::Field(field("pull_factors", LONG)),
            Part::Field(field("risks_when_missing", LONG)),
            Part::Field(field("protective_factors", LONG)),
            Part::Field(field("reducing_the_risk", LONG)),
            Part::Field(required("review_date", FUTURE)),
        ],
    }],
};

pub const MISSING_PLAN: FormDef = FormDef {
    kind: DocKind::MissingPlan,
    sections: &[
        SectionDef {
            id: "when_missing",
            applies_to: AppliesTo::Everyone,
            parts: &[Part::Field(required(
                "what_counts",
                FieldKind::LongText(2000),
            ))],
        },
        SectionDef {
            id: "steps",
            applies_to: AppliesTo::Everyone,
            parts: &[Part::Group(GroupDef {
                id: "step",
                max_items: 30,
                fields: &[required("what", FieldKind::LongText(500))],
            })],
        },
        SectionDef {
            id: "police",
            applies_to: AppliesTo::Everyone,
            parts: &[
                Part::Field(field("report_at_once_if", FieldKind::LongText(2000))),
                Part::Field(field("otherwise_after", FieldKind::Text(200))),
                Part::Field(field("back_by", FieldKind::TimeOfDay)),
                Part::Field(required("number", FieldKind::Choice(POLICE_NUMBERS))),
                Part::Field(field("give_police", FieldKind::LongText(2000))),
            ],
        },
        SectionDef {
            id: "telling",
            applies_to: AppliesTo::Everyone,
            parts: &[
                Part::Field(field("also_tell", FieldKind::LongText(2000))),
                Part::Field(field("do_not_tell", FieldKind::LongText(2000))),
            ],
        },
        SectionDef {
            id: "return",
            applies_to: AppliesTo::Everyone,
            parts: &[Part::Field(field(
                "how_they_come_back",
                FieldKind::LongText(2000),
            ))],
        },
        SectionDef {
            id: "discussed",
            applies_to: AppliesTo::Everyone,
            parts: &[
                Part::Field(field("discussed_with_person", YES_NO)),
                Part::Field(field("discussed_on", PAST)),
                Part::Field(field("their_view", FieldKind::LongText(2000))),
            ],
        },
        SectionDef {
            id: "review",
            applies_to: AppliesTo::Everyone,
            parts: &[Part::Field(required("review_date", FUTURE))],
        },
    ],
};

/// Rules that involve more than one field of a section.
pub fn cross_field_rules(section: &str, data: &SectionData) -> Vec<Problem> {
    let mut problems = Vec::new();
    match section {
        // Police need an age: a date of birth, or an estimate when it is not known.
        "about"
            if !data.fields.contains_key("date_of_birth")
                && !data.fields.contains_key("estimated_age") =>
        {
            problems.push(Problem {
                path: "date_of_birth".into(),
                message: "error-birth-or-age",
            });
        }
        // "Must not be told where the person is" must say why: staff at 3 a.m. need the reason.
        "contacts" => {
            let contacts = data.groups.get("contact").map(Vec::as_slice).unwrap_or(&[]);
            for (n, item) in contacts.iter().enumerate() {
                let not_told = item.get("must_not_be_told").map(String::as_str) == Some("yes");
                if not_told && !item.contains_key("not_told_reason") {
                    problems.push(Problem {
                        path: format!("contact-{}-not_told_reason", n + 1),
                        message: "error-reason-needed",
                    });
                }
            }
        }
        _ => {}
    }
    problems
}
