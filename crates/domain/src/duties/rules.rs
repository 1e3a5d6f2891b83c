//! The rules, as data: one row per duty per jurisdiction, each with its source. An episode
//! records [`RULE_SET`] when it opens, so it can show the rules that applied then.
//!
//! Where the guidance sets no national clock ("promptly", "local protocol") the deadline is a
//! setting ([`super::DutySettings`]) or the person's plan; where it sets none at all the duty
//! has no deadline. Unconfirmed regulator rules ask for a recorded decision rather than
//! asserting a duty to notify.

use super::{Context, Due, Rule, Source, Trigger, Who};
use crate::organisation::{Nation, ServiceKind};
use crate::person::PersonKind;
use jiff::SignedDuration;

/// The version of these rules; stored with each episode when it opens.
pub const RULE_SET: &str = "2026-11";

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
        trigger: Trigger::Opened,
        due: Due::Promptly,
        who: Who::Carer,
        source: src(NMPF, "Family, as the care plan says (local protocol)"),
        done_by: &[],
        information: false,
    },
    Rule {
        id: "tell_family",
        applies: adult,
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
    // The placing authority and social worker.
    Rule {
        id: "tell_social_worker",
        applies: england_looked_after,
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
        applies: everyone,
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
    // After the return.
    Rule {
        id: "return_interview",
        applies: england_child,
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
        applies: everyone,
        trigger: Trigger::Returned,
        due: Due::PlanReview,
        who: Who::Manager,
        source: src(DFE_2014, "Review the plan after every episode"),
        done_by: &["plan_reviewed"],
        information: false,
    },
    // Police milestones, for information.
    Rule {
        id: "police_children_services",
        applies: any_child,
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
];
