//! Paging and the outbox: the on-call rota per service, the escalation pass that pages whoever
//! is due (writing each page and its email in one transaction), acknowledgements, and the
//! sender that drains the outbox with retries and backoff.

use crate::actor::require;
use crate::episodes::schedule_of;
use crate::episodes::summary_of;
use crate::policy::Action;
use crate::{Actor, App, AppError, AppResult, FieldError, RequestMeta};
use homeward_domain::audit::{AuditEvent, Outcome};
use homeward_domain::duties;
use homeward_domain::episode::{self, Event, EventRecord, Occurred};
use homeward_domain::escalation::{Contact, Page, Rota, next_look, overdue_rule, pages_due};
use homeward_domain::ids::{EpisodeId, OrgId, ServiceId, UserId};
use homeward_domain::role::Role;
use homeward_mail::Mailer;
use homeward_store::{MailOutcome, OutboxMessage, RotaVersion, StoreError, UsersQuery};
use jiff::{SignedDuration, Timestamp};

/// The label pages carry in the chronology: nobody typed them.
const SYSTEM: &str = "Homeward";
/// After this many tries a message stays undelivered, for a manager to see.
pub const MAX_TRIES: i64 = 8;
/// Episodes looked at in one batch of the paging pass, and batches in one pass.
const ESCALATION_BATCH: i64 = 200;
const ESCALATION_BATCHES: usize = 10;
/// Emails sent in one pass of the sender, and at most this many from one organisation.
const MAIL_BATCH: i64 = 100;
const MAIL_PER_ORG: i64 = 20;
/// Enough for everyone a lookup by service, id or address can find in one organisation.
const ALL_USERS: i64 = 10_000;

