//! Access for partners: a provider's manager gives a partner organisation (police, a local
//! authority, a return-interview service) access to one person or one episode, for a purpose,
//! to some sections, until a time; each grant is a disclosure, recorded with it. Partners see
//! only what their live grants cover, chosen in the query, and every look they take leaves a
//! receipt in the provider's own audit trail.

use crate::actor::require;
use crate::policy::Action;
use crate::{Actor, App, AppError, AppResult, FieldError, RequestMeta};
use homeward_domain::access;
use homeward_domain::audit::{AuditEvent, Outcome};
use homeward_domain::disclosure::{self, Disclosure};
use homeward_domain::episode::{EventRecord, Occurred};
use homeward_domain::forms::{DocKind, Document};
use homeward_domain::ids::{EpisodeId, OrgId, PersonId};
use homeward_store::{
    AuditQuery, DisclosureRecord, EpisodeSummary, Grant, GrantEnding, Organisation, Person,
};
use jiff::Timestamp;

/// What a manager fills in to give access.
#[derive(Clone, Debug, Default)]
pub struct GrantInput {
    pub partner: Option<OrgId>,
    /// Only this episode of the person's, if given.
    pub episode: Option<EpisodeId>,
    pub purpose: String,
    pub sections: Vec<String>,
    /// When it ends (30 days from now, at most and if not given).
    pub ends: Option<Timestamp>,
    /// Why, lawful basis, consent, concern and what the person was told: the disclosure.
    pub disclosure: Disclosure,
}

/// A grant as the provider's page lists it.
#[derive(Clone, Debug)]
pub struct GrantLine {
    pub grant: Grant,
    pub partner_name: String,
    pub live: bool,
}

/// A look a partner took, as the provider sees it.
#[derive(Clone, Debug)]
pub struct Receipt {
    pub at: Timestamp,
    pub who: String,
    pub what: String,
}

/// A use of emergency access as the review list shows it.
#[derive(Clone, Debug)]
pub struct EmergencyLine {
    pub line: GrantLine,
    /// Whose record: their name.
    pub name: String,
    pub review: Option<homeward_store::GrantReview>,
}

/// The most live grants a partner's list shows: a placing authority's children and the
/// episodes shared with a force are far fewer.
pub const SHARED_MOST: i64 = 1_000;

/// A grant as the partner's list shows it.
#[derive(Clone, Debug)]
pub struct SharedLine {
    pub grant: Grant,
    pub person: Person,
    pub provider_name: String,
}

/// What a partner sees through one grant: only the sections it covers.
#[derive(Clone, Debug)]
pub struct SharedRecord {
    pub grant: Grant,
    pub person: Person,
    pub provider_name: String,
    /// The information form, if the grant covers it or the police pack.
    pub profile: Option<Document>,
    /// The risk assessment and the missing plan, if the grant covers them.
    pub risk: Option<Document>,
    pub plan: Option<Document>,
    /// The episode's chronology, if the grant covers it: the granted episode, or the
    /// person's open one.
    pub episode: Option<(EpisodeSummary, Vec<EventRecord>)>,
}

impl App {
    /// Every organisation's name by its id: to name providers and partners on lists.
    pub(crate) async fn organisation_names(
        &self,
    ) -> AppResult<std::collections::HashMap<OrgId, String>> {
        Ok(self
            .store
            .list_organisations()
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect())
    }

    /// The partner organisations a grant can go to, by name.
    pub async fn partner_organisations(&self, actor: &Actor) -> AppResult<Vec<Organisation>> {
        require(actor, Action::GiveAccess)?;
        Ok(self
            .store
            .list_organisations()
            .await?
            .into_iter()
            // Inspectors read under an inspection, not through grants.
            .filter(|o| access::is_partner_kind(&o.kind) && o.kind != "inspectorate")
            .collect())
    }

    /// Gives a partner access to a person (or one of their episodes), recording the
    /// disclosure with it. Needs the code from the authenticator app entered in the last
    /// minutes. Refused, each problem named, when the partner, purpose, sections, end or
    /// disclosure is wrong; an adult's information without consent needs the safeguarding
    /// concern written down.
    pub async fn give_access(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        person: PersonId,
        input: &GrantInput,
    ) -> AppResult<uuid::Uuid> {
        let now = self.clock.now();
        let problems = access::problems(&input.purpose, &input.sections, now, input.ends);
        self.share_access(
            actor,
            meta,
            person,
            input,
            |kind| access::is_partner_kind(kind) && kind != "inspectorate",
            problems,
            access::ends_at(now, input.ends),
        )
        .await
    }

