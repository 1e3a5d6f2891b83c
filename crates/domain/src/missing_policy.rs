//! The organisation's missing policy, composed from what Homeward enforces.
//!
//! A policy is for one kind of service in the organisation's nation. Its sections follow what
//! a regulator expects of a written missing policy (purpose, scope, definitions and risk
//! factors, immediate actions, safeguarding and prevention, return and learning, records,
//! related policies, review). Every number in it (how long before the police are called, who
//! is told and by when) is read from the organisation's settings and the duty rules
//! ([`crate::duties::RULES`]) that Homeward derives each episode's duties from, so the policy
//! and the system cannot say different things.
//!
//! The text itself lives in the message catalogues (English and Welsh): a composed policy is a
//! list of message ids with their values, turned into words by whoever shows it.

use crate::duties::{self, Context, Due, Risks, Who};
use crate::organisation::{Nation, Regulator, ServiceKind};
use crate::person::PersonKind;

/// A value a message of the policy is given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    Number(i64),
}

/// One sentence or heading: a message id and its values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub id: String,
    pub args: Vec<(&'static str, Arg)>,
}

impl Line {
    pub fn new(id: impl Into<String>) -> Self {
        Line {
            id: id.into(),
            args: Vec::new(),
        }
    }

    pub fn text(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, Arg::Text(value.into())));
        self
    }

    pub fn number(mut self, name: &'static str, value: i64) -> Self {
        self.args.push((name, Arg::Number(value)));
        self
    }
}

/// What a section holds, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Para(Line),
    List(Vec<Line>),
    /// A duty Homeward sets on every episode here: what, who, by when, and the source.
    Duty(DutyLine),
    /// The organisation's own words (a local arrangement), shown as written.
    Own(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DutyLine {
    /// The rule's id: its name is the message `duty-{rule}`.
    pub rule: &'static str,
    pub who: Who,
    /// When its clock starts: the message `policy-from-{trigger}`.
    pub from: &'static str,
    /// How long it allows, in words.
    pub within: Line,
    pub source_document: &'static str,
    pub source_section: &'static str,
}

/// One numbered section of the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// Stable: `policy-h-{key}` is its heading, and the organisation's own sections name the
    /// section they follow by it.
    pub key: String,
    /// The heading, for the organisation's own sections (Homeward's come from `key`).
    pub own_heading: Option<String>,
    pub blocks: Vec<Block>,
    /// An own section's heading and paragraphs in Welsh, where the organisation gave them.
    pub own_cy: Option<(String, Vec<Block>)>,
}

/// Something the policy needs that the organisation has not said yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    OrganisationName,
    RegistrationNumber,
    RegisteredManager,
    SafeguardingLead,
    Logo,
    LocalAuthority,
    LocalProtocol,
    EmergencyDutyTeam,
    PoliceForce,
}

/// Where a missing field is filled in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// The organisation's details (set by the organisation's administrator).
    Organisation,
    /// The policy's own local details.
    LocalDetails,
}

impl Field {
    pub const ALL: [Field; 9] = [
        Field::OrganisationName,
        Field::RegistrationNumber,
        Field::RegisteredManager,
        Field::SafeguardingLead,
        Field::Logo,
        Field::LocalAuthority,
        Field::LocalProtocol,
        Field::EmergencyDutyTeam,
        Field::PoliceForce,
    ];

    /// Stable: the form field's name and the message `policy-field-{code}`.
    pub fn code(self) -> &'static str {
        match self {
            Field::OrganisationName => "organisation_name",
            Field::RegistrationNumber => "registration_number",
            Field::RegisteredManager => "registered_manager",
            Field::SafeguardingLead => "safeguarding_lead",
            Field::Logo => "logo",
            Field::LocalAuthority => "local_authority",
            Field::LocalProtocol => "local_protocol",
            Field::EmergencyDutyTeam => "emergency_duty_team",
            Field::PoliceForce => "police_force",
        }
    }

    pub fn place(self) -> Place {
        match self {
            Field::OrganisationName
            | Field::RegistrationNumber
            | Field::RegisteredManager
            | Field::SafeguardingLead => Place::Organisation,
            Field::Logo
            | Field::LocalAuthority
            | Field::LocalProtocol
            | Field::EmergencyDutyTeam
            | Field::PoliceForce => Place::LocalDetails,
        }
    }
}

