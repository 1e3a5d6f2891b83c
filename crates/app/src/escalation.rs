//! Paging and the outbox: the on-call rota per service, the escalation pass that pages whoever
//! is due (writing each page and its email in one transaction), acknowledgements, and the
//! sender that drains the outbox with retries and backoff.

use crate::actor::require;
use crate::episodes::summary_of;
use crate::policy::Action;
use crate::{Actor, App, AppError, AppResult, FieldError, RequestMeta};
use homeward_domain::audit::{AuditEvent, Outcome};
use homeward_domain::duties;
use homeward_domain::episode::{self, Event, EventRecord, Occurred};
use homeward_domain::escalation::{Contact, Page, Rota, pages_due};
use homeward_domain::forms::DocKind;
use homeward_domain::ids::{EpisodeId, OrgId, ServiceId, UserId};
use homeward_domain::role::Role;
use homeward_mail::Mailer;
use homeward_store::{OutboxMessage, RotaVersion, StoreError};
use jiff::{SignedDuration, Timestamp};

/// The label pages carry in the chronology: nobody typed them.
const SYSTEM: &str = "Homeward";
/// After this many tries a message stays undelivered, for a manager to see.
pub const MAX_TRIES: i64 = 8;

/// How long to wait before try number `n` (1-based) again: 1, 2, 4… minutes, at most an hour.
pub fn backoff(tries: i64) -> SignedDuration {
    SignedDuration::from_mins(1_i64 << tries.clamp(0, 6)).min(SignedDuration::from_hours(1))
}

fn system_event(org: OrgId, at: Timestamp, action: &str, id: Option<String>) -> AuditEvent {
    AuditEvent {
        at,
        org_id: Some(org),
        actor: None,
        actor_label: SYSTEM.into(),
        action: action.into(),
        resource_kind: "episode".into(),
        resource_id: id,
        outcome: Outcome::Allowed,
        ip: None,
    }
}

/// A page waiting for the actor to acknowledge it.
#[derive(Clone, Debug)]
pub struct PageForYou {
    pub episode: EpisodeId,
    pub person: String,
    /// The page's entry in the chronology.
    pub seq: i64,
    pub reason: homeward_domain::escalation::PageReason,
    pub at: Timestamp,
}

/// A rota as an admin sends it: who, from when, to when.
#[derive(Clone, Debug)]
pub struct RotaInput {
    pub shifts: Vec<(UserId, Timestamp, Timestamp)>,
    pub default_user: Option<UserId>,
    pub escalate_after_minutes: i64,
}

impl App {
    /// A service's rota in force (version 0 and an empty rota if none has been set).
    pub async fn service_rota(&self, actor: &Actor, service: ServiceId) -> AppResult<(i64, Rota)> {
        require(actor, Action::ViewOnCall)?;
        if !actor.can_in(Action::ViewOnCall, service) {
            return Err(AppError::NotFound);
        }
        self.known_service(actor.org_id(), service).await?;
        Ok(self
            .store
            .latest_rota(actor.org_id(), service)
            .await?
            .map_or((0, Rota::default()), |v| (v.version, v.rota)))
    }