    /// The worker's sweep: ends, a day after their episode closed, grants for closed episodes
    /// still running (a grant given as the episode closed, or one whose ending could not be
    /// written at the close). Returns how many.
    pub async fn end_closed_access(&self) -> AppResult<u64> {
        Ok(self
            .store
            .end_access_of_closed_episodes(self.clock.now())
            .await?)
    }

    /// Links a child's (or adult's) placing authority to their record: a standing grant of
    /// every section to that local authority, until the provider ends it. Its social workers
    /// then see the person among what is shared with them, whichever provider made the link.
    /// Recorded as a disclosure, like any grant, and asks for the code again.
    pub async fn link_placing_authority(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        person: PersonId,
        authority: Option<OrgId>,
        disclosure: &Disclosure,
    ) -> AppResult<uuid::Uuid> {
        let mut d = disclosure.clone();
        if d.purpose.trim().is_empty() {
            d.purpose = "They place this person with us".into();
        }
        let input = GrantInput {
            partner: authority,
            episode: None,
            purpose: access::PLACING.into(),
            sections: access::SECTIONS.iter().map(|s| s.to_string()).collect(),
            ends: None,
            disclosure: d,
        };
        let now = self.clock.now();
        self.share_access(
            actor,
            meta,
            person,
            &input,
            |kind| kind == "local_authority",
            Vec::new(),
            access::placing_ends_at(now),
        )
        .await
    }

