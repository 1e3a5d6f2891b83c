//! Roles a user may hold within an organisation.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    CareWorker,
    ShiftLead,
    Manager,
    SafeguardingLead,
    OrgAdmin,
    /// Read-only: inspectors and auditors.
    Auditor,
    /// Partner roles: outside professionals, who reach a provider's records only through
    /// the grants it gives their organisation.
    Police,
    SocialWorker,
    ReturnInterviewWorker,
    /// From an inspectorate: reads a provider's records, without changing them, only while
    /// the provider has an inspection open for their inspectorate.
    Inspector,
}

impl Role {
    pub const ALL: [Role; 10] = [
        Role::CareWorker,
        Role::ShiftLead,
        Role::Manager,
        Role::SafeguardingLead,
        Role::OrgAdmin,
        Role::Auditor,
        Role::Police,
        Role::SocialWorker,
        Role::ReturnInterviewWorker,
        Role::Inspector,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::CareWorker => "care_worker",
            Role::ShiftLead => "shift_lead",
            Role::Manager => "manager",
            Role::SafeguardingLead => "safeguarding_lead",
            Role::OrgAdmin => "org_admin",
            Role::Auditor => "auditor",
            Role::Police => "police",
            Role::SocialWorker => "social_worker",
            Role::ReturnInterviewWorker => "return_interview_worker",
            Role::Inspector => "inspector",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Partners are outside the organisation: they reach records only through grants, or
    /// (inspectors) an open inspection.
    pub fn is_partner(self) -> bool {
        matches!(
            self,
            Role::Police | Role::SocialWorker | Role::ReturnInterviewWorker | Role::Inspector
        )
    }

    /// Roles whose accounts must use a second factor (design.md): those who decide, share,
    /// administer, or come from outside.
    pub fn needs_second_factor(self) -> bool {
        matches!(
            self,
            Role::Manager | Role::SafeguardingLead | Role::OrgAdmin
        ) || self.is_partner()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
            assert!(seen.insert(r.code()));
        }
        assert_eq!(Role::from_code("superuser"), None);
    }
}
