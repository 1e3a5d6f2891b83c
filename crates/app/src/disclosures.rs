//! Recording what is shared about a person outside the organisation, and reading it back: on
//! the person's own page (for them, or for a subject access request), and in the
//! organisation's log for those who lead and those who inspect.

use crate::actor::require;
use crate::policy::Action;
use crate::{Actor, App, AppError, AppResult, FieldError, RequestMeta};
use homeward_domain::audit::Outcome;
use homeward_domain::disclosure::{self, Disclosure};
use homeward_domain::episode::Occurred;
use homeward_domain::ids::PersonId;
use homeward_store::{DisclosureQuery, DisclosureRecord};
use jiff::Timestamp;

/// The most shown on one page of a list.
pub const PAGE: i64 = 50;

/// What someone recorded as shared, and when it was shared (now, if not given).
#[derive(Clone, Debug, Default)]
pub struct DisclosureInput {
    pub shared_at: Option<Timestamp>,
    pub disclosure: Disclosure,
}

/// What the organisation's log is asked for.
#[derive(Clone, Debug, Default)]
pub struct LogAsk {
    pub from: Option<Timestamp>,
    pub before: Option<Timestamp>,
    pub recipient: Option<String>,
    pub after: Option<(Timestamp, uuid::Uuid)>,
    pub limit: i64,
}

impl App {
    /// Records information shared about a person: refused, with each problem named, when a
    /// part is missing or an adult's information was shared without consent and without the
    /// safeguarding concern written down. Audited with the record, all or nothing.
    pub async fn record_disclosure(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        person: PersonId,
        input: &DisclosureInput,
    ) -> AppResult<uuid::Uuid> {
        let found = self
            .person_for(actor, Action::RecordDisclosures, person)
            .await?;
        let now = self.clock.now();
        let mut problems: Vec<FieldError> = disclosure::problems(&input.disclosure, found.kind)
            .into_iter()
            .map(|(field, message)| FieldError {
                field: field.to_string(),
                message,
            })
            .collect();
        let shared_at = input.shared_at.unwrap_or(now);
        if shared_at > now + jiff::SignedDuration::from_mins(5) {
            problems.push(FieldError {
                field: "shared".into(),
                message: "error-disclosure-future",
            });
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let id = uuid::Uuid::new_v4();
        let record = DisclosureRecord {
            id,
            org_id: found.org_id,
            service_id: found.service_id,
            person_id: found.id,
            shared: Occurred::in_london(shared_at),
            recorded_at: now,
            decided_by: Some(actor.user.id),
            decided_by_label: actor.user.display_name.clone(),
            kind: "recorded".into(),
            disclosure: trimmed(&input.disclosure),
        };
        let e = actor.event(
            now,
            meta,
            "disclosure.record",
            "person",
            Some(format!("{person}: to {}", record.disclosure.recipient)),
            Outcome::Allowed,
        );
        self.store.record_disclosures(&[record], &e).await?;
        Ok(id)
    }

    /// Everything shared about one person, latest first. Audited.
    pub async fn person_disclosures(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        person: PersonId,
    ) -> AppResult<Vec<DisclosureRecord>> {
        self.person_for(actor, Action::ViewPeople, person).await?;
        let e = actor.event(
            self.clock.now(),
            meta,
            "disclosure.list",
            "person",
            Some(person.to_string()),
            Outcome::Allowed,
        );
        Ok(self
            .store
            .disclosures(
                actor.org_id(),
                &DisclosureQuery {
                    person: Some(person),
                    limit: 1_000,
                    ..DisclosureQuery::default()
                },
                &e,
            )
            .await?)
    }

    /// The organisation's log of disclosures in the services the actor may see, latest
    /// first, a page at a time. Audited.
    pub async fn disclosure_log(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        ask: &LogAsk,
    ) -> AppResult<Vec<DisclosureRecord>> {
        require(actor, Action::ViewDisclosures)?;
        let e = actor.event(
            self.clock.now(),
            meta,
            "disclosure.log",
            "disclosures",
            ask.recipient.clone(),
            Outcome::Allowed,
        );
        Ok(self
            .store
            .disclosures(
                actor.org_id(),
                &DisclosureQuery {
                    person: None,
                    services: actor.scope_for(Action::ViewDisclosures),
                    from: ask.from,
                    before: ask.before,
                    recipient: ask.recipient.clone(),
                    after: ask.after,
                    limit: ask.limit.clamp(1, 100_000),
                },
                &e,
            )
            .await?)
    }
}

/// One share, in words, for a page or a spreadsheet.
#[derive(Clone, Debug)]
pub struct Line {
    pub when: String,
    pub person: String,
    pub person_href: String,
    pub what: String,
    pub recipient: String,
    pub purpose: String,
    pub basis: String,
    pub consent: String,
    pub told: String,
    pub by: String,
}

/// The words for one share: a basis or condition Homeward knows by its name, one written in
/// (a named summary's) as written; consent with the concern that justified going without it.
/// What was shared, in the reader's words: Homeward's own kinds of share (access given, the
/// police pack opened in an emergency or sent as a link) are put in plain words in their
/// language; what someone wrote down is shown as they wrote it.
fn what_in_words(t: homeward_i18n::Tr, d: &DisclosureRecord) -> String {
    let x = &d.disclosure;
    match d.kind.as_str() {
        "grant" => {
            let sections: Vec<String> = x
                .what
                .strip_prefix("Access in Homeward: ")
                .map(|rest| {
                    rest.split(", ")
                        .filter(|s| homeward_domain::access::SECTIONS.contains(s))
                        .map(|s| t.get(&format!("access-section-{s}")))
                        .collect()
                })
                .unwrap_or_default();
            if sections.is_empty() {
                x.what.clone()
            } else {
                t.with("disclosure-what-grant", "sections", &sections.join("; "))
            }
        }
        "break_glass" => t.get("disclosure-what-break-glass"),
        "pack_link" => t.get("disclosure-what-pack-link"),
        _ => x.what.clone(),
    }
}

pub fn line(t: homeward_i18n::Tr, d: &DisclosureRecord, person: String) -> Line {
    use homeward_domain::disclosure::{CONDITIONS, CONSENT, LAWFUL_BASES};
    let x = &d.disclosure;
    let known = |list: &[&str], prefix: &str, code: &str| {
        if list.contains(&code) {
            t.get(&format!("{prefix}-{code}"))
        } else {
            code.to_string()
        }
    };
    let mut basis = known(LAWFUL_BASES, "disclosure-lawful_basis", &x.lawful_basis);
    if !x.condition.is_empty() {
        basis = format!(
            "{basis}; {}",
            known(CONDITIONS, "disclosure-condition", &x.condition)
        );
    }
    let mut consent = known(CONSENT, "disclosure-consent", &x.consent);
    if !x.concern.is_empty() {
        consent = format!(
            "{consent}. {}",
            t.with("disclosure-because", "concern", &x.concern)
        );
    }
    Line {
        when: t.date_time(d.shared.at),
        person,
        person_href: format!("/people/{}/disclosures", d.person_id),
        what: what_in_words(t, d),
        recipient: x.recipient.clone(),
        purpose: x.purpose.clone(),
        basis,
        consent,
        told: x.told_person.clone(),
        by: d.decided_by_label.clone(),
    }
}

impl App {
    /// The names of the people in a list of disclosures, each read once.
    pub async fn names_of(
        &self,
        actor: &Actor,
        list: &[DisclosureRecord],
    ) -> AppResult<std::collections::HashMap<PersonId, String>> {
        let mut names = std::collections::HashMap::new();
        for d in list {
            if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(d.person_id) {
                let name = self
                    .store
                    .get_person(actor.org_id(), d.person_id)
                    .await?
                    .map(|p| format!("{} {}", p.given_name, p.family_name))
                    .unwrap_or_default();
                slot.insert(name);
            }
        }
        Ok(names)
    }

