//! The rules, as data: one row per duty per jurisdiction, each with its source. An episode
//! records [`RULE_SET`] when it opens, so it can show the rules that applied then.
//!
//! Where the guidance sets no national clock ("promptly", "local protocol") the deadline is a
//! setting ([`super::DutySettings`]) or the person's plan; where it sets none at all the duty
//! has no deadline. Unconfirmed regulator rules ask for a recorded decision rather than
//! asserting a duty to notify.

use super::{Context, Due, Input, Rule, Source, Trigger, Who};
use crate::organisation::{Nation, ServiceKind};
use crate::person::PersonKind;
use jiff::SignedDuration;

/// The version of these rules; stored with each episode when it opens.
pub const RULE_SET: &str = "2026-12";
/// The first rule set, for episodes opened before rule sets were recorded.
pub const FIRST_RULE_SET: &str = "2026-11";
/// What changed in 2026-12: duties follow the person's risks (exploitation, trafficking,
/// dementia and the other indicators), the plan's agreed time to be back, England's repeat
/// threshold, a refused Return Discussion offered again, and home care's own duties.
const DEC_2026: &str = "2026-12";

const fn src(document: &'static str, section: &'static str) -> Source {
    Source { document, section }
}

const DFE_2014: &str =
    "Statutory guidance on children who run away or go missing from home or care (DfE, 2014)";
const ALL_WALES: &str =
    "All Wales Practice Guide: safeguarding children who go missing from home or care (2021)";
const NMPF: &str = "National Missing Persons Framework for Scotland (2017)";
const CHR_2015: &str = "The Children's Homes (England) Regulations 2015";
const WALES_REGS: &str =
    "Regulated Services (Service Providers and Responsible Individuals) (Wales) Regulations 2017";
const APP: &str = "College of Policing Authorised Professional Practice: missing persons";
const HOME_CARE_POLICY: &str = "Missing service user response and safeguarding policy (home care)";
const HERBERT: &str = "The Herbert Protocol (police forces across England, Wales and Scotland)";
const SSWBA: &str = "Social Services and Well-being (Wales) Act 2014";
const MSA: &str = "Modern Slavery Act 2015, section 52, and the National Referral Mechanism";
const CQC_2014: &str = "Health and Social Care Act 2008 (Regulated Activities) Regulations 2014";
const LOCAL_PROTOCOL: &str = "Local missing-from-care protocol (for example, 3 times in 30 days)";

fn child(c: &Context, n: Nation) -> bool {
    c.nation == n && c.person == PersonKind::Child
}
fn england_child(c: &Context) -> bool {
    child(c, Nation::England)
}
fn wales_child(c: &Context) -> bool {
    child(c, Nation::Wales)
}
fn scotland_child(c: &Context) -> bool {
    child(c, Nation::Scotland)
}
fn any_child(c: &Context) -> bool {
    c.person == PersonKind::Child
}
fn adult(c: &Context) -> bool {
    c.person == PersonKind::Adult
}
fn looked_after(c: &Context, n: Nation) -> bool {
    child(c, n) && c.looked_after
}
fn england_looked_after(c: &Context) -> bool {
    looked_after(c, Nation::England)
}
fn wales_looked_after(c: &Context) -> bool {
    looked_after(c, Nation::Wales)
}
fn scotland_looked_after(c: &Context) -> bool {
    looked_after(c, Nation::Scotland)
}
fn england_home(c: &Context) -> bool {
    england_child(c) && c.service == ServiceKind::ChildrensHome
}
fn england_fostering(c: &Context) -> bool {
    england_child(c) && c.service == ServiceKind::FosteringService
}
fn england_host(c: &Context) -> bool {
    england_child(c) && c.out_of_area
}
fn wales_home(c: &Context) -> bool {
    wales_child(c) && c.service == ServiceKind::ChildrensHome
}
fn scotland_host(c: &Context) -> bool {
    scotland_child(c) && c.out_of_area
}
fn wales_repeat(c: &Context) -> bool {
    wales_child(c) && c.earlier_episodes + 1 >= c.settings.wales_interview_from_episode
}
fn scotland_anyone(c: &Context) -> bool {
    c.nation == Nation::Scotland
}
fn adult_in(c: &Context, n: Nation) -> bool {
    adult(c) && c.nation == n
}
fn adult_england(c: &Context) -> bool {
    adult_in(c, Nation::England)
}
fn adult_wales(c: &Context) -> bool {
    adult_in(c, Nation::Wales)
}
fn adult_scotland(c: &Context) -> bool {
    adult_in(c, Nation::Scotland)
}
fn everyone(_: &Context) -> bool {
    true
}
fn calm(c: &Context, n: Nation) -> bool {
    child(c, n) && !c.risks.concern()
}
fn concern(c: &Context, n: Nation) -> bool {
    child(c, n) && c.risks.concern()
}
fn england_calm(c: &Context) -> bool {
    calm(c, Nation::England)
}
fn england_concern(c: &Context) -> bool {
    concern(c, Nation::England)
}
fn wales_calm(c: &Context) -> bool {
    calm(c, Nation::Wales)
}
fn wales_concern(c: &Context) -> bool {
    concern(c, Nation::Wales)
}
fn scotland_calm(c: &Context) -> bool {
    calm(c, Nation::Scotland)
}
fn scotland_concern(c: &Context) -> bool {
    concern(c, Nation::Scotland)
}
fn adult_no_dementia(c: &Context) -> bool {
    adult(c) && !c.risks.dementia
}
fn adult_dementia(c: &Context) -> bool {
    adult(c) && c.risks.dementia
}
fn england_home_no_cse(c: &Context) -> bool {
    england_home(c) && !c.risks.cse
}
fn england_home_cse(c: &Context) -> bool {
    england_home(c) && c.risks.cse
}
fn wales_exploited(c: &Context) -> bool {
    wales_child(c) && c.risks.exploitation()
}
fn england_or_scotland_exploited(c: &Context) -> bool {
    (england_child(c) || scotland_child(c)) && c.risks.exploitation()
}
fn child_trafficked(c: &Context) -> bool {
    any_child(c) && c.risks.trafficked()
}
fn wales_trafficked(c: &Context) -> bool {
    wales_child(c) && c.risks.trafficked()
}
fn england_repeat(c: &Context) -> bool {
    england_child(c) && c.recent_episodes >= c.settings.strategy_after_episodes
}
fn england_not_repeat(c: &Context) -> bool {
    england_child(c) && c.recent_episodes < c.settings.strategy_after_episodes
}
fn adult_england_or_wales(c: &Context) -> bool {
    adult(c) && c.nation != Nation::Scotland
}
fn adult_home_care(c: &Context) -> bool {
    adult(c) && c.service == ServiceKind::HomeCare
}