/// The local details a policy keeps for itself: who the home works with where it is.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct LocalDetails {
    /// The local authority whose missing protocol applies.
    pub local_authority: String,
    /// The name (and where to find it) of that authority's missing protocol.
    pub local_protocol: String,
    /// The emergency duty team's number, out of hours.
    pub emergency_duty_team: String,
    pub police_force: String,
    /// Whether the organisation has a logo for the policy's heading.
    pub has_logo: bool,
}

/// An organisation's own section: a local arrangement, placed after one of Homeward's.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct OwnSection {
    /// The key of the section it follows.
    pub after: String,
    pub heading: String,
    pub text: String,
    /// The Welsh, where the organisation gives one; the English is shown otherwise.
    pub heading_cy: String,
    pub text_cy: String,
}

/// Everything a policy is composed from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    pub organisation_name: String,
    pub registration_number: String,
    pub regulator: Regulator,
    pub registered_manager: String,
    pub safeguarding_lead: String,
    pub nation: Nation,
    pub kind: ServiceKind,
    /// The names of the organisation's services of this kind.
    pub services: Vec<String>,
    pub duties: duties::DutySettings,
    pub local: LocalDetails,
    pub own: Vec<OwnSection>,
    /// Minutes before an unanswered page goes to the next person on call.
    pub escalate_after_minutes: i64,
    /// Months between reviews (at most 12).
    pub review_months: i8,
}

/// The longest a policy may go between reviews.
pub const MAX_REVIEW_MONTHS: i8 = 12;

/// What the composed policy says, and what it is still missing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Composed {
    pub sections: Vec<Section>,
    /// Empty when it can be published.
    pub missing: Vec<Field>,
}

/// Homeward's sections, in order.
pub const SECTIONS: [&str; 9] = [
    "purpose",
    "scope",
    "definitions",
    "immediate",
    "prevention",
    "return",
    "records",
    "related",
    "review",
];

/// The policy for `facts`: Homeward's sections with the organisation's own after those they
/// name (at the end if the section is not one of Homeward's).
pub fn compose(facts: &Facts) -> Composed {
    let mut sections = Vec::new();
    for key in SECTIONS {
        sections.push(Section {
            key: key.to_string(),
            own_heading: None,
            own_cy: None,
            blocks: blocks(key, facts),
        });
        for own in facts.own.iter().filter(|o| o.after == key) {
            sections.push(own_section(own));
        }
    }
    for own in facts
        .own
        .iter()
        .filter(|o| !SECTIONS.contains(&o.after.as_str()))
    {
        sections.push(own_section(own));
    }
    Composed {
        sections,
        missing: missing(facts),
    }
}

fn own_section(own: &OwnSection) -> Section {
    let paragraphs = |text: &str| -> Vec<Block> {
        text.split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| Block::Own(p.to_string()))
            .collect()
    };
    let welsh = !own.heading_cy.trim().is_empty() || !own.text_cy.trim().is_empty();
    Section {
        key: format!("own-{}", own.after),
        own_heading: Some(own.heading.clone()),
        blocks: paragraphs(&own.text),
        // Whatever of the Welsh is left empty is shown in English.
        own_cy: welsh.then(|| {
            let heading = match own.heading_cy.trim() {
                "" => own.heading.clone(),
                h => h.to_string(),
            };
            let text = match own.text_cy.trim() {
                "" => own.text.as_str(),
                t => t,
            };
            (heading, paragraphs(text))
        }),
    }
}

