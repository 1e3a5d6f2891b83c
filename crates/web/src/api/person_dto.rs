//! What the people API sends and receives: a person, their versioned documents and photos.
//!
//! Documents travel in their saved shape: each section has `fields` (field id to text) and
//! `groups` (group id to a list of items, each field id to text). Dates are `YYYY-MM-DD`, yes
//! or no is `yes`/`no`, choices are option codes and several choices are joined by commas.

use super::dto::PersonDto;
use crate::i18n::Tr;
use homeward_app::people::{PersonView, SectionInput};
use homeward_domain::forms::review::Warning;
use homeward_domain::forms::{DocKind, Document, SectionData};
use homeward_store::{DocumentVersion, PhotoMeta};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// One section of a document.
#[derive(Serialize, Deserialize, ToSchema, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct SectionDto {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub groups: BTreeMap<String, Vec<BTreeMap<String, String>>>,
}

impl From<&SectionData> for SectionDto {
    fn from(s: &SectionData) -> Self {
        Self {
            fields: s.fields.clone(),
            groups: s.groups.clone(),
        }
    }
}

impl SectionDto {
    fn to_input(&self) -> SectionInput {
        SectionInput::Saved(SectionData {
            fields: self.fields.clone(),
            groups: self.groups.clone(),
        })
    }
}

pub fn sections_input(sections: &BTreeMap<String, SectionDto>) -> Vec<(String, SectionInput)> {
    sections
        .iter()
        .map(|(id, s)| (id.clone(), s.to_input()))
        .collect()
}

fn sections_of(doc: &Document) -> BTreeMap<String, SectionDto> {
    doc.0
        .iter()
        .map(|(id, s)| (id.clone(), SectionDto::from(s)))
        .collect()
}

/// A new person: the service they are with and their information form, which must include
/// the `about` section (names, child or adult, date of birth or estimated age).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPersonRequest {
    pub service_id: String,
    pub profile: BTreeMap<String, SectionDto>,
}

/// The next version of a document: the sections to replace, and the version they were based
/// on. If someone saved a later version meanwhile, nothing is saved (409).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentUpdate {
    /// The version the changes were made to; 0 when there is none yet.
    pub based_on: i64,
    pub sections: BTreeMap<String, SectionDto>,
}

#[derive(Serialize, ToSchema)]
pub struct VersionSaved {
    /// The document's version now.
    pub version: i64,
}

/// A document kind's path name: profile, risk-assessment or missing-plan.
pub fn kind_name(kind: DocKind) -> &'static str {
    kind.slug()
}

/// One version of a document, without its content.
#[derive(Serialize, ToSchema)]
pub struct VersionSummaryDto {
    /// profile, risk-assessment or missing-plan
    pub document: String,
    pub version: i64,
    /// The sections that changed from the version before; `agreed` when a manager agreed it.
    pub changed: Vec<String>,
    /// YYYY-MM-DD
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_date: Option<String>,
    pub recorded_by: String,
    /// RFC 3339, UTC.
    pub recorded_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreed_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreed_at: Option<String>,
    /// Where the whole version can be read.
    pub href: String,
}

impl From<&DocumentVersion> for VersionSummaryDto {
    fn from(v: &DocumentVersion) -> Self {
        Self {
            document: kind_name(v.kind).into(),
            version: v.version,
            changed: v.changed.clone(),
            review_date: v.review_date.map(|d| d.to_string()),
            recorded_by: v.recorded_by_label.clone(),
            recorded_at: v.recorded_at.to_string(),
            agreed_by: v.agreed_by_label.clone(),
            agreed_at: v.agreed_at.map(|a| a.to_string()),
            href: format!(
                "/api/v1/people/{}/versions/{}/{}",
                v.person_id,
                kind_name(v.kind),
                v.version
            ),
        }
    }
}

/// One version of a document, with its content.
#[derive(Serialize, ToSchema)]
pub struct DocumentVersionDto {
    #[serde(flatten)]
    pub summary: VersionSummaryDto,
    pub sections: BTreeMap<String, SectionDto>,
}

impl From<&DocumentVersion> for DocumentVersionDto {
    fn from(v: &DocumentVersion) -> Self {
        Self {
            summary: VersionSummaryDto::from(v),
            sections: sections_of(&v.document),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PhotoDto {
    pub id: Uuid,
    /// YYYY-MM-DD
    pub taken_on: String,
    pub width: u32,
    pub height: u32,
    pub uploaded_by: String,
    /// RFC 3339, UTC.
    pub uploaded_at: String,
    /// Whether this is the photo to use now.
    pub current: bool,
    /// The JPEG itself.
    pub href: String,
}

impl PhotoDto {
    pub fn new(p: &PhotoMeta, current: bool) -> Self {
        Self {
            id: p.id.0,
            taken_on: p.taken_on.to_string(),
            width: p.width,
            height: p.height,
            uploaded_by: p.uploaded_by_label.clone(),
            uploaded_at: p.uploaded_at.to_string(),
            current,
            href: format!("/api/v1/people/{}/photos/{}", p.person_id, p.id),
        }
    }
}

/// Something out of date about a person's information.
#[derive(Serialize, ToSchema)]
pub struct WarningDto {
    /// no-photo, photo-old, profile-review, risk-review, plan-review, profile-missing,
    /// risk-missing or plan-missing
    pub code: String,
    /// YYYY-MM-DD: when the photo was taken or the review was due.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// In the caller's language.
    pub message: String,
}

impl WarningDto {
    pub fn new(t: Tr, w: &Warning) -> Self {
        Self {
            code: w.message().trim_start_matches("warning-").into(),
            date: w.date().map(|d| d.to_string()),
            message: crate::html::person::warning_text(t, w),
        }
    }
}

/// A person with the latest version of each document and their current photo.
#[derive(Serialize, ToSchema)]
pub struct PersonDetailDto {
    pub person: PersonDto,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub photo: Option<PhotoDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<DocumentVersionDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_assessment: Option<DocumentVersionDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing_plan: Option<DocumentVersionDto>,
    pub warnings: Vec<WarningDto>,
}

impl PersonDetailDto {
    pub fn new(t: Tr, view: &PersonView) -> Self {
        let doc = |kind| view.latest(kind).map(DocumentVersionDto::from);
        Self {
            person: PersonDto::from(&view.person),
            photo: view.photo.as_ref().map(|p| PhotoDto::new(p, true)),
            profile: doc(DocKind::Profile),
            risk_assessment: doc(DocKind::RiskAssessment),
            missing_plan: doc(DocKind::MissingPlan),
            warnings: view
                .warnings
                .iter()
                .map(|w| WarningDto::new(t, w))
                .collect(),
        }
    }
}

/// A person whose information needs reviewing, and why.
#[derive(Serialize, ToSchema)]
pub struct DueDto {
    pub person: PersonDto,
    pub warnings: Vec<WarningDto>,
}