const SEARCHES: &[&str] = &["step_done", "contact_made", "place_searched"];
/// The manager (or whoever is on call) acknowledging a page has been told.
const ACKNOWLEDGED: &[&str] = &["acknowledged"];

/// Every rule. Ids repeat across jurisdictions (one duty, several sources); for any one
/// person at most one row of each id applies.
pub const RULES: &[Rule] = &[
    // Before reporting: try to find them.
    Rule {
        id: "try_to_find",
        applies: england_child,
        reads: &[
            Input::Nation,
            Input::PersonKind,
            Input::PlanReportAfter,
            Input::PlanBackBy,
        ],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Opened,
        due: Due::ReportAfter,
        who: Who::Carer,
        source: src(
            DFE_2014,
            "Children missing from care: the child's plan and initial steps",
        ),
        done_by: SEARCHES,
        information: false,
    },
    Rule {
        id: "try_to_find",
        applies: wales_child,
        reads: &[
            Input::Nation,
            Input::PersonKind,
            Input::PlanReportAfter,
            Input::PlanBackBy,
        ],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Opened,
        due: Due::ReportAfter,
        who: Who::Carer,
        source: src(ALL_WALES, "Reasonable efforts before reporting"),
        done_by: SEARCHES,
        information: false,
    },
    Rule {
        id: "try_to_find",
        applies: scotland_child,
        reads: &[
            Input::Nation,
            Input::PersonKind,
            Input::PlanReportAfter,
            Input::PlanBackBy,
        ],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Opened,
        due: Due::ReportAfter,
        who: Who::Carer,
        source: src(
            NMPF,
            "Initial enquiries; record actions before and after contacting police",
        ),
        done_by: SEARCHES,
        information: false,
    },
    Rule {
        id: "try_to_find",
        applies: adult,
        reads: &[Input::PersonKind],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Opened,
        due: Due::Immediately,
        who: Who::Carer,
        source: src(
            HOME_CARE_POLICY,
            "Phone, family and friends, visit home, search nearby",
        ),
        done_by: SEARCHES,
        information: false,
    },
    // Report to police.
    Rule {
        id: "report_police",
        applies: england_child,
        reads: &[
            Input::Nation,
            Input::PersonKind,
            Input::PlanReportAfter,
            Input::PlanBackBy,
        ],
        since: FIRST_RULE_SET,
        until: Some(DEC_2026),
        trigger: Trigger::Opened,
        due: Due::ReportAfter,
        who: Who::Carer,
        source: src(
            DFE_2014,
            "Reporting to police, as the child's plan says; at once if there is concern",
        ),
        done_by: &["reported_to_police"],
        information: false,
    },
    Rule {
        id: "report_police",
        applies: wales_child,
        reads: &[
            Input::Nation,
            Input::PersonKind,
            Input::PlanReportAfter,
            Input::PlanBackBy,
        ],
        since: FIRST_RULE_SET,
        until: Some(DEC_2026),
        trigger: Trigger::Opened,
        due: Due::ReportAfter,
        who: Who::Carer,
        source: src(
            ALL_WALES,
            "Duty to notify 1: the police (101, or 999 if at immediate risk), with the Child Information Form",
        ),
        done_by: &["reported_to_police"],
        information: false,
    },
    Rule {
        id: "report_police",
        applies: scotland_child,
        reads: &[
            Input::Nation,
            Input::PersonKind,
            Input::PlanReportAfter,
            Input::PlanBackBy,
        ],
        since: FIRST_RULE_SET,
        until: Some(DEC_2026),
        trigger: Trigger::Opened,
        due: Due::ReportAfter,
        who: Who::Carer,
        source: src(
            NMPF,
            "Report at once if there is concern, otherwise after initial enquiries (Philomena Protocol)",
        ),
        done_by: &["reported_to_police"],
        information: false,
    },
    Rule {
        id: "report_police",
        applies: adult,
        reads: &[Input::PersonKind, Input::PlanReportAfter, Input::PlanBackBy],
        since: FIRST_RULE_SET,
        until: Some(DEC_2026),
        trigger: Trigger::Opened,
        due: Due::ReportAfter,
        who: Who::Carer,
        source: src(
            HOME_CARE_POLICY,
            "Call 999 when searches fail or there is immediate concern (Herbert Protocol form)",
        ),
        done_by: &["reported_to_police"],
        information: false,
    },
    // Parents, family.
    Rule {
        id: "tell_parents",
        applies: england_child,
        reads: &[Input::Nation, Input::PersonKind],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Opened,
        due: Due::Promptly,
        who: Who::Carer,
        source: src(
            DFE_2014,
            "Parents and those with parental responsibility, promptly, unless the plan says otherwise",
        ),
        done_by: &[],
        information: false,
    },
    Rule {
        id: "tell_parents",
        applies: wales_child,
        reads: &[Input::Nation, Input::PersonKind],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Opened,
        due: Due::Promptly,
        who: Who::Carer,
        source: src(
            ALL_WALES,
            "Duty to notify 2: parents and anyone with parental responsibility",
        ),
        done_by: &[],
        information: false,
    },
    Rule {
        id: "tell_parents",
        applies: scotland_child,
        reads: &[Input::Nation, Input::PersonKind],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Opened,
        due: Due::Promptly,
        who: Who::Carer,
        source: src(NMPF, "Family, as the care plan says (local protocol)"),
        done_by: &[],
        information: false,
    },
    Rule {
        id: "tell_family",
        applies: adult_scotland,
        reads: &[Input::Nation, Input::PersonKind],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Opened,
        due: Due::Promptly,
        who: Who::Carer,
        source: src(
            NMPF,
            "The family's single point of contact, with the adult's permission where they can give it",
        ),
        done_by: &[],
        information: false,
    },
    Rule {
        id: "tell_family",
        applies: adult_england_or_wales,
        reads: &[Input::Nation, Input::PersonKind],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Opened,
        due: Due::Promptly,
        who: Who::Carer,
        source: src(
            APP,
            "Keep the family informed, with the adult's permission where they can give it",
        ),
        done_by: &[],
        information: false,
    },
    // The placing authority and social worker.
    Rule {
        id: "tell_social_worker",
        applies: england_looked_after,
        reads: &[Input::Nation, Input::PersonKind, Input::LookedAfter],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Opened,
        due: Due::Promptly,
        who: Who::Carer,
        source: src(
            DFE_2014,
            "The placing authority and social worker, promptly; the emergency duty team out of hours",
        ),
        done_by: &[],
        information: false,
    },
    Rule {
        id: "tell_social_worker",
        applies: wales_looked_after,
        reads: &[Input::Nation, Input::PersonKind, Input::LookedAfter],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Opened,
        due: Due::Promptly,
        who: Who::Carer,
        source: src(
            ALL_WALES,
            "Duty to notify 3: the local authority responsible for the child, and the social worker",
        ),
        done_by: &[],
        information: false,
    },
    Rule {
        id: "tell_social_worker",
        applies: scotland_looked_after,
        reads: &[Input::Nation, Input::PersonKind, Input::LookedAfter],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Opened,
        due: Due::Promptly,
        who: Who::Carer,
        source: src(
            NMPF,
            "Social work, at once if there is a safeguarding concern",
        ),
        done_by: &[],
        information: false,
    },
    // Inside the provider.
    Rule {
        id: "tell_manager",
        applies: england_child,
        reads: &[Input::Nation, Input::PersonKind],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Opened,
        due: Due::Immediately,
        who: Who::Carer,
        source: src(
            CHR_2015,
            "Regulation 34: the home's missing child policy (registered or on-call manager)",
        ),
        done_by: ACKNOWLEDGED,
        information: false,
    },
    Rule {
        id: "tell_manager",
        applies: wales_child,
        reads: &[Input::Nation, Input::PersonKind],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Opened,
        due: Due::Immediately,
        who: Who::Carer,
        source: src(
            ALL_WALES,
            "Duty to notify 4: the registered home manager or on-call manager",
        ),
        done_by: ACKNOWLEDGED,
        information: false,
    },
    Rule {
        id: "tell_manager",
        applies: scotland_child,
        reads: &[Input::Nation, Input::PersonKind],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Opened,
        due: Due::Immediately,
        who: Who::Carer,
        source: src(NMPF, "The service's own policy (local)"),
        done_by: ACKNOWLEDGED,
        information: false,
    },
    Rule {
        id: "tell_manager",
        applies: adult,
        reads: &[Input::PersonKind],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Opened,
        due: Due::Immediately,
        who: Who::Carer,
        source: src(
            HOME_CARE_POLICY,
            "Inform the registered manager immediately",
        ),
        done_by: ACKNOWLEDGED,
        information: false,
    },
    Rule {
        id: "tell_safeguarding_lead",
        applies: adult,
        reads: &[Input::PersonKind],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Opened,
        due: Due::Immediately,
        who: Who::Carer,
        source: src(HOME_CARE_POLICY, "Inform the safeguarding lead immediately"),
        done_by: &[],
        information: false,
    },
    // The authority where the home is.
    Rule {
        id: "tell_host_authority",
        applies: england_host,
        reads: &[Input::Nation, Input::PersonKind, Input::OutOfArea],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Opened,
        due: Due::NoClock,
        who: Who::Manager,
        source: src(
            DFE_2014,
            "Children placed out of area: the host authority, as the local protocol says",
        ),
        done_by: &[],
        information: false,
    },
    Rule {
        id: "tell_host_authority",
        applies: wales_home,
        reads: &[Input::Nation, Input::PersonKind, Input::Service],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Opened,
        due: Due::NoClock,
        who: Who::Manager,
        source: src(
            WALES_REGS,
            "Schedule 3, Part 4, paragraph 45: any missing or unexplained absence, to the authority where the home is",
        ),
        done_by: &[],
        information: false,
    },
    Rule {
        id: "tell_host_authority",
        applies: scotland_host,
        reads: &[Input::Nation, Input::PersonKind, Input::OutOfArea],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Opened,
        due: Due::NoClock,
        who: Who::Manager,
        source: src(
            NMPF,
            "Children placed out of area: the host authority, as the local protocol says",
        ),
        done_by: &[],
        information: false,
    },
    // The regulator: a recorded judgement.
    Rule {
        id: "regulator_decision",
        applies: england_home,
        reads: &[Input::Nation, Input::PersonKind, Input::Service],
        since: FIRST_RULE_SET,
        until: Some(DEC_2026),
        trigger: Trigger::Opened,
        due: Due::Promptly,
        who: Who::Manager,
        source: src(
            CHR_2015,
            "Regulation 40(4): Ofsted without delay if a serious event (exploitation, a serious police incident, abuse, a child protection enquiry)",
        ),
        done_by: &[],
        information: false,
    },
    Rule {
        id: "regulator_decision",
        applies: england_fostering,
        reads: &[Input::Nation, Input::PersonKind, Input::Service],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Opened,
        due: Due::Within(SignedDuration::from_hours(24)),
        who: Who::Manager,
        source: src(
            "Fostering Services National Minimum Standards (2011)",
            "Standard 29 and Schedule 7: significant events within 24 hours",
        ),
        done_by: &[],
        information: false,
    },
    Rule {
        id: "regulator_decision",
        applies: wales_child,
        reads: &[Input::Nation, Input::PersonKind],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Opened,
        due: Due::Promptly,
        who: Who::Manager,
        source: src(
            WALES_REGS,
            "Regulation 60 and Schedule 3: notifications to CIW and the placing authority",
        ),
        done_by: &[],
        information: false,
    },
    Rule {
        id: "regulator_decision",
        applies: scotland_anyone,
        reads: &[Input::Nation],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Opened,
        due: Due::Promptly,
        who: Who::Manager,
        source: src(
            "Care Inspectorate: notification guidance",
            "Notify immediately through eForms for listed incidents",
        ),
        done_by: &[],
        information: false,
    },
    Rule {
        id: "regulator_decision",
        applies: adult_england,
        reads: &[Input::Nation, Input::PersonKind],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::ReportedToPolice,
        due: Due::Promptly,
        who: Who::Manager,
        source: src(
            "Care Quality Commission (Registration) Regulations 2009",
            "Regulation 18: without delay, any incident reported to or investigated by the police",
        ),
        done_by: &[],
        information: false,
    },
    Rule {
        id: "regulator_decision",
        applies: adult_wales,
        reads: &[Input::Nation, Input::PersonKind],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Opened,
        due: Due::Promptly,
        who: Who::Manager,
        source: src(
            WALES_REGS,
            "Regulation 60 and Schedule 3: notifications to CIW",
        ),
        done_by: &[],
        information: false,
    },
    // Found.
    Rule {
        id: "tell_found",
        applies: england_child,
        reads: &[Input::Nation, Input::PersonKind],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Located,
        due: Due::Promptly,
        who: Who::Carer,
        source: src(
            DFE_2014,
            "Everyone told of the missing episode must be told they are found",
        ),
        done_by: &[],
        information: false,
    },
    Rule {
        id: "tell_found",
        applies: wales_child,
        reads: &[Input::Nation, Input::PersonKind],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Located,
        due: Due::Promptly,
        who: Who::Carer,
        source: src(
            ALL_WALES,
            "Everyone told of the missing episode must be told they are found",
        ),
        done_by: &[],
        information: false,
    },
    Rule {
        id: "tell_found",
        applies: scotland_anyone,
        reads: &[Input::Nation],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Located,
        due: Due::Promptly,
        who: Who::Carer,
        source: src(
            NMPF,
            "Everyone told of the missing episode must be told they are found",
        ),
        done_by: &[],
        information: false,
    },
    Rule {
        id: "tell_found",
        applies: adult_england_or_wales,
        reads: &[Input::Nation, Input::PersonKind],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Located,
        due: Due::Promptly,
        who: Who::Carer,
        source: src(
            APP,
            "Everyone told of the missing episode must be told they are found",
        ),
        done_by: &[],
        information: false,
    },
    // After the return.
    Rule {
        id: "return_interview",
        applies: england_child,
        reads: &[Input::Nation, Input::PersonKind],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Returned,
        due: Due::Within(SignedDuration::from_hours(72)),
        who: Who::LocalAuthority,
        source: src(
            DFE_2014,
            "An independent return home interview, offered within 72 hours of return",
        ),
        done_by: &["return_interview_offered"],
        information: false,
    },
    Rule {
        id: "return_interview",
        applies: wales_repeat,
        reads: &[Input::Nation, Input::PersonKind, Input::EarlierEpisodes],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Returned,
        due: Due::ReturnDiscussion,
        who: Who::LocalAuthority,
        source: src(
            ALL_WALES,
            "A return interview, expected after three missing episodes",
        ),
        done_by: &["return_interview_offered"],
        information: false,
    },
    Rule {
        id: "return_interview",
        applies: scotland_anyone,
        reads: &[Input::Nation],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Returned,
        due: Due::ReturnDiscussion,
        who: Who::LocalAuthority,
        source: src(
            NMPF,
            "Annex D: a Return Discussion offered to everyone; if declined, try again and record why",
        ),
        done_by: &["return_interview_offered"],
        information: false,
    },
    Rule {
        id: "strategy_discussion",
        applies: wales_looked_after,
        reads: &[Input::Nation, Input::PersonKind, Input::LookedAfter],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Located,
        due: Due::NoClock,
        who: Who::LocalAuthority,
        source: src(
            ALL_WALES,
            "A strategy discussion to decide whether a strategy meeting is needed",
        ),
        done_by: &["strategy_discussion"],
        information: false,
    },
    Rule {
        id: "adult_safeguarding",
        applies: adult_england,
        reads: &[Input::Nation, Input::PersonKind],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Returned,
        due: Due::Promptly,
        who: Who::Manager,
        source: src(
            "Care Act 2014",
            "Section 42: refer if abuse or neglect is suspected",
        ),
        done_by: &["referral"],
        information: false,
    },
    Rule {
        id: "adult_safeguarding",
        applies: adult_wales,
        reads: &[Input::Nation, Input::PersonKind],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Returned,
        due: Due::Promptly,
        who: Who::Manager,
        source: src(
            "Social Services and Well-being (Wales) Act 2014",
            "Sections 126 and 128: report an adult at risk (enquiries within 7 working days)",
        ),
        done_by: &["referral"],
        information: false,
    },
    Rule {
        id: "adult_safeguarding",
        applies: adult_scotland,
        reads: &[Input::Nation, Input::PersonKind],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Returned,
        due: Due::Promptly,
        who: Who::Manager,
        source: src(
            "Adult Support and Protection (Scotland) Act 2007",
            "Refer an adult at risk of harm to the council",
        ),
        done_by: &["referral"],
        information: false,
    },
    Rule {
        id: "plan_review",
        applies: england_child,
        reads: &[Input::Nation, Input::PersonKind],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Returned,
        due: Due::PlanReview,
        who: Who::Manager,
        source: src(DFE_2014, "Review the plan after every episode"),
        done_by: &["plan_reviewed"],
        information: false,
    },
    Rule {
        id: "plan_review",
        applies: wales_child,
        reads: &[Input::Nation, Input::PersonKind],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Returned,
        due: Due::PlanReview,
        who: Who::Manager,
        source: src(ALL_WALES, "Review the plan after every episode"),
        done_by: &["plan_reviewed"],
        information: false,
    },
    Rule {
        id: "plan_review",
        applies: scotland_anyone,
        reads: &[Input::Nation],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Returned,
        due: Due::PlanReview,
        who: Who::Manager,
        source: src(NMPF, "Review the plan after every episode"),
        done_by: &["plan_reviewed"],
        information: false,
    },
    Rule {
        id: "plan_review",
        applies: adult_england,
        reads: &[Input::Nation, Input::PersonKind],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Returned,
        due: Due::PlanReview,
        who: Who::Manager,
        source: src(
            CQC_2014,
            "Regulation 12: assess the risks to the person's safety again after an episode",
        ),
        done_by: &["plan_reviewed"],
        information: false,
    },
    Rule {
        id: "plan_review",
        applies: adult_wales,
        reads: &[Input::Nation, Input::PersonKind],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Returned,
        due: Due::PlanReview,
        who: Who::Manager,
        source: src(
            WALES_REGS,
            "Regulation 16: review the personal plan when the person's needs change",
        ),
        done_by: &["plan_reviewed"],
        information: false,
    },
    // Police milestones, for information.
    Rule {
        id: "police_children_services",
        applies: any_child,
        reads: &[Input::PersonKind],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::HighRisk,
        due: Due::Immediately,
        who: Who::Police,
        source: src(APP, "High risk: police tell children's services at once"),
        done_by: &[],
        information: true,
    },
    Rule {
        id: "police_safe_and_well",
        applies: everyone,
        reads: &[],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Returned,
        due: Due::NoClock,
        who: Who::Police,
        source: src(
            APP,
            "Safe and well check (prevention interview) on return, as force policy says",
        ),
        done_by: &["safe_and_well_check"],
        information: true,
    },
    Rule {
        id: "police_ukmpu",
        applies: everyone,
        reads: &[],
        since: FIRST_RULE_SET,
        until: None,
        trigger: Trigger::Opened,
        due: Due::Within(SignedDuration::from_hours(72)),
        who: Who::Police,
        source: src(
            APP,
            "Still missing after 72 hours: police tell the UK Missing Persons Unit",
        ),
        done_by: &[],
        information: true,
    },
    // From 2026-12: reporting follows the person's risks.
    Rule {
        id: "report_police",
        applies: england_calm,
        reads: &[
            Input::Nation,
            Input::PersonKind,
            Input::Cse,
            Input::Cce,
            Input::CountyLines,
            Input::Trafficking,
            Input::Uasc,
            Input::SelfHarm,
            Input::MentalHealth,
            Input::Substances,
            Input::PlanReportAfter,
            Input::PlanBackBy,
        ],
        since: DEC_2026,
        until: None,
        trigger: Trigger::Opened,
        due: Due::ReportAfter,
        who: Who::Carer,
        source: src(DFE_2014, "Reporting to police, as the child's plan says"),
        done_by: &["reported_to_police"],
        information: false,
    },
    Rule {
        id: "report_police",
        applies: england_concern,
        reads: &[
            Input::Nation,
            Input::PersonKind,
            Input::Cse,
            Input::Cce,
            Input::CountyLines,
            Input::Trafficking,
            Input::Uasc,
            Input::SelfHarm,
            Input::MentalHealth,
            Input::Substances,
            Input::PlanReportAfter,
            Input::PlanBackBy,
        ],
        since: DEC_2026,
        until: None,
        trigger: Trigger::Opened,
        due: Due::AtOnceUnlessPlan,
        who: Who::Carer,
        source: src(
            DFE_2014,
            "Report at once where there is concern (exploitation, trafficking, self-harm, mental health, substances, an unaccompanied child), unless the child's plan says otherwise",
        ),
        done_by: &["reported_to_police"],
        information: false,
    },
    Rule {
        id: "report_police",
        applies: wales_calm,
        reads: &[
            Input::Nation,
            Input::PersonKind,
            Input::Cse,
            Input::Cce,
            Input::CountyLines,
            Input::Trafficking,
            Input::Uasc,
            Input::SelfHarm,
            Input::MentalHealth,
            Input::Substances,
            Input::PlanReportAfter,
            Input::PlanBackBy,
        ],
        since: DEC_2026,
        until: None,
        trigger: Trigger::Opened,
        due: Due::ReportAfter,
        who: Who::Carer,
        source: src(
            ALL_WALES,
            "Duty to notify 1: the police (101), with the Child Information Form",
        ),
        done_by: &["reported_to_police"],
        information: false,
    },
    Rule {
        id: "report_police",
        applies: wales_concern,
        reads: &[
            Input::Nation,
            Input::PersonKind,
            Input::Cse,
            Input::Cce,
            Input::CountyLines,
            Input::Trafficking,
            Input::Uasc,
            Input::SelfHarm,
            Input::MentalHealth,
            Input::Substances,
            Input::PlanReportAfter,
            Input::PlanBackBy,
        ],
        since: DEC_2026,
        until: None,
        trigger: Trigger::Opened,
        due: Due::AtOnceUnlessPlan,
        who: Who::Carer,
        source: src(
            ALL_WALES,
            "Duty to notify 1: the police at once (999 if at immediate risk) where there is concern, with the Child Information Form",
        ),
        done_by: &["reported_to_police"],
        information: false,
    },
    Rule {
        id: "report_police",
        applies: scotland_calm,
        reads: &[
            Input::Nation,
            Input::PersonKind,
            Input::Cse,
            Input::Cce,
            Input::CountyLines,
            Input::Trafficking,
            Input::Uasc,
            Input::SelfHarm,
            Input::MentalHealth,
            Input::Substances,
            Input::PlanReportAfter,
            Input::PlanBackBy,
        ],
        since: DEC_2026,
        until: None,
        trigger: Trigger::Opened,
        due: Due::ReportAfter,
        who: Who::Carer,
        source: src(
            NMPF,
            "Report after initial enquiries, as the care plan says (Philomena Protocol)",
        ),
        done_by: &["reported_to_police"],
        information: false,
    },
    Rule {
        id: "report_police",
        applies: scotland_concern,
        reads: &[
            Input::Nation,
            Input::PersonKind,
            Input::Cse,
            Input::Cce,
            Input::CountyLines,
            Input::Trafficking,
            Input::Uasc,
            Input::SelfHarm,
            Input::MentalHealth,
            Input::Substances,
            Input::PlanReportAfter,
            Input::PlanBackBy,
        ],
        since: DEC_2026,
        until: None,
        trigger: Trigger::Opened,
        due: Due::AtOnceUnlessPlan,
        who: Who::Carer,
        source: src(
            NMPF,
            "Report at once where there is concern (Philomena Protocol)",
        ),
        done_by: &["reported_to_police"],
        information: false,
    },
    Rule {
        id: "report_police",
        applies: adult_no_dementia,
        reads: &[
            Input::PersonKind,
            Input::Dementia,
            Input::PlanReportAfter,
            Input::PlanBackBy,
        ],
        since: DEC_2026,
        until: None,
        trigger: Trigger::Opened,
        due: Due::ReportAfter,
        who: Who::Carer,
        source: src(
            HOME_CARE_POLICY,
            "Call 999 when searches fail or there is immediate concern",
        ),
        done_by: &["reported_to_police"],
        information: false,
    },
    Rule {
        id: "report_police",
        applies: adult_dementia,
        reads: &[
            Input::PersonKind,
            Input::Dementia,
            Input::PlanReportAfter,
            Input::PlanBackBy,
        ],
        since: DEC_2026,
        until: None,
        trigger: Trigger::Opened,
        due: Due::AtOnceUnlessPlan,
        who: Who::Carer,
        source: src(
            HERBERT,
            "A person living with dementia: call 999 at once and give police the Herbert Protocol form",
        ),
        done_by: &["reported_to_police"],
        information: false,
    },
    // From 2026-12: Ofsted and the safeguarding referrals the person's risks call for.
    Rule {
        id: "regulator_decision",
        applies: england_home_no_cse,
        reads: &[Input::Nation, Input::PersonKind, Input::Service, Input::Cse],
        since: DEC_2026,
        until: None,
        trigger: Trigger::Opened,
        due: Due::Promptly,
        who: Who::Manager,
        source: src(
            CHR_2015,
            "Regulation 40(4): decide whether this is a serious event to notify Ofsted of (a serious police incident, abuse, a child protection enquiry), and record why",
        ),
        done_by: &[],
        information: false,
    },
    Rule {
        id: "notify_ofsted",
        applies: england_home_cse,
        reads: &[Input::Nation, Input::PersonKind, Input::Service, Input::Cse],
        since: DEC_2026,
        until: None,
        trigger: Trigger::Opened,
        due: Due::Promptly,
        who: Who::Manager,
        source: src(
            CHR_2015,
            "Regulation 40(4)(a): a child involved in or suspected of sexual exploitation: notify Ofsted and each other relevant person without delay",
        ),
        done_by: &[],
        information: false,
    },
    Rule {
        id: "report_child_at_risk",
        applies: wales_exploited,
        reads: &[
            Input::Nation,
            Input::PersonKind,
            Input::Cse,
            Input::Cce,
            Input::CountyLines,
            Input::Trafficking,
        ],
        since: DEC_2026,
        until: None,
        trigger: Trigger::Opened,
        due: Due::Promptly,
        who: Who::Manager,
        source: src(
            SSWBA,
            "Section 130: report a child at risk of abuse, neglect or other harm (sexual or criminal exploitation, trafficking) to the local authority without delay",
        ),
        done_by: &["referral:child_protection"],
        information: false,
    },
    Rule {
        id: "child_protection_referral",
        applies: england_or_scotland_exploited,
        reads: &[
            Input::Nation,
            Input::PersonKind,
            Input::Cse,
            Input::Cce,
            Input::CountyLines,
            Input::Trafficking,
        ],
        since: DEC_2026,
        until: None,
        trigger: Trigger::Opened,
        due: Due::Promptly,
        who: Who::Manager,
        source: src(
            "Working Together to Safeguard Children (2023); National Guidance for Child Protection in Scotland (2021)",
            "A child at risk of significant harm from exploitation or trafficking: a child protection referral to the local authority",
        ),
        done_by: &["referral:child_protection"],
        information: false,
    },
    Rule {
        id: "nrm_referral",
        applies: child_trafficked,
        reads: &[
            Input::Nation,
            Input::PersonKind,
            Input::Trafficking,
            Input::CountyLines,
        ],
        since: DEC_2026,
        until: None,
        trigger: Trigger::Opened,
        due: Due::Promptly,
        who: Who::LocalAuthority,
        source: src(
            MSA,
            "Possibly trafficked or in modern slavery (county lines included): a National Referral Mechanism referral through the local authority as first responder; a child need not consent",
        ),
        done_by: &["referral:trafficking"],
        information: false,
    },
    Rule {
        id: "icta_referral",
        applies: wales_trafficked,
        reads: &[
            Input::Nation,
            Input::PersonKind,
            Input::Trafficking,
            Input::CountyLines,
        ],
        since: DEC_2026,
        until: None,
        trigger: Trigger::Opened,
        due: Due::Promptly,
        who: Who::LocalAuthority,
        source: src(
            ALL_WALES,
            "Every potentially trafficked child must be referred to the Independent Child Trafficking Advocates service",
        ),
        done_by: &["referral:icta"],
        information: false,
    },
    Rule {
        id: "strategy_discussion",
        applies: england_repeat,
        reads: &[Input::Nation, Input::PersonKind, Input::RecentEpisodes],
        since: DEC_2026,
        until: None,
        trigger: Trigger::Located,
        due: Due::Promptly,
        who: Who::LocalAuthority,
        source: src(
            LOCAL_PROTOCOL,
            "Missing repeatedly (the organisation sets how often in how many days): a multi-agency strategy discussion",
        ),
        done_by: &["strategy_discussion"],
        information: false,
    },
    Rule {
        id: "strategy_discussion",
        applies: england_not_repeat,
        reads: &[Input::Nation, Input::PersonKind, Input::RecentEpisodes],
        since: DEC_2026,
        until: None,
        trigger: Trigger::HighRisk,
        due: Due::Promptly,
        who: Who::LocalAuthority,
        source: src(
            LOCAL_PROTOCOL,
            "Graded high risk: a multi-agency strategy discussion",
        ),
        done_by: &["strategy_discussion"],
        information: false,
    },
    Rule {
        id: "prevention_meeting",
        applies: scotland_looked_after,
        reads: &[Input::Nation, Input::PersonKind, Input::LookedAfter],
        since: DEC_2026,
        until: None,
        trigger: Trigger::HighRisk,
        due: Due::Within(SignedDuration::from_hours(24)),
        who: Who::Police,
        source: src(
            NMPF,
            "Good practice (Edinburgh): police and the home meet every 24 hours about a high-risk looked-after child",
        ),
        done_by: &[],
        information: true,
    },
    Rule {
        id: "offer_again",
        applies: scotland_anyone,
        reads: &[Input::Nation],
        since: DEC_2026,
        until: None,
        trigger: Trigger::InterviewDeclined,
        due: Due::ReturnDiscussion,
        who: Who::LocalAuthority,
        source: src(
            NMPF,
            "Annex D: a Return Discussion that is declined is offered again, and the reason recorded",
        ),
        done_by: &["return_interview_offered", "return_interview_held"],
        information: false,
    },
    // From 2026-12: home care's own duties (the missing service user policy).
    Rule {
        id: "serious_incident_record",
        applies: adult_home_care,
        reads: &[Input::PersonKind, Input::Service],
        since: DEC_2026,
        until: None,
        trigger: Trigger::Opened,
        due: Due::Immediately,
        who: Who::Manager,
        source: src(HOME_CARE_POLICY, "4.2 (4): start a serious incident log"),
        done_by: &[],
        information: false,
    },
    Rule {
        id: "wellbeing_check",
        applies: adult_home_care,
        reads: &[Input::PersonKind, Input::Service],
        since: DEC_2026,
        until: None,
        trigger: Trigger::Returned,
        due: Due::Promptly,
        who: Who::Carer,
        source: src(
            HOME_CARE_POLICY,
            "6.1: a safe return and well-being check once they are found",
        ),
        done_by: &["debrief"],
        information: false,
    },
    Rule {
        id: "lessons_learned",
        applies: adult_home_care,
        reads: &[Input::PersonKind, Input::Service],
        since: DEC_2026,
        until: None,
        trigger: Trigger::Returned,
        due: Due::PlanReview,
        who: Who::Manager,
        source: src(
            HOME_CARE_POLICY,
            "6.3: a lessons-learned review of what happened and the policy",
        ),
        done_by: &[],
        information: false,
    },
];