/// The fields a published policy needs and this one lacks, in the order a form asks them.
pub fn missing(facts: &Facts) -> Vec<Field> {
    let blank = |s: &str| s.trim().is_empty();
    Field::ALL
        .into_iter()
        .filter(|f| match f {
            Field::OrganisationName => blank(&facts.organisation_name),
            Field::RegistrationNumber => blank(&facts.registration_number),
            Field::RegisteredManager => blank(&facts.registered_manager),
            Field::SafeguardingLead => blank(&facts.safeguarding_lead),
            Field::Logo => !facts.local.has_logo,
            Field::LocalAuthority => blank(&facts.local.local_authority),
            Field::LocalProtocol => blank(&facts.local.local_protocol),
            Field::EmergencyDutyTeam => blank(&facts.local.emergency_duty_team),
            Field::PoliceForce => blank(&facts.local.police_force),
        })
        .collect()
}

fn person_of(kind: ServiceKind) -> PersonKind {
    if kind.serves_children() {
        PersonKind::Child
    } else {
        PersonKind::Adult
    }
}

/// `child` or `adult`: which wording of a sentence to use.
fn who_for(kind: ServiceKind) -> &'static str {
    if kind.serves_children() {
        "child"
    } else {
        "adult"
    }
}

fn nation_code(facts: &Facts) -> &'static str {
    facts.nation.code()
}

fn blocks(key: &str, f: &Facts) -> Vec<Block> {
    let who = who_for(f.kind);
    let nation = nation_code(f);
    let kind = f.kind.code();
    let p = |id: String| Block::Para(Line::new(id));
    match key {
        "purpose" => vec![
            Block::Para(
                Line::new(format!("policy-purpose-{who}"))
                    .text("organisation", f.organisation_name.clone()),
            ),
            p(format!("policy-purpose-law-{nation}-{who}")),
            p("policy-purpose-homeward".into()),
        ],
        "scope" => {
            let mut blocks = vec![Block::Para(
                Line::new(format!("policy-scope-{kind}"))
                    .text("organisation", f.organisation_name.clone()),
            )];
            if !f.services.is_empty() {
                blocks.push(p("policy-scope-services".into()));
                blocks.push(Block::List(
                    f.services
                        .iter()
                        .map(|s| Line::new("policy-plain").text("text", s.clone()))
                        .collect(),
                ));
            }
            blocks.push(p("policy-scope-staff".into()));
            blocks
        }
        "definitions" => vec![
            p(format!("policy-definition-{who}")),
            p(format!("policy-definition-away-{who}")),
            p("policy-risk-factors".into()),
            Block::List(
                risk_factors(f.kind)
                    .iter()
                    .map(|r| Line::new(format!("policy-risk-{r}")))
                    .collect(),
            ),
        ],
        "immediate" => immediate(f),
        "prevention" => vec![
            p(format!("policy-prevention-{who}")),
            Block::List(
                [
                    "form",
                    "photo",
                    "plan",
                    "risk_assessment",
                    "training",
                    "patterns",
                ]
                .iter()
                .map(|k| Line::new(format!("policy-prevent-{k}-{who}")))
                .collect(),
            ),
        ],
        "return" => {
            let mut blocks = vec![
                p(format!("policy-return-{who}")),
                p(format!("policy-return-interview-{nation}-{who}")),
            ];
            blocks.extend(duty_blocks(
                f,
                &[duties::Trigger::Located, duties::Trigger::Returned],
            ));
            blocks.push(Block::Para(
                Line::new("policy-return-review").number("days", f.duties.plan_review_days),
            ));
            blocks
        }
        "records" => vec![
            p("policy-records".into()),
            Block::List(
                [
                    "times",
                    "last_seen",
                    "police",
                    "searched",
                    "contacts",
                    "told",
                    "shared",
                ]
                .iter()
                .map(|k| Line::new(format!("policy-record-{k}")))
                .collect(),
            ),
            p("policy-records-kept".into()),
        ],
        "related" => vec![
            p("policy-related".into()),
            Block::List(
                related(f.kind)
                    .iter()
                    .map(|r| Line::new(format!("policy-related-{r}")))
                    .collect(),
            ),
            Block::Para(
                Line::new("policy-related-local")
                    .text("authority", f.local.local_authority.clone())
                    .text("protocol", f.local.local_protocol.clone()),
            ),
        ],
        "review" => vec![
            Block::Para(Line::new("policy-review").number("months", i64::from(f.review_months))),
            p("policy-review-changes".into()),
            Block::Para(
                Line::new("policy-review-responsible")
                    .text("manager", f.registered_manager.clone()),
            ),
        ],
        _ => Vec::new(),
    }
}

