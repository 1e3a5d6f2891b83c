//! Who may do what: the one place authorization is decided.
//!
//! Deny by default: an action is allowed only for the roles listed against it here. The
//! organisation boundary is enforced separately, by every store read being scoped to the
//! actor's organisation, so a rule here never grants anything across organisations.

use homeward_domain::role::Role;

/// Everything an actor can ask to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// See their own home page and account.
    ViewOwnHome,
    /// See the people in care in the services they belong to.
    ViewPeople,
    /// Add people and update their information form, risk assessment and missing plan.
    EditPeople,
    /// Agree a person's missing plan (a manager's decision).
    AgreePlan,
    /// See the organisation's user accounts.
    ViewUsers,
    /// Add users, change their roles, deactivate them.
    ManageUsers,
    /// Read the organisation's audit trail.
    ViewAuditTrail,
    /// See the missing episodes of people in the services they belong to.
    ViewEpisodes,
    /// Open an episode and add to its chronology.
    RecordEpisodes,
    /// Close an episode, or mark it as recorded in error (a manager's decision).
    CloseEpisodes,
    /// See the organisation's settings (how old a photo may get, and so on).
    ViewSettings,
    /// Change the organisation's settings.
    ManageSettings,
    /// See who is on call for a service.
    ViewOnCall,
    /// Set a service's on-call rota.
    ManageOnCall,
    /// Acknowledge a page that went to someone else: those above care staff in the chain.
    /// Anyone may acknowledge a page that went to them.
    AnswerAnyPage,
    /// See email that could not be delivered, correct the address and send it again.
    ManageUndeliveredMail,
    /// See patterns and trends across episodes, follow them to the episodes, and make the
    /// reports inspectors ask for.
    ViewPatterns,
    /// Share people's names in the summary for the multi-agency group (a disclosure).
    ShareNamedSummary,
    /// Record information shared about a person they care for (a disclosure).
    RecordDisclosures,
    /// Read the organisation's log of everything shared about anyone.
    ViewDisclosures,
    /// Give a partner organisation access to a person or an episode, and revoke it.
    GiveAccess,
    /// See who has been given access to a person, and the looks partners took.
    ViewGrants,
    /// As someone from a partner organisation, see what providers have shared with it.
    UseGrants,
    /// As police, open the police pack's details of someone missing now when no one has
    /// given access yet (break-glass): for four hours, the provider's on-call paged.
    BreakGlass,
    /// As an inspector, see the inspections providers have opened to their inspectorate,
    /// and read a provider's records under one.
    Inspect,
    /// Make, list and revoke their own API tokens.
    ManageOwnTokens,
    /// Read the organisation's missing policies, the draft and every published version.
    ReadPolicies,
    /// Make a policy and fill in its local details (the draft follows the settings).
    DraftPolicies,
    /// Approve and publish a policy: a manager's decision.
    PublishPolicies,
    /// Sign a published policy to say they have read it.
    SignPolicies,
}

impl Action {
    pub const ALL: [Action; 30] = [
        Action::ViewOwnHome,
        Action::ViewPeople,
        Action::EditPeople,
        Action::AgreePlan,
        Action::ViewUsers,
        Action::ManageUsers,
        Action::ViewAuditTrail,
        Action::ViewEpisodes,
        Action::RecordEpisodes,
        Action::CloseEpisodes,
        Action::ViewSettings,
        Action::ManageSettings,
        Action::ViewOnCall,
        Action::ManageOnCall,
        Action::AnswerAnyPage,
        Action::ManageUndeliveredMail,
        Action::ViewPatterns,
        Action::ShareNamedSummary,
        Action::RecordDisclosures,
        Action::ViewDisclosures,
        Action::GiveAccess,
        Action::ViewGrants,
        Action::UseGrants,
        Action::BreakGlass,
        Action::Inspect,
        Action::ManageOwnTokens,
        Action::ReadPolicies,
        Action::DraftPolicies,
        Action::PublishPolicies,
        Action::SignPolicies,
    ];
}