    /// The organisation's log as CSV: every share in the window, not a page of it. Audited
    /// as a reading of the log.
    pub async fn disclosure_csv(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        ask: &LogAsk,
        locale: homeward_domain::locale::Locale,
    ) -> AppResult<String> {
        require(actor, Action::ViewDisclosures)?;
        self.require_recent_second_factor(actor).await?;
        let all = LogAsk {
            after: None,
            limit: 100_000,
            ..ask.clone()
        };
        let list = self.disclosure_log(actor, meta, &all).await?;
        let t = homeward_i18n::Tr(locale);
        let names = self.names_of(actor, &list).await?;
        let fail = |e: csv::Error| AppError::Internal(e.to_string());
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(
            [
                "disclosure-shared",
                "disclosure-person",
                "disclosure-what",
                "disclosure-recipient",
                "disclosure-purpose",
                "disclosure-lawful_basis",
                "disclosure-consent",
                "disclosure-told_person",
                "disclosure-by",
            ]
            .iter()
            .map(|k| t.get(k)),
        )
        .map_err(fail)?;
        for d in &list {
            let l = line(t, d, names.get(&d.person_id).cloned().unwrap_or_default());
            out.write_record(
                [
                    l.when,
                    l.person,
                    l.what,
                    l.recipient,
                    l.purpose,
                    l.basis,
                    l.consent,
                    l.told,
                    l.by,
                ]
                .iter()
                .map(|v| crate::patterns::cell(v)),
            )
            .map_err(fail)?;
        }
        let bytes = out
            .into_inner()
            .map_err(|e| AppError::Internal(e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| AppError::Internal(e.to_string()))
    }
}

/// Each part as typed, without the spaces either side.
fn trimmed(d: &Disclosure) -> Disclosure {
    Disclosure {
        what: d.what.trim().into(),
        recipient: d.recipient.trim().into(),
        purpose: d.purpose.trim().into(),
        lawful_basis: d.lawful_basis.trim().into(),
        condition: d.condition.trim().into(),
        consent: d.consent.trim().into(),
        concern: d.concern.trim().into(),
        told_person: d.told_person.trim().into(),
    }
}