fn immediate(f: &Facts) -> Vec<Block> {
    let who = who_for(f.kind);
    let kind = f.kind.code();
    let mut blocks = vec![
        Block::Para(Line::new(format!("policy-immediate-{who}"))),
        Block::List(
            ["look", "call", "places", "plan"]
                .iter()
                .map(|s| Line::new(format!("policy-step-{s}-{kind}")))
                .collect(),
        ),
        Block::Para(
            Line::new("policy-police")
                .number("minutes", f.duties.report_after_minutes)
                .text("force", f.local.police_force.clone()),
        ),
        Block::Para(Line::new("policy-police-now")),
        Block::Para(Line::new("policy-police-reference")),
        Block::Para(
            Line::new("policy-tell")
                .text("manager", f.registered_manager.clone())
                .text("lead", f.safeguarding_lead.clone()),
        ),
        Block::Para(Line::new("policy-on-call").number("minutes", f.escalate_after_minutes)),
        Block::Para(
            Line::new("policy-edt")
                .text("authority", f.local.local_authority.clone())
                .text("number", f.local.emergency_duty_team.clone()),
        ),
        Block::Para(Line::new("policy-duties")),
    ];
    blocks.extend(duty_blocks(
        f,
        &[
            duties::Trigger::Opened,
            duties::Trigger::ReportedToPolice,
            duties::Trigger::HighRisk,
        ],
    ));
    blocks
}

/// Risk factors worth naming for the people a kind of service looks after.
fn risk_factors(kind: ServiceKind) -> &'static [&'static str] {
    match kind {
        ServiceKind::HomeCare | ServiceKind::AdultCareHome => &[
            "dementia",
            "medication",
            "mental_health",
            "weather",
            "exploitation_adult",
            "first_time",
        ],
        _ => &[
            "exploitation",
            "county_lines",
            "trafficking",
            "self_harm",
            "substances",
            "age",
            "repeat",
        ],
    }
}

fn related(kind: ServiceKind) -> &'static [&'static str] {
    if kind.serves_children() {
        &[
            "safeguarding",
            "exploitation",
            "behaviour",
            "records",
            "whistleblowing",
        ]
    } else {
        &[
            "safeguarding",
            "capacity",
            "medication",
            "records",
            "whistleblowing",
        ]
    }
}

/// The context Homeward would judge a typical episode here by: the person the service looks
/// after, with no particular risk, no plan of their own and no earlier episodes. Duties that
/// turn on a particular risk (exploitation, trafficking) are named as such.
fn typical(f: &Facts, risks: Risks) -> Context {
    Context {
        nation: f.nation,
        person: person_of(f.kind),
        service: f.kind,
        looked_after: f.kind.serves_children(),
        out_of_area: false,
        risks,
        plan_report_after: None,
        plan_back_by: None,
        earlier_episodes: 0,
        recent_episodes: 1,
        settings: f.duties,
        known_places: Vec::new(),
    }
}

