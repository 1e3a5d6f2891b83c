//! The missing policy's records: a policy per kind of service, its local details in versions,
//! each published version of its words, and who signed which. All append-only: what staff
//! were asked to read on a day, and what they signed, can always be shown.

use crate::StoreResult;
use async_trait::async_trait;
use homeward_domain::audit::AuditEvent;
use homeward_domain::ids::{OrgId, PolicyId, UserId};
use homeward_domain::missing_policy::{LocalDetails, OwnSection};
use homeward_domain::organisation::ServiceKind;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A policy: one per kind of service in an organisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub id: PolicyId,
    pub org_id: OrgId,
    pub kind: ServiceKind,
    pub created_at: Timestamp,
}

/// What the organisation says for one policy, beyond its settings: kept as versions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PolicyDetails {
    pub local: LocalDetails,
    pub own: Vec<OwnSection>,
    /// Months between reviews (1 to 12).
    pub review_months: i8,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyDetailsVersion {
    pub policy_id: PolicyId,
    pub version: i64,
    pub details: PolicyDetails,
    pub recorded_by_label: String,
    pub recorded_at: Timestamp,
}

/// A published version: its words in both languages as staff read and signed them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedPolicy {
    pub policy_id: PolicyId,
    pub version: i64,
    pub text_en: String,
    pub text_cy: String,
    /// SHA-256 of both texts, hex: what a signature vouches for.
    pub content_hash: String,
    /// Everyone must read and sign it again.
    pub material: bool,
    /// What changed, in the approver's words.
    pub change_note: String,
    pub approved_by: UserId,
    pub approved_by_label: String,
    pub approved_at: Timestamp,
    /// The date it must be reviewed by (Europe/London).
    pub review_by: jiff::civil::Date,
}

/// A member of staff's signature on one published version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicySignature {
    pub policy_id: PolicyId,
    pub version: i64,
    pub user_id: UserId,
    pub signed_at: Timestamp,
}

/// What recording a signature did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signing {
    Signed,
    /// They had signed that version already: nothing new is written or audited.
    AlreadySigned,
    /// No such published version of the organisation's policy.
    NoSuchVersion,
}

/// The organisation's logo, as Homeward re-encoded it: one version per upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logo {
    pub org_id: OrgId,
    pub version: i64,
    pub png: Vec<u8>,
    pub width: i64,
    pub height: i64,
    pub uploaded_by_label: String,
    pub uploaded_at: Timestamp,
}

/// The policies' storage, within one organisation at a time.
#[async_trait]
pub trait PolicyStore: Send + Sync {
    /// Makes the organisation's policy for a kind of service; a second for the same kind is a
    /// `Conflict`.
    async fn create_policy(&self, policy: &Policy, audit: &AuditEvent) -> StoreResult<()>;
    /// The organisation's policies, by kind.
    async fn policies(&self, org: OrgId) -> StoreResult<Vec<Policy>>;
    async fn policy(&self, org: OrgId, id: PolicyId) -> StoreResult<Option<Policy>>;
    /// Adds the next version of a policy's details; one that is not the next is a `Conflict`.
    /// `false` (nothing written) when the policy is not the organisation's.
    async fn append_policy_details(
        &self,
        org: OrgId,
        details: &PolicyDetailsVersion,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    async fn latest_policy_details(
        &self,
        org: OrgId,
        id: PolicyId,
    ) -> StoreResult<Option<PolicyDetailsVersion>>;
    /// Publishes the next version; one that is not the next is a `Conflict`. `false` (nothing
    /// written) when the policy is not the organisation's.
    async fn publish_policy(
        &self,
        org: OrgId,
        published: &PublishedPolicy,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    /// Every published version, newest first.
    async fn published_policies(
        &self,
        org: OrgId,
        id: PolicyId,
    ) -> StoreResult<Vec<PublishedPolicy>>;
    /// Records a signature on a published version of the organisation's policy.
    async fn sign_policy(
        &self,
        org: OrgId,
        signature: &PolicySignature,
        audit: &AuditEvent,
    ) -> StoreResult<Signing>;
    /// Every signature on the policy, oldest first.
    async fn policy_signatures(
        &self,
        org: OrgId,
        id: PolicyId,
    ) -> StoreResult<Vec<PolicySignature>>;
    /// Adds the organisation's next logo; one that is not the next version is a `Conflict`.
    async fn add_logo(&self, logo: &Logo, audit: &AuditEvent) -> StoreResult<()>;
    /// The organisation's newest logo.
    async fn latest_logo(&self, org: OrgId) -> StoreResult<Option<Logo>>;
    /// The logo the organisation had at `at`: a version's PDF a year on shows the logo it was
    /// approved under, not today's.
    async fn logo_as_of(&self, org: OrgId, at: Timestamp) -> StoreResult<Option<Logo>>;
}
