//! The organisation's missing policy: drafted live from the settings, published by a manager,
//! signed by staff. A draft is never stored: it is composed from the organisation's details,
//! settings, rotas and the policy's local details whenever it is read, so it follows the
//! settings the moment they change; what is stored is each published version's words.

use crate::actor::require;
use crate::policy::Action;
use crate::{Actor, App, AppError, AppResult, RequestMeta};
use homeward_domain::audit::Outcome;
use homeward_domain::ids::PolicyId;
use homeward_domain::ids::{ServiceId, UserId};
use homeward_domain::locale::Locale;
use homeward_domain::missing_policy::{self, Composed, Facts, MAX_REVIEW_MONTHS};
use homeward_domain::organisation::ServiceKind;
use homeward_i18n::missing_policy::{plain_text, write};
use homeward_store::policies::{
    Logo, Policy, PolicyDetails, PolicyDetailsVersion, PolicySignature, PublishedPolicy, Signing,
};
use homeward_store::{Membership, Service, UsersQuery};
use sha2::Digest as _;

/// The longest side a logo is kept at: a policy's heading needs no more.
pub const LOGO_MAX_SIDE: u32 = 600;

/// The most staff counted for a policy's signatures: far more than any provider employs.
const MAX_STAFF: i64 = 20_000;

/// An uploaded logo drawn again as a PNG (transparency kept), no larger than
/// [`LOGO_MAX_SIDE`]; nothing else the upload carried is kept.
pub fn process_logo(bytes: &[u8]) -> Result<(Vec<u8>, u32, u32), crate::photos::PhotoProblem> {
    use image::ImageEncoder as _;
    let rgba = crate::photos::decode_upload(bytes, LOGO_MAX_SIDE)?.to_rgba8();
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(
            &rgba,
            rgba.width(),
            rgba.height(),
            image::ExtendedColorType::Rgba8,
        )
        .map_err(|_| crate::photos::PhotoProblem::NotAnImage)?;
    Ok((png, rgba.width(), rgba.height()))
}

/// One line of the difference between two versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Same,
    Added,
    Removed,
}

/// The lines that differ between two versions' words, in runs with a line of context around
/// each: what a reader needs to see what changed without reading the whole policy again.
pub fn difference(old: &str, new: &str) -> Vec<Vec<(Change, String)>> {
    let diff = similar::TextDiff::from_lines(old, new);
    diff.grouped_ops(1)
        .iter()
        .map(|group| {
            group
                .iter()
                .flat_map(|op| diff.iter_changes(op))
                .map(|c| {
                    let change = match c.tag() {
                        similar::ChangeTag::Equal => Change::Same,
                        similar::ChangeTag::Insert => Change::Added,
                        similar::ChangeTag::Delete => Change::Removed,
                    };
                    (change, c.value().trim_end_matches('\n').to_string())
                })
                .filter(|(change, line)| *change != Change::Same || !line.is_empty())
                .collect()
        })
        .collect()
}

/// Whether these memberships mean signing the policy for a kind of service: a role that signs,
/// across the organisation or in one of `services` (those of the policy's kind).
pub fn must_sign(memberships: &[Membership], services: &[ServiceId]) -> bool {
    memberships.iter().any(|m| {
        crate::policy::role_allows(m.role, Action::SignPolicies)
            && m.service_id.is_none_or(|s| services.contains(&s))
    })
}

/// A policy as a list of them shows it, for the reader.
#[derive(Clone, Debug)]
pub struct PolicyStanding {
    pub policy: Policy,
    /// The version in force.
    pub in_force: Option<PublishedPolicy>,
    /// The reader must sign this version (the one in force) and has not.
    pub to_sign: Option<i64>,
    /// The version in force was due for review before today.
    pub review_overdue: bool,
    /// For those who keep the policy: the draft says something the version in force does not.
    pub draft_changed: Option<bool>,
}

/// One service's signatures on the version in force.
#[derive(Clone, Debug)]
pub struct ServiceSigning {
    pub service: Service,
    /// Staff who must sign, and of them who have.
    pub staff: usize,
    pub signed: usize,
    /// Of those on the service's on-call rota (a shift not yet over, or the default contact),
    /// how many must sign and how many have.
    pub rota: usize,
    pub rota_signed: usize,
    /// Who still has to sign, by name.
    pub not_signed: Vec<String>,
}