/// Whether a single role allows an action.
pub fn role_allows(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match action {
        ViewOwnHome => true,
        // Staff who care for people and those who inspect that care. Organisation admins
        // manage accounts, not children's records; partners will reach people through grants.
        ViewPeople => matches!(
            role,
            CareWorker | ShiftLead | Manager | SafeguardingLead | Auditor
        ),
        EditPeople => matches!(role, CareWorker | ShiftLead | Manager | SafeguardingLead),
        AgreePlan => matches!(role, Manager | SafeguardingLead),
        ViewUsers => matches!(role, OrgAdmin | Manager | Auditor),
        ManageUsers => matches!(role, OrgAdmin),
        ViewAuditTrail => matches!(role, OrgAdmin | Auditor | SafeguardingLead),
        // Episodes follow people: whoever cares for a person records their episodes, and
        // closing one is a manager's decision. Police and other partners come with grants.
        ViewEpisodes => matches!(
            role,
            CareWorker | ShiftLead | Manager | SafeguardingLead | Auditor
        ),
        RecordEpisodes => matches!(role, CareWorker | ShiftLead | Manager | SafeguardingLead),
        CloseEpisodes => matches!(role, Manager | SafeguardingLead),
        ViewSettings => matches!(role, OrgAdmin | Manager | SafeguardingLead | Auditor),
        ManageSettings => matches!(role, OrgAdmin),
        // Everyone who records episodes needs to know who to call; managers set the rota.
        ViewOnCall => matches!(
            role,
            CareWorker | ShiftLead | Manager | SafeguardingLead | Auditor
        ),
        ManageOnCall => matches!(role, Manager | SafeguardingLead),
        // A care worker cannot silence an escalation that went past them.
        AnswerAnyPage => matches!(role, ShiftLead | Manager | SafeguardingLead),
        // Whoever can act on an unreachable colleague: their managers, and admins who keep
        // the accounts.
        ManageUndeliveredMail => matches!(role, Manager | SafeguardingLead | OrgAdmin),
        // Those who lead and those who inspect learn from the patterns; care staff see
        // their own people's episodes, not the organisation's trends.
        ViewPatterns => matches!(role, ShiftLead | Manager | SafeguardingLead | Auditor),
        // Naming people to partners is a safeguarding decision: those who lead, not those
        // who inspect.
        ShareNamedSummary => matches!(role, Manager | SafeguardingLead),
        // Whoever shares something about a person (a care worker telling police on the phone)
        // writes it down; those who lead and those who inspect read the whole log.
        RecordDisclosures => matches!(role, CareWorker | ShiftLead | Manager | SafeguardingLead),
        ViewDisclosures => matches!(role, Manager | SafeguardingLead | Auditor),
        // Letting someone outside in is a manager's decision; those who inspect can see who
        // was let in.
        GiveAccess => matches!(role, Manager | SafeguardingLead),
        ViewGrants => matches!(role, Manager | SafeguardingLead | Auditor),
        // Partners reach records only through grants, and only these roles are partners.
        UseGrants => matches!(role, Police | SocialWorker | ReturnInterviewWorker),
        BreakGlass => matches!(role, Police),
        // Inspectors read only under an inspection a provider opened (`inspection_allows`).
        Inspect => matches!(role, Inspector),
        // Anyone may connect another system to what they can already do; an inspector reads
        // only under an inspection, in the browser.
        ManageOwnTokens => !matches!(role, Inspector),
        // The policy is for everyone who works here; the admin keeps its details, a manager
        // approves it, and those who look after people sign it.
        ReadPolicies => matches!(
            role,
            CareWorker | ShiftLead | Manager | SafeguardingLead | OrgAdmin | Auditor
        ),
        DraftPolicies => matches!(role, OrgAdmin | Manager | SafeguardingLead),
        PublishPolicies => matches!(role, Manager | SafeguardingLead),
        SignPolicies => matches!(role, CareWorker | ShiftLead | Manager | SafeguardingLead),
    }
}

/// What an inspector may do while an inspection is open, whatever their roles: read the
/// records an inspection reads (people, episodes, patterns and reports, what was shared and
/// with whom), and nothing else. Nothing is written, and staff accounts, settings and the
/// on-call rota stay the provider's own.
pub fn inspection_allows(action: Action) -> bool {
    use Action::*;
    matches!(
        action,
        ViewOwnHome
            | ViewPeople
            | ViewEpisodes
            | ViewPatterns
            | ViewDisclosures
            | ViewGrants
            | Inspect
    )
}

/// Whether any of the roles allows the action.
pub fn allows(roles: impl IntoIterator<Item = Role>, action: Action) -> bool {
    roles.into_iter().any(|r| role_allows(r, action))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auditors_only_read() {
        assert!(role_allows(Role::Auditor, Action::ViewPeople));
        assert!(role_allows(Role::Auditor, Action::ViewAuditTrail));
        assert!(!role_allows(Role::Auditor, Action::ManageUsers));
    }

    #[test]
    fn partners_reach_nothing_but_their_home_and_what_is_shared_with_them() {
        // (Their own API tokens reach only what they can reach themselves.)
        for role in [
            Role::Police,
            Role::SocialWorker,
            Role::ReturnInterviewWorker,
        ] {
            for action in Action::ALL {
                assert_eq!(
                    role_allows(role, action),
                    matches!(
                        action,
                        Action::ViewOwnHome | Action::UseGrants | Action::ManageOwnTokens
                    ) || (role == Role::Police && action == Action::BreakGlass),
                    "{role:?} {action:?}"
                );
            }
        }
    }

    #[test]
    fn no_roles_no_access() {
        for action in Action::ALL {
            assert!(!allows([], action));
        }
    }
}
