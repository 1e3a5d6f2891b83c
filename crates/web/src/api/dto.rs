//! What the API sends and receives.

use homeward_domain::audit::AuditRecord;
use homeward_store::{Membership, Person, UserWithRoles};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, Deserialize, ToSchema, Clone)]
pub struct MembershipDto {
    /// One of: care_worker, shift_lead, manager, safeguarding_lead, org_admin, auditor, police,
    /// social_worker, return_interview_worker.
    pub role: String,
    /// The service the role applies to; absent for the whole organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(
        pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    )]
    pub service_id: Option<Uuid>,
}

impl From<&Membership> for MembershipDto {
    fn from(m: &Membership) -> Self {
        Self {
            role: m.role.code().into(),
            service_id: m.service_id.map(|s| s.0),
        }
    }
}

impl MembershipDto {
    pub fn to_input(list: &[MembershipDto]) -> Vec<(String, Option<String>)> {
        list.iter()
            .map(|m| (m.role.clone(), m.service_id.map(|s| s.to_string())))
            .collect()
    }
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub organisation_id: Uuid,
    pub roles: Vec<MembershipDto>,
}

#[derive(Serialize, ToSchema)]
pub struct UserDto {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub active: bool,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub roles: Vec<MembershipDto>,
}

impl From<&UserWithRoles> for UserDto {
    fn from(u: &UserWithRoles) -> Self {
        Self {
            id: u.user.id.0,
            email: u.user.email.clone(),
            display_name: u.user.display_name.clone(),
            active: u.user.active,
            created_at: u.user.created_at.to_string(),
            roles: u.memberships.iter().map(MembershipDto::from).collect(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct NewUserRequest {
    pub display_name: String,
    pub email: String,
    /// At least 12 characters; common passwords are refused.
    pub password: String,
    pub roles: Vec<MembershipDto>,
}

#[derive(Deserialize, ToSchema)]
pub struct RolesRequest {
    pub roles: Vec<MembershipDto>,
}

/// A user's name and the address they sign in with and are paged at.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserDetailsRequest {
    pub display_name: String,
    pub email: String,
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: Uuid,
}

#[derive(Serialize, ToSchema)]
pub struct PersonDto {
    pub id: Uuid,
    pub service_id: Uuid,
    pub given_name: String,
    pub family_name: String,
    /// child or adult
    pub kind: String,
    /// YYYY-MM-DD, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<String>,
    /// When the date of birth is not known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimated_age: Option<i16>,
}

impl From<&Person> for PersonDto {
    fn from(p: &Person) -> Self {
        Self {
            id: p.id.0,
            service_id: p.service_id.0,
            given_name: p.given_name.clone(),
            family_name: p.family_name.clone(),
            kind: p.kind.code().into(),
            date_of_birth: p.date_of_birth.map(|d| d.to_string()),
            estimated_age: p.estimated_age,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AuditRecordDto {
    pub seq: i64,
    /// RFC 3339, UTC.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub resource_kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// allowed, denied or failed
    pub outcome: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
}

impl From<&AuditRecord> for AuditRecordDto {
    fn from(r: &AuditRecord) -> Self {
        Self {
            seq: r.seq,
            at: r.event.at.to_string(),
            actor: r.event.actor_label.clone(),
            action: r.event.action.clone(),
            resource_kind: r.event.resource_kind.clone(),
            resource_id: r.event.resource_id.clone(),
            outcome: r.event.outcome.code().into(),
            ip: r.event.ip.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    pub status: String,
}