/// The duties Homeward sets here whose clocks start at one of `triggers`, each once, for the
/// typical person and then for those with the risks some rules turn on.
fn duty_blocks(f: &Facts, triggers: &[duties::Trigger]) -> Vec<Block> {
    let everyone = typical(f, Risks::default());
    let at_risk = typical(
        f,
        Risks {
            cse: true,
            trafficking: true,
            uasc: true,
            ..Risks::default()
        },
    );
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for ctx in [&everyone, &at_risk] {
        for rule in duties::RULES {
            if !triggers.contains(&rule.trigger)
                || !duties::in_rule_set(rule, duties::RULE_SET)
                || rule.information
                || seen.contains(&rule.id)
                || !(rule.applies)(ctx)
            {
                continue;
            }
            seen.push(rule.id);
            out.push(Block::Duty(DutyLine {
                rule: rule.id,
                who: rule.who,
                from: trigger_code(rule.trigger),
                within: within(rule.due, &f.duties),
                source_document: rule.source.document,
                source_section: rule.source.section,
            }));
        }
    }
    out
}

fn trigger_code(t: duties::Trigger) -> &'static str {
    match t {
        duties::Trigger::Opened => "opened",
        duties::Trigger::ReportedToPolice => "reported",
        duties::Trigger::HighRisk => "high_risk",
        duties::Trigger::Located => "located",
        duties::Trigger::Returned => "returned",
        duties::Trigger::InterviewDeclined => "declined",
    }
}

/// How long a duty allows, as the settings make it.
fn within(due: Due, s: &duties::DutySettings) -> Line {
    match due {
        Due::Immediately => {
            Line::new("policy-within-minutes").number("minutes", s.immediately_minutes)
        }
        Due::Promptly => Line::new("policy-within-minutes").number("minutes", s.promptly_minutes),
        Due::Within(d) => {
            let minutes = d.as_mins();
            if minutes % 60 == 0 {
                Line::new("policy-within-hours").number("hours", minutes / 60)
            } else {
                Line::new("policy-within-minutes").number("minutes", minutes)
            }
        }
        Due::ReportAfter => {
            Line::new("policy-within-minutes").number("minutes", s.report_after_minutes)
        }
        Due::AtOnceUnlessPlan => Line::new("policy-within-at-once"),
        Due::PlanReview => Line::new("policy-within-days").number("days", s.plan_review_days),
        Due::ReturnDiscussion => {
            Line::new("policy-within-days").number("days", s.return_discussion_days)
        }
        Due::WorkingDays(n) => Line::new("policy-within-working-days").number("days", i64::from(n)),
        Due::NoClock => Line::new("policy-within-no-clock"),
    }
}