/// Active accounts that can act in a service: a membership there or organisation-wide.
fn able_in(service: ServiceId) -> UsersQuery {
    UsersQuery {
        service: Some(service),
        active_only: true,
        limit: ALL_USERS,
        ..UsersQuery::default()
    }
}

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
        let named: Vec<UserId> = input
            .shifts
            .iter()
            .map(|(user, _, _)| *user)
            .chain(input.default_user)
            .collect();
        let audit = actor.event(now, meta, "user.list", "user", None, Outcome::Allowed);
        let users = self
            .store
            .users_page(
                actor.org_id(),
                &UsersQuery {
                    ids: Some(named),
                    active_only: true,
                    limit: ALL_USERS,
                    ..UsersQuery::default()
                },
                Some(&audit),
            )
            .await?;
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
        let users = self
            .store
            .users_page(actor.org_id(), &able_in(service), Some(&audit))
            .await?;
        Ok(users
            .into_iter()
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
        // The pass looks people up to page them, which no person asked for: not audited.
        let users = self.store.users_page(org, &able_in(service), None).await?;
        let with_role = |role: Role| -> Vec<Contact> {
            users
                .iter()
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
        // Addresses of those in the chain; an account closed since the rota was written is
        // no longer paged.
        let reachable = self
            .store
            .users_page(
                org,
                &UsersQuery {
                    ids: Some(chain.iter().map(|c| c.user).collect()),
                    active_only: true,
                    limit: ALL_USERS,
                    ..UsersQuery::default()
                },
                None,
            )
            .await?;
        let emails: Vec<(UserId, String)> = reachable
            .into_iter()
            .map(|u| (u.user.id, u.user.email))
            .collect();
        let chain = chain
            .into_iter()
            .filter(|c| emails.iter().any(|(id, _)| *id == c.user))
            .collect();
        Ok((
            chain,
            SignedDuration::from_mins(rota.escalate_after_minutes),
            emails,
        ))
    }

    /// One pass of escalation: pages whoever is due on the episodes whose time has come
    /// (something was added, a duty falls due, a page may go further), each page an entry in
    /// the chronology written with its email. An episode that fails is logged and left for a
    /// later pass; the others are paged all the same. `link` is the address episodes are
    /// reached at (`https://homeward.example.org`). Returns how many pages went out.
    pub async fn escalate(&self, link: &str) -> AppResult<usize> {
        let now = self.clock.now();
        let mut sent = 0;
        let mut seen = std::collections::HashSet::new();
        // A bounded number of batches: a backlog is worked through over several passes.
        for _ in 0..ESCALATION_BATCHES {
            let due = self.store.episodes_to_check(now, ESCALATION_BATCH).await?;
            let fresh: Vec<_> = due.into_iter().filter(|d| seen.insert(*d)).collect();
            if fresh.is_empty() {
                break;
            }
            for (org, id) in fresh {
                match self.escalate_episode(org, id, link, now).await {
                    Ok(n) => sent += n,
                    Err(e) => {
                        tracing::error!(episode = %id, error = %e, "paging this episode failed; the others go on, and it is tried again shortly");
                        // Not again until the next minute, so one bad episode cannot keep the
                        // pass busy.
                        let retry = now + SignedDuration::from_mins(1);
                        match self.store.paging_failed(org, id, now, retry).await {
                            // The board says so: whoever watches it pages by hand meanwhile.
                            Ok(()) => {
                                if let Ok(Some((summary, _))) = self.store.episode(org, id).await {
                                    self.board
                                        .changed(homeward_store::BoardChange::of(&summary));
                                }
                            }
                            Err(e) => {
                                tracing::error!(episode = %id, error = %e, "could not put off the failed episode");
                            }
                        }
                    }
                }
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
            return Err(AppError::Internal("the episode's person is missing".into()));
        };
        let state = episode::derive(&events)
            .map_err(|r| AppError::Internal(format!("stored chronology does not derive: {r:?}")))?;
        let plan = self.pinned_plan(&person, &state).await?;
        let context = self.duty_context(&person, plan.as_ref(), &state).await?;
        let (chain, after, emails) = self.chain(org, person.service_id, now).await?;
        let service = self
            .store
            .get_service(org, person.service_id)
            .await?
            .map(|s| s.name)
            .unwrap_or_default();
        let mut events = events;
        let mut seq = summary.last_event_seq;
        let mut sent = 0;
        loop {
            let duty_list = duties::duties(&context, &events, now);
            let Some(page) = pages_due(&events, &duty_list, &chain, after, now)
                .into_iter()
                .next()
            else {
                break;
            };
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
                    about: page.about.clone(),
                },
            };
            let state = episode::append(&events, &record)
                .map_err(|r| AppError::Internal(format!("a page was refused: {r:?}")))?;
            let about = PageAbout {
                service: &service,
                episode: id,
                org,
                link,
                duties: &duty_list,
                now,
            };
            let mail: Vec<OutboxMessage> = emails
                .iter()
                .filter(|(user, _)| *user == page.to.user)
                .map(|(_, address)| page_email(&page, address, &about))
                .collect();
            let audit = system_event(
                org,
                now,
                "episode.paged",
                Some(format!("{id} #{}", record.seq)),
            );
            let mut all = events.clone();
            all.push(record.clone());
            let mut summary = summary_of(id, &person, &state, &record);
            summary.schedule = schedule_of(&state, &all, &duties::duties(&context, &all, now), now);
            match self
                .store
                .append_episode_event_with_mail(&summary, &record, &audit, &mail)
                .await
            {
                Ok(()) => {
                    self.board
                        .changed(homeward_store::BoardChange::of(&summary));
                    seq = record.seq;
                    events = all;
                    sent += 1;
                }
                // Someone added an entry meanwhile: that asks for another look, so the next
                // pass judges against it.
                Err(StoreError::Conflict(_)) => return Ok(sent),
                Err(other) => return Err(other.into()),
            }
        }
        let duty_list = duties::duties(&context, &events, now);
        let next = next_look(&events, &duty_list, chain.len(), after, now);
        self.store.set_next_check(org, id, seq, next).await?;
        Ok(sent)
    }

    /// One pass of the sender: the messages whose wait is over, a few from each organisation
    /// at a time, are each claimed (by writing their next attempt number; a claim another
    /// server wrote first is left to it), sent, and settled: delivered, tried again later
    /// with backoff, or after the last try kept as a dead letter for the organisation's
    /// managers. A failure with one message never stops the others. Returns how many were
    /// delivered.
    pub async fn send_mail(&self, mailer: &dyn Mailer) -> AppResult<usize> {
        let mut delivered = 0;
        for pending in self
            .store
            .due_mail(self.clock.now(), MAIL_PER_ORG, MAIL_BATCH)
            .await?
        {
            let id = pending.message.id;
            match self.send_one(mailer, &pending).await {
                Ok(true) => delivered += 1,
                Ok(false) => {}
                Err(e) => {
                    tracing::error!(message = %id, error = %e, "could not settle an email; it stays queued");
                }
            }
        }
        Ok(delivered)
    }

    async fn send_one(
        &self,
        mailer: &dyn Mailer,
        pending: &homeward_store::PendingMail,
    ) -> AppResult<bool> {
        let id = pending.message.id;
        let claim = pending.tries * 2 + 1;
        let now = self.clock.now();
        match self
            .store
            .record_mail_attempt(id, claim, now, false, Some("sending"))
            .await
        {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => return Ok(false),
            Err(other) => return Err(other.into()),
        }
        let m = &pending.message;
        let result = mailer.send(&m.to_address, &m.subject, &m.body).await;
        let at = self.clock.now();
        let tries = pending.tries + 1;
        let outcome = match &result {
            Ok(()) => MailOutcome::Delivered,
            Err(_) if tries >= MAX_TRIES => MailOutcome::Dead,
            Err(_) => MailOutcome::RetryAt(at + backoff(tries)),
        };
        let error = result.as_ref().err().map(String::as_str);
        self.store
            .settle_mail(id, claim + 1, at, outcome, error)
            .await?;
        match outcome {
            MailOutcome::Delivered => Ok(true),
            MailOutcome::Dead => {
                tracing::error!(message = %id, error = ?error, "an email could not be delivered after every try; its organisation's managers are shown it");
                Ok(false)
            }
            MailOutcome::RetryAt(_) => {
                tracing::warn!(message = %id, error = ?error, "an email could not be delivered; it will be tried again");
                Ok(false)
            }
        }
    }

    /// Pages addressed to the actor that nobody has acknowledged, newest first. Audited as a
    /// read: they name the people missing.
    pub async fn my_pages(&self, actor: &Actor, meta: &RequestMeta) -> AppResult<Vec<PageForYou>> {
        if !actor.can(Action::ViewEpisodes) {
            return Ok(Vec::new());
        }
        let scope = actor.scope_for(Action::ViewEpisodes);
        let mut out = Vec::new();
        let open = homeward_store::EpisodeQuery {
            services: scope,
            waiting_only: true,
            phases: vec!["missing".into(), "located".into(), "returned".into()],
            limit: 200,
            ..Default::default()
        };
        for summary in self.store.list_episodes(actor.org_id(), &open).await? {
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

    /// Messages that could not be delivered after every try, for the organisation's managers
    /// and admins to see, correct and send again.
    pub async fn undelivered_mail(
        &self,
        actor: &Actor,
    ) -> AppResult<Vec<homeward_store::DeadMail>> {
        require(actor, Action::ManageUndeliveredMail)?;
        Ok(self.store.dead_mail(actor.org_id(), 200).await?)
    }

    /// The addresses email to which has failed for good: whoever has one cannot be reached by
    /// email until it is corrected.
    pub async fn unreachable_addresses(&self, actor: &Actor) -> AppResult<Vec<String>> {
        if !actor.can(Action::ManageUndeliveredMail) {
            return Ok(Vec::new());
        }
        let mut out: Vec<String> = self
            .undelivered_mail(actor)
            .await?
            .into_iter()
            .map(|d| d.message.to_address)
            .collect();
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// Colleagues whose email has failed for good, by name, with the address that failed:
    /// they will not get pages by email until it is corrected. Audited: it reads accounts.
    pub async fn unreachable_users(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
    ) -> AppResult<Vec<(UserId, String, String)>> {
        let addresses = self.unreachable_addresses(actor).await?;
        if addresses.is_empty() {
            return Ok(Vec::new());
        }
        let audit = actor.event(
            self.clock.now(),
            meta,
            "user.list",
            "user",
            None,
            Outcome::Allowed,
        );
        let query = UsersQuery {
            emails: Some(addresses),
            limit: ALL_USERS,
            ..UsersQuery::default()
        };
        Ok(self
            .store
            .users_page(actor.org_id(), &query, Some(&audit))
            .await?
            .into_iter()
            .map(|u| (u.user.id, u.user.display_name, u.user.email))
            .collect())
    }

    /// Sends an undelivered message again, to `address` (corrected, or the same once the
    /// problem is fixed). A second click finds it already dealt with and sends nothing more.
    pub async fn resend_mail(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        message: uuid::Uuid,
        address: &str,
    ) -> AppResult<()> {
        require(actor, Action::ManageUndeliveredMail)?;
        let (dead, dealt_with) = self
            .store
            .dead_letter(actor.org_id(), message)
            .await?
            .ok_or(AppError::NotFound)?;
        if dealt_with {
            // A double click, or a colleague first: it has been sent again already.
            return Ok(());
        }
        let address = homeward_domain::email::EmailAddress::parse(address).map_err(|e| {
            AppError::invalid(
                "address",
                match e {
                    homeward_domain::email::EmailError::Empty => "error-email-empty",
                    _ => "error-email-format",
                },
            )
        })?;
        let now = self.clock.now();
        let again = OutboxMessage {
            id: uuid::Uuid::new_v4(),
            created_at: now,
            to_address: address.as_str().to_string(),
            ..dead.message
        };
        let e = actor.event(
            now,
            meta,
            "mail.resend",
            "mail",
            Some(message.to_string()),
            Outcome::Allowed,
        );
        // `false` when a colleague dealt with it meanwhile: sent again all the same, once.
        self.store
            .resend_mail(actor.org_id(), message, &again, &actor.user.email, &e)
            .await?;
        Ok(())
    }
}

/// What a page's email needs to say.
struct PageAbout<'a> {
    service: &'a str,
    episode: EpisodeId,
    org: OrgId,
    link: &'a str,
    duties: &'a [duties::Duty],
    now: Timestamp,
}

/// The email for a page: enough to act on, no more, in English and then Welsh. It names the
/// service, why, and each overdue duty with how late it is, and links to the episode (which
/// asks the reader to sign in); the person's name stays in Homeward.
fn page_email(page: &Page, address: &str, about: &PageAbout<'_>) -> OutboxMessage {
    use homeward_domain::locale::Locale;
    use homeward_i18n::Tr;
    let url = format!(
        "{}/episodes/{}",
        about.link.trim_end_matches('/'),
        about.episode
    );
    let text = |locale| {
        let t = Tr(locale);
        let why = t.get(&format!("page-reason-{}", page.reason.code()));
        let args = [
            ("service", about.service),
            ("why", why.as_str()),
            ("link", url.as_str()),
        ];
        let mut body = t.args("email-page-body", &args);
        let lines = page_lines(&t, page, about.duties, about.now);
        if !lines.is_empty() {
            body = format!(
                "{body}\n\n{}\n{}",
                t.get("email-page-also"),
                lines.join("\n")
            );
        }
        (t.args("email-page-subject", &args), body)
    };
    let (subject_en, body_en) = text(Locale::English);
    let (subject_cy, body_cy) = text(Locale::Welsh);
    OutboxMessage {
        id: uuid::Uuid::new_v4(),
        org_id: about.org,
        episode_id: Some(about.episode),
        created_at: about.now,
        to_address: address.into(),
        subject: format!("{subject_en} / {subject_cy}"),
        body: format!("{body_en}\n\n----\n\n{body_cy}\n"),
    }
}

/// Each thing a page tells beyond its reason, a line each: "- Tell the police: 2 h 10 min
/// late".
pub fn page_lines(
    t: &homeward_i18n::Tr,
    page: &Page,
    duties: &[duties::Duty],
    now: Timestamp,
) -> Vec<String> {
    page.about
        .iter()
        .filter(|topic| {
            homeward_domain::escalation::PageReason::of_topic(topic) != page.reason
                || overdue_rule(topic).is_some()
        })
        .map(|topic| match overdue_rule(topic) {
            Some(rule) => {
                let late = duties
                    .iter()
                    .find(|d| d.rule == rule)
                    .and_then(|d| d.due_at)
                    .map(|due| now.duration_since(due));
                let name = t.get(&format!("duty-{rule}"));
                match late {
                    Some(late) => format!(
                        "- {}",
                        t.args(
                            "page-overdue-late",
                            &[
                                ("duty", name.as_str()),
                                ("late", &crate::episode_form::duration(*t, late))
                            ]
                        )
                    ),
                    None => format!("- {name}"),
                }
            }
            None => format!(
                "- {}",
                t.get(&format!(
                    "page-reason-{}",
                    homeward_domain::escalation::PageReason::of_topic(topic).code()
                ))
            ),
        })
        .collect()
}