/// A policy as its page shows it: the draft composed now, and what was published.
#[derive(Clone, Debug)]
pub struct PolicyDraft {
    pub policy: Policy,
    pub details: PolicyDetails,
    /// The version of the details the draft was composed from (0: none saved yet).
    pub details_version: i64,
    pub composed: Composed,
    pub text_en: String,
    pub text_cy: String,
    /// Newest first.
    pub published: Vec<PublishedPolicy>,
}

impl PolicyDraft {
    /// The draft says something the version in force does not (or nothing is published yet).
    pub fn changed_since_published(&self) -> bool {
        self.published
            .first()
            .is_none_or(|p| p.text_en != self.text_en || p.text_cy != self.text_cy)
    }
}

/// SHA-256 over both languages' words, hex: what a signature vouches for.
pub fn content_hash(text_en: &str, text_cy: &str) -> String {
    let mut h = sha2::Sha256::new();
    h.update(text_en.as_bytes());
    h.update([0u8]);
    h.update(text_cy.as_bytes());
    hex::encode(h.finalize())
}

impl App {
    /// Makes the organisation's policy for a kind of service (one per kind).
    pub async fn create_missing_policy(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        kind: ServiceKind,
    ) -> AppResult<PolicyId> {
        require(actor, Action::DraftPolicies)?;
        // One per kind: asked twice (a double click, or two admins), it is the one there is.
        if let Some(existing) = self
            .store
            .policies(actor.org_id())
            .await?
            .into_iter()
            .find(|p| p.kind == kind)
        {
            return Ok(existing.id);
        }
        let policy = Policy {
            id: PolicyId::new_random(),
            org_id: actor.org_id(),
            kind,
            created_at: self.clock.now(),
        };
        let e = actor.event(
            policy.created_at,
            meta,
            "policy.create",
            "policy",
            Some(policy.id.to_string()),
            Outcome::Allowed,
        );
        match self.store.create_policy(&policy, &e).await {
            Ok(()) => Ok(policy.id),
            Err(homeward_store::StoreError::Conflict(_)) => self
                .store
                .policies(actor.org_id())
                .await?
                .into_iter()
                .find(|p| p.kind == kind)
                .map(|p| p.id)
                .ok_or(AppError::NotFound),
            Err(e) => Err(e.into()),
        }
    }

    /// The organisation's policies.
    pub async fn missing_policies(&self, actor: &Actor) -> AppResult<Vec<Policy>> {
        require(actor, Action::ReadPolicies)?;
        Ok(self.store.policies(actor.org_id()).await?)
    }

    /// A policy's draft as it stands now, and its published versions.
    pub async fn missing_policy(&self, actor: &Actor, id: PolicyId) -> AppResult<PolicyDraft> {
        require(actor, Action::ReadPolicies)?;
        let policy = self
            .store
            .policy(actor.org_id(), id)
            .await?
            .ok_or(AppError::NotFound)?;
        let saved = self.store.latest_policy_details(actor.org_id(), id).await?;
        let (details, details_version) = match saved {
            Some(v) => (v.details, v.version),
            None => (
                PolicyDetails {
                    review_months: MAX_REVIEW_MONTHS,
                    ..PolicyDetails::default()
                },
                0,
            ),
        };
        let facts = self.policy_facts(&policy, &details).await?;
        let composed = missing_policy::compose(&facts);
        let text_en = plain_text(&write(&composed, Locale::English));
        let text_cy = plain_text(&write(&composed, Locale::Welsh));
        let published = self.store.published_policies(actor.org_id(), id).await?;
        Ok(PolicyDraft {
            policy,
            details,
            details_version,
            composed,
            text_en,
            text_cy,
            published,
        })
    }