    async fn known_service(&self, org: OrgId, service: ServiceId) -> AppResult<()> {
        let services = self.store.list_services(org).await?;
        if services.iter().any(|s| s.id == service) {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// Sets a service's rota as the next version. Everyone on it must be an active account in
    /// the organisation.
    pub async fn save_rota(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        service: ServiceId,
        input: RotaInput,
        based_on: i64,
    ) -> AppResult<i64> {
        require(actor, Action::ManageOnCall)?;
        if !actor.can_in(Action::ViewOnCall, service) {
            return Err(AppError::NotFound);
        }
        if !actor.can_in(Action::ManageOnCall, service) {
            return Err(AppError::Forbidden);
        }
        self.known_service(actor.org_id(), service).await?;
        let now = self.clock.now();
        let audit = actor.event(now, meta, "user.list", "user", None, Outcome::Allowed);
        let users = self.store.list_users(actor.org_id(), &audit).await?;
        let mut problems = Vec::new();
        let mut contact = |user: UserId, path: String| -> Option<Contact> {
            match users.iter().find(|u| u.user.id == user && u.user.active) {
                Some(u) => Some(Contact {
                    user,
                    label: u.user.display_name.clone(),
                }),
                None => {
                    problems.push(FieldError {
                        field: path,
                        message: "error-rota-unknown-user",
                    });
                    None
                }
            }
        };
        let shifts: Vec<_> = input
            .shifts
            .iter()
            .enumerate()
            .filter_map(|(i, (user, from, to))| {
                Some(homeward_domain::escalation::Shift {
                    contact: contact(*user, format!("shifts.{i}.user"))?,
                    from: *from,
                    to: *to,
                })
            })
            .collect();
        let default_contact = input
            .default_user
            .and_then(|u| contact(u, "default_user".into()));
        let rota = Rota {
            shifts,
            default_contact,
            escalate_after_minutes: input.escalate_after_minutes,
        };
        problems.extend(rota.problems().into_iter().map(|p| FieldError {
            field: p.path,
            message: p.message,
        }));
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let version = RotaVersion {
            org_id: actor.org_id(),
            service_id: service,
            version: based_on + 1,
            rota,
            recorded_by_label: actor.user.email.clone(),
            recorded_at: now,
        };
        let e = actor.event(
            now,
            meta,
            "service.rota_update",
            "service",
            Some(service.to_string()),
            Outcome::Allowed,
        );
        match self.store.append_rota(&version, &e).await {
            Ok(()) => Ok(version.version),
            Err(StoreError::Conflict(_)) => {
                Err(AppError::invalid("version", "error-saved-meanwhile"))
            }
            Err(other) => Err(other.into()),
        }
    }

    /// Who may be put on a service's rota: active accounts whose roles reach it and who
    /// record episodes. Audited: it lists the organisation's users.
    pub async fn rota_candidates(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        service: ServiceId,
    ) -> AppResult<Vec<Contact>> {
        require(actor, Action::ViewOnCall)?;
        let audit = actor.event(
            self.clock.now(),
            meta,
            "user.list",
            "user",
            None,
            Outcome::Allowed,
        );
        let users = self.store.list_users(actor.org_id(), &audit).await?;
        Ok(users
            .into_iter()
            .filter(|u| u.user.active)
            .filter(|u| {
                u.memberships.iter().any(|m| {
                    crate::policy::role_allows(m.role, Action::RecordEpisodes)
                        && m.service_id.is_none_or(|s| s == service)
                })
            })
            .map(|u| Contact {
                user: u.user.id,
                label: u.user.display_name,
            })
            .collect())
    }

    /// Acknowledges a page: escalation for what it was about stops.
    pub async fn acknowledge(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        episode: EpisodeId,
        page: i64,
    ) -> AppResult<EventRecord> {
        self.record_event(actor, meta, episode, None, Event::Acknowledged { page })
            .await
    }

    /// The chain for a service at `now`: who is on call, the default contact (or, with no
    /// rota, the organisation's managers), then its safeguarding leads.
    async fn chain(
        &self,
        org: OrgId,
        service: ServiceId,
        now: Timestamp,
    ) -> AppResult<(Vec<Contact>, SignedDuration, Vec<(UserId, String)>)> {
        let rota = self
            .store
            .latest_rota(org, service)
            .await?
            .map(|v| v.rota)
            .unwrap_or_default();
        let audit = system_event(org, now, "user.list", None);
        let users = self.store.list_users(org, &audit).await?;
        let with_role = |role: Role| -> Vec<Contact> {
            users
                .iter()
                .filter(|u| u.user.active)
                .filter(|u| {
                    u.memberships
                        .iter()
                        .any(|m| m.role == role && m.service_id.is_none_or(|s| s == service))
                })
                .map(|u| Contact {
                    user: u.user.id,
                    label: u.user.display_name.clone(),
                })
                .collect()
        };
        let mut leads = Vec::new();
        if rota.default_contact.is_none() {
            leads.extend(with_role(Role::Manager));
        }
        leads.extend(with_role(Role::SafeguardingLead));
        let chain = rota.chain(now, &leads);
        let emails = users
            .iter()
            .map(|u| (u.user.id, u.user.email.clone()))
            .collect();
        Ok((
            chain,
            SignedDuration::from_mins(rota.escalate_after_minutes),
            emails,
        ))
    }

    /// One pass of escalation over every open episode: pages whoever is due, each page an
    /// entry in the chronology written with its email. `link` is the address episodes are
    /// reached at (`https://homeward.example.org`). Returns how many pages went out.
    pub async fn escalate(&self, link: &str) -> AppResult<usize> {
        let now = self.clock.now();
        let mut sent = 0;
        for org in self.store.list_organisations().await? {
            for summary in self.store.list_episodes(org.id, None, true).await? {
                sent += self.escalate_episode(org.id, summary.id, link, now).await?;
            }
        }
        Ok(sent)
    }

    async fn escalate_episode(
        &self,
        org: OrgId,
        id: EpisodeId,
        link: &str,
        now: Timestamp,
    ) -> AppResult<usize> {
        let Some((summary, events)) = self.store.episode(org, id).await? else {
            return Ok(0);
        };
        let Some(person) = self.store.get_person(org, summary.person_id).await? else {
            return Ok(0);
        };
        let Ok(state) = episode::derive(&events) else {
            return Ok(0);
        };
        let plan = match state.plan_version {
            Some(v) => self
                .store
                .document_version(org, person.id, DocKind::MissingPlan, v)
                .await?
                .map(|v| v.document),
            None => None,
        };
        let context = self
            .duty_context(&person, plan.as_ref(), summary.opened_at)
            .await?;
        let duty_list = duties::duties(&context, &events, now);
        // Whether anything is due at all, before looking up who is on call.
        let probe: Vec<Contact> = (0..16)
            .map(|n| Contact {
                user: UserId(uuid::Uuid::from_u128(n)),
                label: String::new(),
            })
            .collect();
        if pages_due(&events, &duty_list, &probe, SignedDuration::ZERO, now).is_empty() {
            return Ok(0);
        }
        let (chain, after, emails) = self.chain(org, person.service_id, now).await?;
        let pages = pages_due(&events, &duty_list, &chain, after, now);
        let service = self
            .store
            .list_services(org)
            .await?
            .into_iter()
            .find(|s| s.id == person.service_id)
            .map(|s| s.name)
            .unwrap_or_default();
        let mut events = events;
        let mut sent = 0;
        for page in pages {
            let record = EventRecord {
                seq: events.len() as i64 + 1,
                when: Occurred::in_london(now),
                recorded_at: now,
                recorded_by: None,
                recorded_by_label: SYSTEM.into(),
                event: Event::Paged {
                    key: page.key.clone(),
                    reason: page.reason,
                    to: Some(page.to.user),
                    to_label: page.to.label.clone(),
                    level: page.level,
                },
            };
            let Ok(state) = episode::append(&events, &record) else {
                break;
            };
            let mail: Vec<OutboxMessage> = emails
                .iter()
                .filter(|(user, _)| *user == page.to.user)
                .map(|(_, address)| page_email(&page, address, &service, id, org, link, now))
                .collect();
            let audit = system_event(
                org,
                now,
                "episode.paged",
                Some(format!("{id} #{}", record.seq)),
            );
            let summary = summary_of(id, &person, &state, &record);
            match self
                .store
                .append_episode_event_with_mail(&summary, &record, &audit, &mail)
                .await
            {
                Ok(()) => {
                    self.board
                        .changed(homeward_store::BoardChange::of(&summary));
                    events.push(record);
                    sent += 1;
                }
                // Another server paged first: the next pass sees its page.
                Err(StoreError::Conflict(_)) => break,
                Err(other) => return Err(other.into()),
            }
        }
        Ok(sent)
    }

    /// One pass of the sender: each undelivered message whose wait is over is claimed (by
    /// writing its next attempt number; a claim another server wrote first is left to it),
    /// sent, and its result written. Returns how many were delivered.
    pub async fn send_mail(&self, mailer: &dyn Mailer) -> AppResult<usize> {
        let mut delivered = 0;
        for pending in self.store.pending_mail(100).await? {
            let now = self.clock.now();
            let tries = pending.attempts / 2;
            if tries >= MAX_TRIES {
                continue;
            }
            if let Some(last) = pending.last_attempt_at
                && now < last + backoff(tries)
            {
                continue;
            }
            let id = pending.message.id;
            let claim = pending.attempts + 1;
            match self
                .store
                .record_mail_attempt(id, claim, now, false, Some("sending"))
                .await
            {
                Ok(()) => {}
                Err(StoreError::Conflict(_)) => continue,
                Err(other) => return Err(other.into()),
            }
            let m = &pending.message;
            let result = mailer.send(&m.to_address, &m.subject, &m.body).await;
            let error = result.as_ref().err().map(String::as_str);
            self.store
                .record_mail_attempt(id, claim + 1, self.clock.now(), result.is_ok(), error)
                .await?;
            if result.is_ok() {
                delivered += 1;
            } else {
                tracing::warn!(message = %id, error = ?error, "an email could not be delivered; it will be tried again");
            }
        }
        Ok(delivered)
    }

    /// Pages addressed to the actor that nobody has acknowledged, newest first. Audited as a
    /// read: they name the people missing.
    pub async fn my_pages(&self, actor: &Actor, meta: &RequestMeta) -> AppResult<Vec<PageForYou>> {
        if !actor.can(Action::ViewEpisodes) {
            return Ok(Vec::new());
        }
        let scope = actor.scope_for(Action::ViewEpisodes);
        let mut out = Vec::new();
        for summary in self
            .store
            .list_episodes(actor.org_id(), scope.as_deref(), true)
            .await?
        {
            let Some((_, events)) = self.store.episode(actor.org_id(), summary.id).await? else {
                continue;
            };
            let waiting = homeward_domain::escalation::unanswered(&events);
            for r in &events {
                if let Event::Paged { reason, to, .. } = &r.event
                    && *to == Some(actor.user.id)
                    && waiting.contains(&r.seq)
                {
                    let Some(person) = self
                        .store
                        .get_person(actor.org_id(), summary.person_id)
                        .await?
                    else {
                        continue;
                    };
                    out.push(PageForYou {
                        episode: summary.id,
                        person: format!("{} {}", person.given_name, person.family_name),
                        seq: r.seq,
                        reason: *reason,
                        at: r.recorded_at,
                    });
                }
            }
        }
        if !out.is_empty() {
            let e = actor.event(
                self.clock.now(),
                meta,
                "episode.pages",
                "episode",
                None,
                Outcome::Allowed,
            );
            self.store.record_audit(&e).await?;
        }
        out.sort_by_key(|p| std::cmp::Reverse(p.at));
        Ok(out)
    }

    /// Messages that could not be delivered after every try, for managers to see.
    pub async fn undelivered_mail(
        &self,
        actor: &Actor,
    ) -> AppResult<Vec<homeward_store::PendingMail>> {
        require(actor, Action::ManageOnCall)?;
        Ok(self
            .store
            .pending_mail(1000)
            .await?
            .into_iter()
            .filter(|p| p.message.org_id == actor.org_id() && p.attempts / 2 >= MAX_TRIES)
            .collect())
    }
}

/// The email for a page: enough to act on, no more, in English and then Welsh. It names the
/// service and why, and links to the episode (which asks the reader to sign in); the person's
/// name stays in Homeward.
fn page_email(
    page: &Page,
    address: &str,
    service: &str,
    episode: EpisodeId,
    org: OrgId,
    link: &str,
    now: Timestamp,
) -> OutboxMessage {
    use homeward_domain::locale::Locale;
    use homeward_i18n::Tr;
    let url = format!("{}/episodes/{episode}", link.trim_end_matches('/'));
    let text = |locale| {
        let t = Tr(locale);
        let why = t.get(&format!("page-reason-{}", page.reason.code()));
        let args = [
            ("service", service),
            ("why", why.as_str()),
            ("link", url.as_str()),
        ];
        (
            t.args("email-page-subject", &args),
            t.args("email-page-body", &args),
        )
    };
    let (subject_en, body_en) = text(Locale::English);
    let (subject_cy, body_cy) = text(Locale::Welsh);
    OutboxMessage {
        id: uuid::Uuid::new_v4(),
        org_id: org,
        episode_id: Some(episode),
        created_at: now,
        to_address: address.into(),
        subject: format!("{subject_en} / {subject_cy}"),
        body: format!("{body_en}\n\n----\n\n{body_cy}\n"),
    }
}