/// A policy's facts with every field filled in (a home care branch in Cardiff's names), for
/// tests and demonstrations.
pub fn example(nation: Nation, kind: ServiceKind) -> Facts {
    Facts {
        organisation_name: "Gofal Da".into(),
        registration_number: "W1234".into(),
        regulator: Regulator::usual_for(nation, kind),
        registered_manager: "Siân Evans".into(),
        safeguarding_lead: "Rhys Jones".into(),
        nation,
        kind,
        services: vec!["Cangen Caerdydd".into()],
        duties: duties::DutySettings::default(),
        local: LocalDetails {
            local_authority: "Cardiff Council".into(),
            local_protocol: "Cardiff missing persons protocol".into(),
            emergency_duty_team: "029 2078 8570".into(),
            police_force: "South Wales Police".into(),
            has_logo: true,
        },
        own: Vec::new(),
        escalate_after_minutes: 10,
        review_months: 12,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(nation: Nation, kind: ServiceKind) -> Facts {
        example(nation, kind)
    }

    fn all_lines(c: &Composed) -> Vec<&Line> {
        let mut out = Vec::new();
        for s in &c.sections {
            for b in &s.blocks {
                match b {
                    Block::Para(l) => out.push(l),
                    Block::List(ls) => out.extend(ls),
                    Block::Duty(d) => out.push(&d.within),
                    Block::Own(_) => {}
                }
            }
        }
        out
    }

    #[test]
    fn every_nation_and_kind_has_every_section_and_nothing_missing_when_filled() {
        for nation in Nation::ALL {
            for kind in ServiceKind::ALL {
                let c = compose(&facts(nation, kind));
                let keys: Vec<_> = c.sections.iter().map(|s| s.key.as_str()).collect();
                assert_eq!(keys, SECTIONS, "{nation:?} {kind:?}");
                assert!(c.missing.is_empty());
                assert!(c.sections.iter().all(|s| !s.blocks.is_empty()));
                // The police: every policy names when to call them, from the settings.
                assert!(all_lines(&c).iter().any(|l| l.id == "policy-police"));
            }
        }
    }

    #[test]
    fn the_police_timeline_is_the_setting() {
        let mut f = facts(Nation::Wales, ServiceKind::HomeCare);
        f.duties.report_after_minutes = 45;
        let c = compose(&f);
        let police = all_lines(&c)
            .into_iter()
            .find(|l| l.id == "policy-police")
            .unwrap()
            .clone();
        assert!(police.args.contains(&("minutes", Arg::Number(45))));
        // Changing a setting changes the policy.
        f.duties.report_after_minutes = 60;
        assert_ne!(compose(&f), c);
    }

    #[test]
    fn the_duties_listed_are_those_homeward_sets_here() {
        let c = compose(&facts(Nation::England, ServiceKind::ChildrensHome));
        let rules: Vec<_> = c
            .sections
            .iter()
            .flat_map(|s| &s.blocks)
            .filter_map(|b| match b {
                Block::Duty(d) => Some(d.rule),
                _ => None,
            })
            .collect();
        assert!(rules.contains(&"report_police"), "{rules:?}");
        assert!(rules.contains(&"return_interview"), "{rules:?}");
        // Each once.
        let mut unique = rules.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), rules.len());
        // An adult's home care in Wales has no return interview for children.
        let c = compose(&facts(Nation::Wales, ServiceKind::HomeCare));
        assert!(!c.sections.iter().flat_map(|s| &s.blocks).any(|b| matches!(
            b,
            Block::Duty(d) if d.rule == "return_interview"
        )));
    }

    #[test]
    fn missing_fields_are_each_named() {
        let mut f = facts(Nation::Wales, ServiceKind::HomeCare);
        f.registered_manager = "  ".into();
        f.local.emergency_duty_team.clear();
        f.local.has_logo = false;
        assert_eq!(
            compose(&f).missing,
            [
                Field::RegisteredManager,
                Field::Logo,
                Field::EmergencyDutyTeam
            ]
        );
        assert_eq!(Field::RegisteredManager.place(), Place::Organisation);
        assert_eq!(Field::EmergencyDutyTeam.place(), Place::LocalDetails);
    }

    #[test]
    fn the_organisations_own_sections_follow_the_one_they_name() {
        let mut f = facts(Nation::Scotland, ServiceKind::AdultCareHome);
        f.own = vec![
            OwnSection {
                after: "immediate".into(),
                heading: "Our grounds".into(),
                text: "Check the garden gate.\n\nCheck the car park.".into(),
                ..OwnSection::default()
            },
            OwnSection {
                after: "somewhere else".into(),
                heading: "Last".into(),
                text: "At the end.".into(),
                ..OwnSection::default()
            },
        ];
        let c = compose(&f);
        let keys: Vec<_> = c.sections.iter().map(|s| s.key.as_str()).collect();
        let at = keys.iter().position(|k| *k == "immediate").unwrap();
        assert_eq!(keys[at + 1], "own-immediate");
        assert_eq!(c.sections[at + 1].blocks.len(), 2);
        assert_eq!(
            c.sections.last().unwrap().own_heading.as_deref(),
            Some("Last")
        );
    }
}