    async fn policy_facts(&self, policy: &Policy, details: &PolicyDetails) -> AppResult<Facts> {
        let org = self
            .fixed_organisation(policy.org_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let services: Vec<_> = self
            .store
            .list_services(policy.org_id)
            .await?
            .into_iter()
            .filter(|s| s.kind == policy.kind)
            .collect();
        // The longest wait before a page moves on, among the services the policy covers: the
        // policy promises no quicker escalation than the slowest rota gives.
        let mut escalate = None;
        for s in &services {
            if let Some(r) = self.store.latest_rota(policy.org_id, s.id).await? {
                escalate = escalate.max(Some(r.rota.escalate_after_minutes));
            }
        }
        let settings = self.settings_in_force(policy.org_id).await?;
        let mut local = details.local.clone();
        local.has_logo = self.store.latest_logo(policy.org_id).await?.is_some();
        Ok(Facts {
            organisation_name: org.name,
            registration_number: org.registration_number,
            regulator: org.regulator,
            registered_manager: org.registered_manager,
            safeguarding_lead: org.safeguarding_lead,
            nation: org.nation,
            kind: policy.kind,
            services: services.into_iter().map(|s| s.name).collect(),
            duties: settings.duties,
            local,
            own: details.own.clone(),
            escalate_after_minutes: escalate
                .unwrap_or(homeward_domain::escalation::DEFAULT_ESCALATE_AFTER_MINUTES),
            review_months: details.review_months.clamp(1, MAX_REVIEW_MONTHS),
        })
    }

    /// Saves the policy's local details as the next version.
    pub async fn save_policy_details(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        id: PolicyId,
        version: i64,
        details: PolicyDetails,
    ) -> AppResult<()> {
        require(actor, Action::DraftPolicies)?;
        // Whether it is theirs comes before anything about what they sent.
        self.store
            .policy(actor.org_id(), id)
            .await?
            .ok_or(AppError::NotFound)?;
        let problems = details_problems(&details);
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let latest = self.store.latest_policy_details(actor.org_id(), id).await?;
        // Already as asked (a double click): nothing to save.
        if latest.as_ref().is_some_and(|l| l.details == details) {
            return Ok(());
        }
        if latest.as_ref().map_or(0, |l| l.version) + 1 != version {
            return Err(AppError::invalid("version", "error-policy-saved-meanwhile"));
        }
        let now = self.clock.now();
        let v = PolicyDetailsVersion {
            policy_id: id,
            version,
            details,
            recorded_by_label: actor.user.email.clone(),
            recorded_at: now,
        };
        let e = actor.event(
            now,
            meta,
            "policy.details",
            "policy",
            Some(format!("{id} v{version}")),
            Outcome::Allowed,
        );
        match self
            .store
            .append_policy_details(actor.org_id(), &v, &e)
            .await
        {
            Ok(true) => Ok(()),
            Ok(false) => Err(AppError::NotFound),
            Err(homeward_store::StoreError::Conflict(_)) => {
                Err(AppError::invalid("version", "error-policy-saved-meanwhile"))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Publishes the draft as it stands: refused while a field is missing. The first version
    /// is always one everyone must sign.
    pub async fn publish_missing_policy(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        id: PolicyId,
        material: bool,
        change_note: &str,
    ) -> AppResult<i64> {
        require(actor, Action::PublishPolicies)?;
        let draft = self.missing_policy(actor, id).await?;
        if !draft.composed.missing.is_empty() {
            return Err(AppError::Invalid(
                draft
                    .composed
                    .missing
                    .iter()
                    .map(|f| crate::FieldError {
                        field: f.code().to_string(),
                        message: "error-policy-field-missing",
                    })
                    .collect(),
            ));
        }
        if !draft.changed_since_published() {
            return Err(AppError::invalid("draft", "error-policy-unchanged"));
        }
        let now = self.clock.now();
        let today = homeward_domain::time::in_london(now).date();
        let review_by = today
            .checked_add(jiff::Span::new().months(i64::from(draft.details.review_months)))
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let version = draft.published.first().map_or(1, |p| p.version + 1);
        let published = PublishedPolicy {
            policy_id: id,
            version,
            content_hash: content_hash(&draft.text_en, &draft.text_cy),
            text_en: draft.text_en,
            text_cy: draft.text_cy,
            material: material || version == 1,
            change_note: change_note.trim().chars().take(2000).collect(),
            approved_by: actor.user.id,
            approved_by_label: actor.user.display_name.clone(),
            approved_at: now,
            review_by,
        };
        let e = actor.event(
            now,
            meta,
            "policy.publish",
            "policy",
            Some(format!("{id} v{version}")),
            Outcome::Allowed,
        );
        match self
            .store
            .publish_policy(actor.org_id(), &published, &e)
            .await
        {
            Ok(true) => Ok(version),
            Ok(false) => Err(AppError::NotFound),
            // Another manager published first: there is nothing new to publish.
            Err(homeward_store::StoreError::Conflict(_)) => {
                Err(AppError::invalid("draft", "error-policy-unchanged"))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The actor signs a published version to say they have read it.
    pub async fn sign_missing_policy(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        id: PolicyId,
        version: i64,
    ) -> AppResult<Signing> {
        require(actor, Action::SignPolicies)?;
        let policy = self
            .store
            .policy(actor.org_id(), id)
            .await?
            .ok_or(AppError::NotFound)?;
        // Staff sign the policy for the services they work in.
        let services = self.services_of_kind(actor, policy.kind).await?;
        if !must_sign(&actor.memberships, &services) {
            return Err(AppError::Forbidden);
        }
        let now = self.clock.now();
        let s = PolicySignature {
            policy_id: id,
            version,
            user_id: actor.user.id,
            signed_at: now,
        };
        let e = actor.event(
            now,
            meta,
            "policy.sign",
            "policy",
            Some(format!("{id} v{version}")),
            Outcome::Allowed,
        );
        match self.store.sign_policy(actor.org_id(), &s, &e).await? {
            Signing::NoSuchVersion => Err(AppError::NotFound),
            done => Ok(done),
        }
    }
}

impl App {
    async fn services_of_kind(
        &self,
        actor: &Actor,
        kind: ServiceKind,
    ) -> AppResult<Vec<ServiceId>> {
        Ok(self
            .store
            .list_services(actor.org_id())
            .await?
            .into_iter()
            .filter(|s| s.kind == kind)
            .map(|s| s.id)
            .collect())
    }

    /// A new logo for the organisation's policies (each upload is a new version).
    pub async fn upload_policy_logo(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        upload: Vec<u8>,
    ) -> AppResult<i64> {
        require(actor, Action::DraftPolicies)?;
        let (png, width, height) =
            crate::photos::decode_in_turn("logo", move || process_logo(&upload)).await?;
        let latest = self.store.latest_logo(actor.org_id()).await?;
        let now = self.clock.now();
        let logo = Logo {
            org_id: actor.org_id(),
            version: latest.map_or(1, |l| l.version + 1),
            png,
            width: i64::from(width),
            height: i64::from(height),
            uploaded_by_label: actor.user.email.clone(),
            uploaded_at: now,
        };
        let e = actor.event(
            now,
            meta,
            "policy.logo",
            "organisation",
            Some(format!("logo v{}", logo.version)),
            Outcome::Allowed,
        );
        self.store.add_logo(&logo, &e).await?;
        Ok(logo.version)
    }

    /// The organisation's logo, as its policies show it.
    pub async fn policy_logo(&self, actor: &Actor) -> AppResult<Option<Logo>> {
        require(actor, Action::ReadPolicies)?;
        Ok(self.store.latest_logo(actor.org_id()).await?)
    }

    /// The organisation's policies as the reader stands with each: the version in force,
    /// whether they must sign it, whether its review is overdue, and (for those who keep the
    /// policies) whether the draft has moved on from it.
    pub async fn policy_standings(&self, actor: &Actor) -> AppResult<Vec<PolicyStanding>> {
        require(actor, Action::ReadPolicies)?;
        let org = actor.org_id();
        let today = homeward_domain::time::in_london(self.clock.now()).date();
        let services = self.store.list_services(org).await?;
        let mut out = Vec::new();
        for policy in self.store.policies(org).await? {
            let published = self.store.published_policies(org, policy.id).await?;
            let of_kind: Vec<ServiceId> = services
                .iter()
                .filter(|s| s.kind == policy.kind)
                .map(|s| s.id)
                .collect();
            let to_sign = match published.first() {
                Some(current)
                    if actor.inspecting.is_none()
                        && actor.can(Action::SignPolicies)
                        && must_sign(&actor.memberships, &of_kind) =>
                {
                    let mine: Vec<i64> = self
                        .store
                        .policy_signatures(org, policy.id)
                        .await?
                        .into_iter()
                        .filter(|s| s.user_id == actor.user.id)
                        .map(|s| s.version)
                        .collect();
                    (!has_signed(&published, &mine)).then_some(current.version)
                }
                _ => None,
            };
            let draft_changed = if actor.can(Action::DraftPolicies) {
                Some(
                    self.missing_policy(actor, policy.id)
                        .await?
                        .changed_since_published(),
                )
            } else {
                None
            };
            let in_force = published.into_iter().next();
            out.push(PolicyStanding {
                review_overdue: in_force.as_ref().is_some_and(|p| p.review_by < today),
                policy,
                in_force,
                to_sign,
                draft_changed,
            });
        }
        Ok(out)
    }

    /// Per service of the policy's kind: how many staff (and of those on its rota) have
    /// signed what they must of the version in force.
    pub async fn policy_signing(
        &self,
        actor: &Actor,
        id: PolicyId,
    ) -> AppResult<Vec<ServiceSigning>> {
        require(actor, Action::DraftPolicies)?;
        let policy = self
            .store
            .policy(actor.org_id(), id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.signing_of(&policy).await
    }

    /// The rows of the inspection report about the missing policies: per policy and service,
    /// the version in force and who has signed it. The caller has checked the reader may see
    /// the report.
    pub(crate) async fn policy_report_rows(
        &self,
        actor: &Actor,
        t: homeward_i18n::Tr,
    ) -> AppResult<Vec<(String, String)>> {
        let org = actor.org_id();
        let mut rows = Vec::new();
        for policy in self.store.policies(org).await? {
            let kind = t.get(&format!("service-{}", policy.kind.code()));
            let published = self.store.published_policies(org, policy.id).await?;
            let Some(current) = published.first() else {
                rows.push((kind, t.get("policy-not-published")));
                continue;
            };
            let version = t.args(
                "patterns-policy-version",
                &[
                    ("version", current.version.to_string().as_str()),
                    ("who", &current.approved_by_label),
                    ("when", &t.date_time(current.approved_at)),
                    ("review", &t.date(current.review_by)),
                ],
            );
            rows.push((kind.clone(), version));
            for line in self.signing_of(&policy).await? {
                rows.push((
                    format!("{kind}: {}", line.service.name),
                    t.args(
                        "patterns-policy-signed",
                        &[
                            ("signed", line.signed.to_string().as_str()),
                            ("total", &line.staff.to_string()),
                            ("rota_signed", &line.rota_signed.to_string()),
                            ("rota", &line.rota.to_string()),
                        ],
                    ),
                ));
            }
        }
        Ok(rows)
    }

    async fn signing_of(&self, policy: &Policy) -> AppResult<Vec<ServiceSigning>> {
        let (org, id) = (policy.org_id, policy.id);
        let published = self.store.published_policies(org, id).await?;
        let signatures = self.store.policy_signatures(org, id).await?;
        let staff = self
            .store
            .users_page(
                org,
                &UsersQuery {
                    active_only: true,
                    limit: MAX_STAFF,
                    ..UsersQuery::default()
                },
                None,
            )
            .await?;
        let now = self.clock.now();
        let mut out = Vec::new();
        for service in self.store.list_services(org).await? {
            if service.kind != policy.kind {
                continue;
            }
            let rota = self.store.latest_rota(org, service.id).await?;
            let on_rota: Vec<UserId> = rota
                .map(|r| {
                    r.rota
                        .shifts
                        .iter()
                        .filter(|s| s.to > now)
                        .map(|s| s.contact.user)
                        .chain(r.rota.default_contact.iter().map(|c| c.user))
                        .collect()
                })
                .unwrap_or_default();
            let mut line = ServiceSigning {
                service: service.clone(),
                staff: 0,
                signed: 0,
                rota: 0,
                rota_signed: 0,
                not_signed: Vec::new(),
            };
            for u in &staff {
                if !must_sign(&u.memberships, &[service.id]) {
                    continue;
                }
                let versions: Vec<i64> = signatures
                    .iter()
                    .filter(|s| s.user_id == u.user.id)
                    .map(|s| s.version)
                    .collect();
                let signed = !published.is_empty() && has_signed(&published, &versions);
                let rostered = on_rota.contains(&u.user.id);
                line.staff += 1;
                line.signed += usize::from(signed);
                line.rota += usize::from(rostered);
                line.rota_signed += usize::from(rostered && signed);
                if !signed {
                    line.not_signed.push(u.user.display_name.clone());
                }
            }
            out.push(line);
        }
        Ok(out)
    }
}

/// A published version as its page shows it.
#[derive(Clone, Debug)]
pub struct PolicyVersionView {
    pub policy: Policy,
    pub version: PublishedPolicy,
    /// The version before it, for the difference.
    pub previous: Option<PublishedPolicy>,
    /// When the reader signed this version.
    pub signed_at: Option<jiff::Timestamp>,
    /// The reader signs for a service of the policy's kind, and has not signed this version.
    pub may_sign: bool,
    /// The reader still has to sign a version at least this new.
    pub must_sign: bool,
}

impl App {
    /// One published version, with the reader's signature on it.
    pub async fn missing_policy_version(
        &self,
        actor: &Actor,
        id: PolicyId,
        version: i64,
    ) -> AppResult<PolicyVersionView> {
        require(actor, Action::ReadPolicies)?;
        let org = actor.org_id();
        let policy = self
            .store
            .policy(org, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let published = self.store.published_policies(org, id).await?;
        let at = published
            .iter()
            .position(|p| p.version == version)
            .ok_or(AppError::NotFound)?;
        let mine: Vec<(i64, jiff::Timestamp)> = self
            .store
            .policy_signatures(org, id)
            .await?
            .into_iter()
            .filter(|s| s.user_id == actor.user.id)
            .map(|s| (s.version, s.signed_at))
            .collect();
        let signed_at = mine.iter().find(|(v, _)| *v == version).map(|(_, at)| *at);
        let signs = actor.inspecting.is_none()
            && actor.can(Action::SignPolicies)
            && must_sign(
                &actor.memberships,
                &self.services_of_kind(actor, policy.kind).await?,
            );
        let versions: Vec<i64> = mine.iter().map(|(v, _)| *v).collect();
        Ok(PolicyVersionView {
            may_sign: signs && signed_at.is_none(),
            must_sign: signs && !has_signed(&published, &versions),
            policy,
            version: published[at].clone(),
            previous: published.get(at + 1).cloned(),
            signed_at,
        })
    }

    /// A published version (or, with `None`, the draft as it stands) as a PDF in one
    /// language, with the organisation's logo.
    pub async fn missing_policy_pdf(
        &self,
        actor: &Actor,
        id: PolicyId,
        version: Option<i64>,
        locale: Locale,
    ) -> AppResult<Vec<u8>> {
        require(actor, Action::ReadPolicies)?;
        let tr = homeward_i18n::Tr(locale);
        let org = self
            .fixed_organisation(actor.org_id())
            .await?
            .ok_or(AppError::NotFound)?;
        // A published version is shown as it was approved: its own words (which name the
        // registered manager of the time) under the logo of the time.
        let (kind, text, key_rows, logo) = match version {
            Some(n) => {
                let v = self.missing_policy_version(actor, id, n).await?;
                let p = v.version;
                let mut rows = vec![
                    (tr.get("policy-version"), p.version.to_string()),
                    (
                        tr.get("policy-approved"),
                        format!("{}, {}", p.approved_by_label, tr.date_time(p.approved_at)),
                    ),
                    (tr.get("policy-review-by"), tr.date(p.review_by)),
                ];
                if !p.change_note.is_empty() {
                    rows.push((tr.get("policy-change-note"), p.change_note.clone()));
                }
                rows.push((tr.get("policy-hash"), p.content_hash.clone()));
                let text = match locale {
                    Locale::Welsh => p.text_cy,
                    Locale::English => p.text_en,
                };
                let logo = self.store.logo_as_of(actor.org_id(), p.approved_at).await?;
                (v.policy.kind, text, rows, logo)
            }
            None => {
                let d = self.missing_policy(actor, id).await?;
                let text = match locale {
                    Locale::Welsh => d.text_cy,
                    Locale::English => d.text_en,
                };
                let rows = vec![
                    (
                        tr.get("policy-registered-manager"),
                        org.registered_manager.clone(),
                    ),
                    (tr.get("policy-version"), tr.get("policy-draft")),
                ];
                let logo = self.store.latest_logo(actor.org_id()).await?;
                (d.policy.kind, text, rows, logo)
            }
        };
        let logo = logo.map(|l| l.png);
        let doc = homeward_reports::PolicyDocument {
            lang: locale.code().to_string(),
            organisation: org.name.clone(),
            title: tr.with(
                "policy-title",
                "kind",
                &tr.get(&format!("service-{}", kind.code())),
            ),
            logo,
            key_rows,
            sections: homeward_i18n::missing_policy::parse_plain_text(&text)
                .into_iter()
                .map(|w| homeward_reports::PolicySection {
                    heading: format!("{}. {}", w.number, w.heading),
                    blocks: w
                        .blocks
                        .into_iter()
                        .map(|b| match b {
                            homeward_i18n::missing_policy::WrittenBlock::Para(p) => {
                                homeward_reports::PolicyBlock::Para(p)
                            }
                            homeward_i18n::missing_policy::WrittenBlock::List(l) => {
                                homeward_reports::PolicyBlock::List(l)
                            }
                        })
                        .collect(),
                })
                .collect(),
            footer: format!("{} · {}", org.name, tr.get("policy-footer")),
        };
        tokio::task::spawn_blocking(move || homeward_reports::policy(&doc))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(|e| AppError::Internal(e.to_string()))
    }
}

/// The most of the organisation's own sections a policy holds.
pub const MAX_OWN_SECTIONS: usize = 20;
/// The longest a local detail may be (a council's name, a phone number, a protocol's title).
const MAX_DETAIL_CHARS: usize = 300;
/// The longest an own section's heading and text may be.
const MAX_OWN_HEADING_CHARS: usize = 300;
const MAX_OWN_TEXT_CHARS: usize = 20_000;

/// What is wrong with local details, field by field, as the form names its fields: its own
/// sections are `own_after_N`, `own_heading_N` and `own_text_N` from 0.
pub fn details_problems(d: &PolicyDetails) -> Vec<crate::FieldError> {
    let mut problems = Vec::new();
    let mut problem = |field: String, message: &'static str| {
        problems.push(crate::FieldError { field, message });
    };
    for (field, value) in [
        ("local_authority", &d.local.local_authority),
        ("local_protocol", &d.local.local_protocol),
        ("emergency_duty_team", &d.local.emergency_duty_team),
        ("police_force", &d.local.police_force),
    ] {
        if value.chars().count() > MAX_DETAIL_CHARS {
            problem(field.into(), "error-policy-too-long");
        }
    }
    if !(1..=MAX_REVIEW_MONTHS).contains(&d.review_months) {
        problem("review_months".into(), "error-policy-review-months");
    }
    if d.own.len() > MAX_OWN_SECTIONS {
        problem("own_heading_0".into(), "error-policy-own-too-many");
    }
    for (n, o) in d.own.iter().enumerate().take(MAX_OWN_SECTIONS) {
        if !missing_policy::SECTIONS.contains(&o.after.as_str()) {
            problem(format!("own_after_{n}"), "error-policy-own-after");
        }
        if o.heading.trim().is_empty() {
            problem(format!("own_heading_{n}"), "error-policy-own-heading");
        } else if o.heading.chars().count() > MAX_OWN_HEADING_CHARS
            || o.heading_cy.chars().count() > MAX_OWN_HEADING_CHARS
        {
            problem(format!("own_heading_{n}"), "error-policy-too-long");
        }
        if o.text.trim().is_empty() {
            problem(format!("own_text_{n}"), "error-policy-own-text");
        } else if o.text.chars().count() > MAX_OWN_TEXT_CHARS
            || o.text_cy.chars().count() > MAX_OWN_TEXT_CHARS
        {
            problem(format!("own_text_{n}"), "error-policy-too-long");
        }
    }
    problems
}

/// Whether someone has signed what they must: the latest version marked as one everyone
/// signs, or any version after it.
pub fn has_signed(published: &[PublishedPolicy], signed_versions: &[i64]) -> bool {
    let Some(must) = published
        .iter()
        .filter(|p| p.material)
        .map(|p| p.version)
        .max()
    else {
        return true;
    };
    signed_versions.iter().any(|v| *v >= must)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(n: i64, material: bool) -> PublishedPolicy {
        PublishedPolicy {
            policy_id: PolicyId::new_random(),
            version: n,
            text_en: String::new(),
            text_cy: String::new(),
            content_hash: String::new(),
            material,
            change_note: String::new(),
            approved_by: homeward_domain::ids::UserId::new_random(),
            approved_by_label: String::new(),
            approved_at: jiff::Timestamp::UNIX_EPOCH,
            review_by: jiff::civil::date(2027, 1, 1),
        }
    }

    #[test]
    fn a_material_change_asks_everyone_to_sign_again_and_a_minor_one_does_not() {
        let v = [version(3, false), version(2, true), version(1, true)];
        assert!(!has_signed(&v, &[1]));
        assert!(has_signed(&v, &[2]));
        assert!(has_signed(&v, &[3]));
        assert!(!has_signed(&v, &[]));
        assert!(has_signed(&[], &[]));
    }

    #[test]
    fn the_hash_covers_both_languages() {
        assert_ne!(content_hash("a", "b"), content_hash("a", "c"));
        assert_ne!(content_hash("ab", ""), content_hash("a", "b"));
        assert_eq!(content_hash("a", "b").len(), 64);
    }
}