    /// Gives access as asked once the grant's own `problems` are known: checks the partner
    /// (of a kind `partner_kind` allows) and the disclosure, then writes the grant and its
    /// disclosure together.
    #[allow(clippy::too_many_arguments)]
    async fn share_access(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        person: PersonId,
        input: &GrantInput,
        partner_kind: impl Fn(&str) -> bool,
        grant_problems: Vec<(&'static str, &'static str)>,
        ends_at: Timestamp,
    ) -> AppResult<uuid::Uuid> {
        let found = self.person_for(actor, Action::GiveAccess, person).await?;
        self.require_recent_second_factor(actor).await?;
        let now = self.clock.now();
        let partner = match input.partner {
            Some(id) => self
                .store
                .get_organisation(id)
                .await?
                .filter(|o| partner_kind(&o.kind)),
            None => None,
        };
        let mut problems: Vec<FieldError> = Vec::new();
        if partner.is_none() {
            problems.push(FieldError {
                field: "partner".into(),
                message: "error-grant-partner",
            });
        }
        let mut d = input.disclosure.clone();
        d.what = format!("Access in Homeward: {}", input.sections.join(", "));
        d.recipient = partner.as_ref().map(|p| p.name.clone()).unwrap_or_default();
        for (field, message) in grant_problems.into_iter().chain(
            disclosure::problems(&d, found.kind)
                .into_iter()
                .filter(|(f, _)| *f != "recipient" && *f != "what"),
        ) {
            problems.push(FieldError {
                field: field.to_string(),
                message,
            });
        }
        let Some(partner) = partner.filter(|_| problems.is_empty()) else {
            return Err(AppError::Invalid(problems));
        };
        let disclosure_id = uuid::Uuid::new_v4();
        let grant = Grant {
            id: uuid::Uuid::new_v4(),
            org_id: found.org_id,
            partner_org_id: partner.id,
            person_id: found.id,
            episode_id: input.episode,
            purpose: input.purpose.clone(),
            reason: input.disclosure.purpose.trim().into(),
            sections: input.sections.clone(),
            granted_by: Some(actor.user.id),
            granted_by_label: actor.user.display_name.clone(),
            granted_at: now,
            ends_at,
            disclosure_id,
            ended: None,
        };
        let record = DisclosureRecord {
            id: disclosure_id,
            org_id: found.org_id,
            service_id: found.service_id,
            person_id: found.id,
            shared: Occurred::in_london(now),
            recorded_at: now,
            decided_by: Some(actor.user.id),
            decided_by_label: actor.user.display_name.clone(),
            kind: "grant".into(),
            disclosure: d,
        };
        let e = actor.event(
            now,
            meta,
            "grant.give",
            "person",
            Some(format!("{person}: to {}", partner.name)),
            Outcome::Allowed,
        );
        match self.store.give_access(&grant, &record, &e).await {
            Ok(()) => Ok(grant.id),
            Err(homeward_store::StoreError::Conflict(_)) => {
                Err(AppError::invalid("episode", "error-grant-episode"))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Ends a grant at once, with the reason. Not found if it is not this person's, or has
    /// already ended.
    pub async fn revoke_access(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        person: PersonId,
        grant: uuid::Uuid,
        reason: &str,
    ) -> AppResult<()> {
        let found = self.person_for(actor, Action::GiveAccess, person).await?;
        if reason.trim().is_empty() {
            return Err(AppError::invalid("reason", "error-grant-revoke-reason"));
        }
        let ours = self
            .store
            .grants_of_person(found.org_id, found.id)
            .await?
            .into_iter()
            .any(|g| g.id == grant);
        if !ours {
            return Err(AppError::NotFound);
        }
        let now = self.clock.now();
        let ending = GrantEnding {
            at: now,
            by: Some(actor.user.id),
            by_label: actor.user.display_name.clone(),
            reason: reason.trim().into(),
        };
        let e = actor.event(
            now,
            meta,
            "grant.revoke",
            "person",
            Some(format!("{person}: grant {grant}")),
            Outcome::Allowed,
        );
        if self
            .store
            .end_access(found.org_id, grant, &ending, &e)
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// Every grant given for a person, latest first, and the looks partners took. Audited.
    pub async fn person_grants(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        person: PersonId,
    ) -> AppResult<(Vec<GrantLine>, Vec<Receipt>)> {
        let found = self.person_for(actor, Action::ViewGrants, person).await?;
        let now = self.clock.now();
        self.store
            .record_audit(&actor.event(
                now,
                meta,
                "grant.list",
                "person",
                Some(person.to_string()),
                Outcome::Allowed,
            ))
            .await?;
        let names = self.organisation_names().await?;
        let lines = self
            .store
            .grants_of_person(found.org_id, found.id)
            .await?
            .into_iter()
            .map(|g| GrantLine {
                partner_name: names.get(&g.partner_org_id).cloned().unwrap_or_default(),
                live: g.is_live(now),
                grant: g,
            })
            .collect();
        let receipts = self
            .store
            .audit_search(
                found.org_id,
                &AuditQuery {
                    record: Some(person.to_string()),
                    kind: Some("person".into()),
                    action: Some("grant.receipt".into()),
                    limit: 200,
                    ..AuditQuery::default()
                },
            )
            .await?
            .into_iter()
            .map(|r| Receipt {
                at: r.event.at,
                who: r.event.actor_label,
                what: r.event.resource_id.unwrap_or_default(),
            })
            .collect();
        Ok((lines, receipts))
    }

    /// What has been shared with the actor's organisation and is live now. Partners only.
    pub async fn shared_with_me(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
    ) -> AppResult<Vec<SharedLine>> {
        require(actor, Action::UseGrants)?;
        let now = self.clock.now();
        self.store
            .record_audit(&actor.event(
                now,
                meta,
                "grant.shared_list",
                "grant",
                None,
                Outcome::Allowed,
            ))
            .await?;
        let names = self.organisation_names().await?;
        Ok(self
            .store
            .live_grants(actor.org_id(), now, SHARED_MOST)
            .await?
            .into_iter()
            .map(|(grant, person)| SharedLine {
                provider_name: names.get(&grant.org_id).cloned().unwrap_or_default(),
                grant,
                person,
            })
            .collect())
    }

    /// One shared record, only as far as the grant covers, while it is live. Audited in the
    /// partner's trail, with a receipt in the provider's.
    pub async fn shared_record(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        grant: uuid::Uuid,
    ) -> AppResult<SharedRecord> {
        require(actor, Action::UseGrants)?;
        let (grant, person, partner_name) = self
            .through_grant(actor, meta, grant, None, grant.to_string())
            .await?;
        let provider_name = self
            .store
            .get_organisation(grant.org_id)
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        // Under which grant, too: its purpose and id.
        let what = format!(
            "{}: {} (grant {}, {})",
            person.id,
            grant.sections.join(", "),
            grant.id,
            grant.purpose
        );
        self.read_with_receipt(actor, meta, &grant, &partner_name, what)
            .await?;
        let profile = if grant.covers("information_form") || grant.covers("police_pack") {
            self.store
                .latest_document(grant.org_id, person.id, DocKind::Profile)
                .await?
                .map(|v| v.document)
        } else {
            None
        };
        let covered = |section: &str, kind: DocKind| {
            let wanted = grant.covers(section);
            let (org, person) = (grant.org_id, person.id);
            async move {
                Ok::<_, AppError>(if wanted {
                    self.store
                        .latest_document(org, person, kind)
                        .await?
                        .map(|v| v.document)
                } else {
                    None
                })
            }
        };
        let risk = covered("risk_assessment", DocKind::RiskAssessment).await?;
        let plan = covered("missing_plan", DocKind::MissingPlan).await?;
        let episode = if grant.covers("chronology") {
            let id = match grant.episode_id {
                Some(id) => Some(id),
                None => self.store.open_episode_of(grant.org_id, person.id).await?,
            };
            match id {
                Some(id) => self.store.episode(grant.org_id, id).await?,
                None => None,
            }
        } else {
            None
        };
        Ok(SharedRecord {
            grant,
            person,
            provider_name,
            profile,
            risk,
            plan,
            episode,
        })
    }

    /// A grant of the actor's organisation live now (covering `section`, if given), with its
    /// person and the actor's organisation's name. Anything else is not found, and the refusal
    /// is audited under `asked`.
    async fn through_grant(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        grant: uuid::Uuid,
        section: Option<&str>,
        asked: String,
    ) -> AppResult<(Grant, Person, String)> {
        let now = self.clock.now();
        let Some((grant, person)) = self
            .store
            .person_through_grant(actor.org_id(), grant, now)
            .await?
            .filter(|(g, _)| section.is_none_or(|s| g.covers(s)))
        else {
            self.store
                .record_audit(&actor.event(
                    now,
                    meta,
                    "grant.read",
                    "grant",
                    Some(asked),
                    Outcome::Denied,
                ))
                .await?;
            return Err(AppError::NotFound);
        };
        let partner_name = self
            .store
            .get_organisation(actor.org_id())
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        Ok((grant, person, partner_name))
    }

    /// Records a partner's read in their own trail and, as the receipt, in the provider's,
    /// naming who and from which organisation.
    async fn read_with_receipt(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        grant: &Grant,
        partner_name: &str,
        what: String,
    ) -> AppResult<()> {
        let now = self.clock.now();
        self.store
            .record_audit(&actor.event(
                now,
                meta,
                "grant.read",
                "person",
                Some(what.clone()),
                Outcome::Allowed,
            ))
            .await?;
        self.store
            .record_audit(&AuditEvent {
                at: now,
                org_id: Some(grant.org_id),
                actor: Some(actor.user.id),
                actor_label: format!("{} ({partner_name})", actor.user.email),
                action: "grant.receipt".into(),
                resource_kind: "person".into(),
                resource_id: Some(what),
                outcome: Outcome::Allowed,
                ip: meta.ip.clone(),
            })
            .await?;
        Ok(())
    }

    /// The police pack as a PDF, for a partner whose live grant covers the pack's details:
    /// named in its footer, with a receipt for the provider. Not found otherwise.
    pub async fn shared_pack(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        grant: uuid::Uuid,
        locale: homeward_domain::locale::Locale,
    ) -> AppResult<Vec<u8>> {
        require(actor, Action::UseGrants)?;
        let now = self.clock.now();
        let (grant, person, partner_name) = self
            .through_grant(
                actor,
                meta,
                grant,
                Some("police_pack"),
                format!("{grant}: police pack"),
            )
            .await?;
        self.read_with_receipt(
            actor,
            meta,
            &grant,
            &partner_name,
            format!(
                "{}: police pack PDF (grant {}, {})",
                person.id, grant.id, grant.purpose
            ),
        )
        .await?;
        let episode = self.open_episode_view(grant.org_id, &person).await?;
        let view = self.person_view(person).await?;
        let made = AuditEvent {
            at: now,
            org_id: Some(grant.org_id),
            actor: Some(actor.user.id),
            actor_label: format!("{} ({partner_name})", actor.user.email),
            action: "person.police_pack".into(),
            resource_kind: "person".into(),
            resource_id: Some(view.person.id.to_string()),
            outcome: Outcome::Allowed,
            ip: meta.ip.clone(),
        };
        self.pack_of(
            view,
            locale,
            episode,
            &format!("{} ({partner_name})", actor.user.display_name),
            made,
        )
        .await
    }

    /// The person's open episode as the police pack shows it, if they are missing now.
    async fn open_episode_view(
        &self,
        org: OrgId,
        person: &Person,
    ) -> AppResult<Option<crate::episodes::EpisodeView>> {
        let Some(id) = self.store.open_episode_of(org, person.id).await? else {
            return Ok(None);
        };
        let Some((summary, events)) = self.store.episode(org, id).await? else {
            return Ok(None);
        };
        let state = homeward_domain::episode::derive(&events)
            .map_err(|r| AppError::Internal(format!("stored chronology does not derive: {r:?}")))?;
        Ok(Some(
            self.episode_view_of(summary, events, person.clone(), state)
                .await?,
        ))
    }

    /// The entries someone from a partner may add, by kind.
    pub fn partner_entry_kinds(&self, actor: &Actor) -> Vec<&'static str> {
        const KINDS: [&str; 10] = [
            "reported_to_police",
            "police_graded",
            "sighting",
            "located",
            "safe_and_well_check",
            "return_interview_offered",
            "return_interview_declined",
            "return_interview_held",
            "strategy_discussion",
            "referral",
        ];
        KINDS
            .into_iter()
            .filter(|k| actor.roles().any(|r| access::partner_may_record(r, k)))
            .collect()
    }

    /// Adds an entry to the chronology a grant opens, as someone from the partner: only the
    /// kinds their role records, only while the grant is live and covers the chronology, and
    /// only to the granted episode (or the person's open one). The entry names them and their
    /// organisation, and is audited in both organisations' trails.
    pub async fn record_shared_event(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        grant: uuid::Uuid,
        when: Option<Timestamp>,
        event: homeward_domain::episode::Event,
    ) -> AppResult<EventRecord> {
        require(actor, Action::UseGrants)?;
        if !actor
            .roles()
            .any(|r| access::partner_may_record(r, event.kind()))
        {
            return Err(AppError::Forbidden);
        }
        let now = self.clock.now();
        let Some((grant, person)) = self
            .store
            .person_through_grant(actor.org_id(), grant, now)
            .await?
        else {
            return Err(AppError::NotFound);
        };
        if !grant.covers("chronology") {
            return Err(AppError::Forbidden);
        }
        let episode = match grant.episode_id {
            Some(id) => Some(id),
            None => self.store.open_episode_of(grant.org_id, person.id).await?,
        };
        let Some((summary, events)) = (match episode {
            Some(id) => self.store.episode(grant.org_id, id).await?,
            None => None,
        }) else {
            return Err(AppError::invalid("event", "error-shared-no-episode"));
        };
        let partner_name = self
            .store
            .get_organisation(actor.org_id())
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        let writer = crate::episodes::Writer {
            org: grant.org_id,
            label: format!("{} ({partner_name})", actor.user.email),
        };
        let record = self
            .append_event(actor, meta, &writer, (summary, events, person), when, event)
            .await?;
        self.store
            .record_audit(&actor.event(
                now,
                meta,
                "grant.record",
                "episode",
                Some(format!("{} #{}", record.event.kind(), record.seq)),
                Outcome::Allowed,
            ))
            .await?;
        Ok(record)
    }

    /// The providers emergency access can reach, by name.
    pub async fn providers(&self, actor: &Actor) -> AppResult<Vec<Organisation>> {
        require(actor, Action::BreakGlass)?;
        Ok(self
            .store
            .list_organisations()
            .await?
            .into_iter()
            .filter(|o| o.kind == "provider")
            .collect())
    }

    /// Emergency access (break-glass) for police: someone missing now, found by their names
    /// (and date of birth, if known) at a provider, opens the police pack's details for four
    /// hours. The reason is required; the code from the authenticator app must have been
    /// entered in the last minutes. It is a disclosure, an entry in the provider's
    /// chronology (which pages their on-call chain at once), and a line on their review
    /// list.
    pub async fn break_glass(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        input: &BreakGlassInput,
    ) -> AppResult<uuid::Uuid> {
        require(actor, Action::BreakGlass)?;
        self.require_recent_second_factor(actor).await?;
        let now = self.clock.now();
        let mut problems = Vec::new();
        let mut problem = |field: &str, message: &'static str| {
            problems.push(FieldError {
                field: field.into(),
                message,
            })
        };
        let provider = match input.provider {
            Some(id) => self
                .store
                .get_organisation(id)
                .await?
                .filter(|o| o.kind == "provider"),
            None => None,
        };
        if provider.is_none() {
            problem("provider", "error-break-glass-provider");
        }
        if input.given_name.trim().is_empty() || input.family_name.trim().is_empty() {
            problem("given_name", "error-break-glass-name");
        }
        if input.reason.trim().is_empty() {
            problem("reason", "error-break-glass-reason");
        }
        if input.reason.chars().count() > disclosure::LONGEST {
            problem("reason", "error-too-long");
        }
        let Some(provider) = provider.filter(|_| problems.is_empty()) else {
            return Err(AppError::Invalid(problems));
        };
        let Some((person, episode)) = self
            .store
            .missing_person_named(
                provider.id,
                &input.given_name,
                &input.family_name,
                input.born,
            )
            .await?
        else {
            self.store
                .record_audit(&actor.event(
                    now,
                    meta,
                    "grant.break_glass",
                    "organisation",
                    Some(format!("{}: no one missing by that name", provider.id)),
                    Outcome::Denied,
                ))
                .await?;
            return Err(AppError::invalid(
                "given_name",
                "error-break-glass-not-found",
            ));
        };
        let force = self
            .store
            .get_organisation(actor.org_id())
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        let label = format!("{} ({force})", actor.user.email);
        let reason = input.reason.trim().to_string();
        let disclosure_id = uuid::Uuid::new_v4();
        let grant = Grant {
            id: uuid::Uuid::new_v4(),
            org_id: provider.id,
            partner_org_id: actor.org_id(),
            person_id: person.id,
            episode_id: Some(episode),
            purpose: "break_glass".into(),
            reason: reason.clone(),
            sections: access::EMERGENCY_SECTIONS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            granted_by: Some(actor.user.id),
            granted_by_label: label.clone(),
            granted_at: now,
            ends_at: now + access::EMERGENCY,
            disclosure_id,
            ended: None,
        };
        let record = DisclosureRecord {
            id: disclosure_id,
            org_id: provider.id,
            service_id: person.service_id,
            person_id: person.id,
            shared: Occurred::in_london(now),
            recorded_at: now,
            decided_by: Some(actor.user.id),
            decided_by_label: label.clone(),
            kind: "break_glass".into(),
            disclosure: Disclosure {
                what: "Emergency access in Homeward: the police pack's details".into(),
                recipient: force.clone(),
                purpose: reason.clone(),
                lawful_basis: "vital_interests".into(),
                condition: "safeguarding".into(),
                consent: "not_asked".into(),
                concern: reason.clone(),
                told_person: String::new(),
            },
        };
        // In the provider's trail, naming the officer and their force.
        let audit = AuditEvent {
            at: now,
            org_id: Some(provider.id),
            actor: Some(actor.user.id),
            actor_label: label.clone(),
            action: "grant.break_glass".into(),
            resource_kind: "person".into(),
            resource_id: Some(person.id.to_string()),
            outcome: Outcome::Allowed,
            ip: meta.ip.clone(),
        };
        self.store.give_access(&grant, &record, &audit).await?;
        self.store
            .record_audit(&actor.event(
                now,
                meta,
                "grant.break_glass",
                "grant",
                Some(grant.id.to_string()),
                Outcome::Allowed,
            ))
            .await?;
        // The entry that pages the provider's on-call chain.
        if let Some((summary, events)) = self.store.episode(provider.id, episode).await? {
            let writer = crate::episodes::Writer {
                org: provider.id,
                label,
            };
            self.append_event(
                actor,
                meta,
                &writer,
                (summary, events, person),
                None,
                homeward_domain::episode::Event::EmergencyAccess { reason },
            )
            .await?;
        }
        Ok(grant.id)
    }

    /// Every use of emergency access to the organisation's records (of people in the actor's
    /// homes), latest first, with its review if it has had one: the review list. Audited.
    pub async fn emergency_review(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
    ) -> AppResult<Vec<EmergencyLine>> {
        require(actor, Action::ViewGrants)?;
        let now = self.clock.now();
        self.store
            .record_audit(&actor.event(now, meta, "grant.review", "grant", None, Outcome::Allowed))
            .await?;
        let names = self.organisation_names().await?;
        let homes = actor.scope_for(Action::ViewGrants);
        Ok(self
            .store
            .emergency_grants(actor.org_id(), homes.as_deref(), 200)
            .await?
            .into_iter()
            .map(|u| EmergencyLine {
                name: format!("{} {}", u.given_name, u.family_name),
                line: GrantLine {
                    partner_name: names
                        .get(&u.grant.partner_org_id)
                        .cloned()
                        .unwrap_or_default(),
                    live: u.grant.is_live(now),
                    grant: u.grant,
                },
                review: u.review,
            })
            .collect())
    }

    /// Records a manager's review of a use of emergency access: justified or not, and what
    /// they found. Once only; refused, each problem named, without an outcome or notes.
    pub async fn review_emergency(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        grant: uuid::Uuid,
        outcome: &str,
        notes: &str,
    ) -> AppResult<()> {
        require(actor, Action::GiveAccess)?;
        let mut problems = Vec::new();
        if !access::REVIEW_OUTCOMES.contains(&outcome) {
            problems.push(FieldError {
                field: format!("outcome-{grant}"),
                message: "error-review-outcome",
            });
        }
        if notes.trim().is_empty() {
            problems.push(FieldError {
                field: format!("notes-{grant}"),
                message: "error-review-notes",
            });
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let homes = actor.scope_for(Action::GiveAccess);
        let now = self.clock.now();
        let review = homeward_store::GrantReview {
            at: now,
            by: Some(actor.user.id),
            by_label: actor.user.display_name.clone(),
            outcome: outcome.into(),
            notes: notes.trim().into(),
        };
        let e = actor.event(
            now,
            meta,
            "grant.reviewed",
            "grant",
            Some(format!("{grant}: {outcome}")),
            Outcome::Allowed,
        );
        // Only a use of the actor's homes' records, chosen in the query. Reviewed already (a
        // second click, or a colleague first): the first review stands, and the list shows it.
        match self
            .store
            .review_emergency(actor.org_id(), homes.as_deref(), grant, &review, &e)
            .await?
        {
            Some(_) => Ok(()),
            None => Err(AppError::NotFound),
        }
    }
}

/// What an officer gives to use emergency access.
#[derive(Clone, Debug, Default)]
pub struct BreakGlassInput {
    pub provider: Option<OrgId>,
    pub given_name: String,
    pub family_name: String,
    pub born: Option<jiff::civil::Date>,
    pub reason: String,
}

/// What someone fills in to send the police pack as a link.
#[derive(Clone, Debug, Default)]
pub struct PackLinkInput {
    /// Who it is for: their name and force.
    pub recipient: String,
    /// How many hours it works (4 if not given; 12 at most).
    pub hours: Option<i64>,
    /// Why, lawful basis, consent, concern and what the person was told.
    pub disclosure: Disclosure,
}

/// A link as made: shown once, the code to be given by phone.
#[derive(Clone, Debug)]
pub struct PackLinkMade {
    pub token: String,
    pub code: String,
    pub expires_at: Timestamp,
}

/// What opening a link gives.
#[derive(Clone, Debug)]
pub enum PackOpened {
    Pdf(Vec<u8>),
    /// The code was wrong: this many tries are left.
    WrongCode(i64),
    /// Opened already, expired, tried too often, or no such link.
    Gone,
}

fn pack_code() -> AppResult<String> {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(format!("{:06}", u32::from_le_bytes(bytes) % 1_000_000))
}

fn pack_code_hash(token: &str, code: &str) -> String {
    crate::secrets::token_hash(&format!("{token}:{}", code.trim()))
}

impl App {
    /// Makes a link to a person's police pack that works once, for a named recipient, with a
    /// 6-digit code to give them by phone, for a few hours. A disclosure, recorded with it.
    pub async fn send_pack_link(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        person: PersonId,
        input: &PackLinkInput,
    ) -> AppResult<PackLinkMade> {
        let found = self
            .person_for(actor, Action::RecordDisclosures, person)
            .await?;
        self.require_recent_second_factor(actor).await?;
        let now = self.clock.now();
        let mut d = input.disclosure.clone();
        d.what = "The police pack, as a link that works once".into();
        d.recipient = input.recipient.trim().into();
        let mut problems: Vec<FieldError> = disclosure::problems(&d, found.kind)
            .into_iter()
            .map(|(field, message)| FieldError {
                field: field.to_string(),
                message,
            })
            .collect();
        let hours = input.hours.unwrap_or(access::PACK_LINK_USUAL_HOURS);
        if !(1..=access::PACK_LINK_LONGEST_HOURS).contains(&hours) {
            problems.push(FieldError {
                field: "hours".into(),
                message: "error-pack-link-hours",
            });
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let token =
            crate::secrets::random_token().map_err(|e| AppError::Internal(e.to_string()))?;
        let code = pack_code()?;
        let disclosure_id = uuid::Uuid::new_v4();
        let expires_at = now + jiff::SignedDuration::from_hours(hours);
        let link = homeward_store::PackLink {
            id: uuid::Uuid::new_v4(),
            token_hash: crate::secrets::token_hash(&token),
            code_hash: pack_code_hash(&token, &code),
            org_id: found.org_id,
            person_id: found.id,
            recipient: d.recipient.clone(),
            created_by: Some(actor.user.id),
            created_by_label: actor.user.display_name.clone(),
            created_at: now,
            expires_at,
            disclosure_id,
        };
        let record = DisclosureRecord {
            id: disclosure_id,
            org_id: found.org_id,
            service_id: found.service_id,
            person_id: found.id,
            shared: Occurred::in_london(now),
            recorded_at: now,
            decided_by: Some(actor.user.id),
            decided_by_label: actor.user.display_name.clone(),
            kind: "pack_link".into(),
            disclosure: d,
        };
        let e = actor.event(
            now,
            meta,
            "pack_link.create",
            "person",
            Some(format!("{person}: for {}", link.recipient)),
            Outcome::Allowed,
        );
        self.store.create_pack_link(&link, &record, &e).await?;
        Ok(PackLinkMade {
            token,
            code,
            expires_at,
        })
    }

    /// Opens a link with its code: the police pack (with the episode, if they are missing
    /// now), once. Every attempt is recorded in the provider's trail; five wrong codes, an
    /// opening already made or the time passing end it.
    pub async fn open_pack_link(
        &self,
        token: &str,
        code: &str,
        meta: &RequestMeta,
        locale: homeward_domain::locale::Locale,
    ) -> AppResult<PackOpened> {
        let Some((link, tries)) = self
            .store
            .pack_link(&crate::secrets::token_hash(token))
            .await?
        else {
            return Ok(PackOpened::Gone);
        };
        let now = self.clock.now();
        let event = |action: &str, outcome: Outcome| AuditEvent {
            at: now,
            org_id: Some(link.org_id),
            actor: None,
            actor_label: format!("link for {}", link.recipient),
            action: action.into(),
            resource_kind: "person".into(),
            resource_id: Some(link.person_id.to_string()),
            outcome,
            ip: meta.ip.clone(),
        };
        let ip = meta.ip.as_deref();
        if tries.opened || now >= link.expires_at || tries.wrong_codes >= access::PACK_LINK_TRIES {
            self.store
                .record_pack_attempt(
                    link.id,
                    now,
                    "refused",
                    ip,
                    &event("pack_link.refused", Outcome::Denied),
                )
                .await?;
            return Ok(PackOpened::Gone);
        }
        if pack_code_hash(token, code) != link.code_hash {
            self.store
                .record_pack_attempt(
                    link.id,
                    now,
                    "wrong_code",
                    ip,
                    &event("pack_link.wrong_code", Outcome::Denied),
                )
                .await?;
            let left = access::PACK_LINK_TRIES - tries.wrong_codes - 1;
            return Ok(if left > 0 {
                PackOpened::WrongCode(left)
            } else {
                PackOpened::Gone
            });
        }
        if !self
            .store
            .record_pack_attempt(
                link.id,
                now,
                "opened",
                ip,
                &event("pack_link.open", Outcome::Allowed),
            )
            .await?
        {
            return Ok(PackOpened::Gone);
        }
        let person = self
            .store
            .get_person(link.org_id, link.person_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let episode = self.open_episode_view(link.org_id, &person).await?;
        let view = self.person_view(person).await?;
        let pdf = self
            .pack_of(
                view,
                locale,
                episode,
                &link.recipient,
                event("person.police_pack", Outcome::Allowed),
            )
            .await?;
        Ok(PackOpened::Pdf(pdf))
    }
}
