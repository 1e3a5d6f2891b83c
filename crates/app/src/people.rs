//! People in care: their information form, risk assessment and missing plan, each versioned.
//!
//! Every read is audited; every save is a new version carrying who and when, and the sections
//! it changed. Access follows the actor's services: someone who works in one home sees and
//! edits that home's people only.

use crate::actor::require;
use crate::policy::Action;
use crate::{Actor, App, AppError, AppResult, FieldError, RequestMeta};
use homeward_domain::audit::Outcome;
use homeward_domain::forms::review::{self, Warning};
use homeward_domain::forms::{self, AppliesTo, DocKind, Document, RawSection, SectionDef};
use homeward_domain::ids::{PersonId, ServiceId};
use homeward_domain::person::PersonKind;
use homeward_store::{DocumentVersion, Person, StoreError};
use jiff::civil::Date;

/// Everything the person page shows.
#[derive(Clone, Debug)]
pub struct PersonView {
    pub person: Person,
    /// The current photo, if there is one.
    pub photo: Option<homeward_store::PhotoMeta>,
    pub profile: Option<DocumentVersion>,
    pub risk: Option<DocumentVersion>,
    pub plan: Option<DocumentVersion>,
    pub warnings: Vec<Warning>,
}

impl PersonView {
    pub fn latest(&self, kind: DocKind) -> Option<&DocumentVersion> {
        match kind {
            DocKind::Profile => self.profile.as_ref(),
            DocKind::RiskAssessment => self.risk.as_ref(),
            DocKind::MissingPlan => self.plan.as_ref(),
        }
    }
}

/// Whether a section of a form is asked about this person.
pub fn applies(section: &SectionDef, kind: PersonKind) -> bool {
    match section.applies_to {
        AppliesTo::Everyone => true,
        AppliesTo::Children => kind == PersonKind::Child,
        AppliesTo::Adults => kind == PersonKind::Adult,
    }
}

/// A section as submitted: from a page's form, or in its saved shape from the API.
#[derive(Clone, Debug)]
pub enum SectionInput {
    Form(RawSection),
    Saved(forms::SectionData),
}

impl SectionInput {
    /// A single field's submitted text, before checking.
    fn field(&self, id: &str) -> Option<String> {
        match self {
            SectionInput::Form(raw) => raw.fields.get(id)?.first().cloned(),
            SectionInput::Saved(data) => data.fields.get(id).cloned(),
        }
    }
}

/// Checks every section given; all problems come back together, named `section.field`.
fn check_sections(
    kind: DocKind,
    person: PersonKind,
    sections: Vec<(String, SectionInput)>,
    today: Date,
) -> AppResult<Vec<(String, forms::SectionData)>> {
    let mut problems = Vec::new();
    let mut checked = Vec::new();
    for (id, input) in sections {
        let Some(def) = kind.form().section(&id).filter(|d| applies(d, person)) else {
            problems.push(FieldError {
                field: id,
                message: "error-field-unknown",
            });
            continue;
        };
        let raw = match input {
            SectionInput::Form(raw) => Ok(raw),
            SectionInput::Saved(data) => RawSection::from_saved(def, &data),
        };
        match raw.and_then(|raw| forms::check_section(def, &raw, today)) {
            Ok(data) => checked.push((id, data)),
            Err(found) => problems.extend(found.into_iter().map(|p| FieldError {
                field: format!("{id}.{}", p.path),
                message: p.message,
            })),
        }
    }
    if problems.is_empty() {
        Ok(checked)
    } else {
        Err(AppError::Invalid(problems))
    }
}

/// Problems named as a one-section page names its fields, without the section's prefix.
fn unprefixed(e: AppError, section: &str) -> AppError {
    match e {
        AppError::Invalid(fields) => AppError::Invalid(
            fields
                .into_iter()
                .map(|f| FieldError {
                    field: f
                        .field
                        .strip_prefix(&format!("{section}."))
                        .map(str::to_string)
                        .unwrap_or(f.field),
                    message: f.message,
                })
                .collect(),
        ),
        other => other,
    }
}

/// The summary the people list and searches read, from the information form.
fn summary_from(base: &Person, profile: &Document) -> Person {
    let about = |f: &str| profile.value("about", f).map(str::to_string);
    Person {
        given_name: about("given_name").unwrap_or_else(|| base.given_name.clone()),
        family_name: about("family_name").unwrap_or_else(|| base.family_name.clone()),
        kind: about("kind")
            .and_then(|k| PersonKind::from_code(&k))
            .unwrap_or(base.kind),
        date_of_birth: profile.date("about", "date_of_birth"),
        estimated_age: profile
            .value("about", "estimated_age")
            .and_then(|a| a.parse().ok()),
        ..base.clone()
    }
}

impl App {
    fn today(&self) -> Date {
        homeward_domain::time::in_london(self.clock.now()).date()
    }

    /// The person, if the actor may take `action` for them; otherwise "not found", so that
    /// nobody learns of people outside their services.
    pub(crate) async fn person_for(
        &self,
        actor: &Actor,
        action: Action,
        id: PersonId,
    ) -> AppResult<Person> {
        require(actor, action)?;
        let person = self
            .store
            .get_person(actor.org_id(), id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !actor.can_in(Action::ViewPeople, person.service_id) {
            return Err(AppError::NotFound);
        }
        if !actor.can_in(action, person.service_id) {
            return Err(AppError::Forbidden);
        }
        Ok(person)
    }

    /// The audit record of listing people.
    fn people_listed(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
    ) -> homeward_domain::audit::AuditEvent {
        actor.event(
            self.clock.now(),
            meta,
            "person.list",
            "person",
            None,
            Outcome::Allowed,
        )
    }

    pub async fn list_people(&self, actor: &Actor, meta: &RequestMeta) -> AppResult<Vec<Person>> {
        require(actor, Action::ViewPeople)?;
        let scope = actor.people_scope();
        let e = self.people_listed(actor, meta);
        Ok(self
            .store
            .list_people(actor.org_id(), scope.as_deref(), &e)
            .await?)
    }

    /// A page of the people the actor may see, by name, and how many there are in all. The
    /// read is audited. `limit` is capped at [`crate::episodes::MAX_PAGE`].
    pub async fn people_page(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        after: Option<homeward_store::PersonCursor>,
        limit: i64,
    ) -> AppResult<(Vec<Person>, i64)> {
        require(actor, Action::ViewPeople)?;
        let scope = actor.people_scope();
        let e = self.people_listed(actor, meta);
        let query = homeward_store::PeopleQuery {
            services: scope.clone(),
            after,
            limit: limit.clamp(1, crate::episodes::MAX_PAGE),
        };
        let people = self.store.people_page(actor.org_id(), &query, &e).await?;
        let total = self
            .store
            .count_people(actor.org_id(), scope.as_deref())
            .await?;
        Ok((people, total))
    }

    /// Adds a person from the "about them" section; the rest of the form comes later, in steps.
    /// Problems are named as the page names its fields.
    pub async fn create_person(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        service: &str,
        about: &RawSection,
    ) -> AppResult<PersonId> {
        let sections = vec![("about".to_string(), SectionInput::Form(about.clone()))];
        self.create_person_with(actor, meta, service, sections)
            .await
            .map_err(|e| unprefixed(e, "about"))
    }

    /// Adds a person with as much of their information form as is given, which must include
    /// "about them", as its first version. Problems are named `section.field`.
    pub async fn create_person_with(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        service: &str,
        sections: Vec<(String, SectionInput)>,
    ) -> AppResult<PersonId> {
        require(actor, Action::EditPeople)?;
        let service: Option<ServiceId> = service.parse().ok();
        let services = self.store.list_services(actor.org_id()).await?;
        let service = service.filter(|s| {
            services.iter().any(|svc| svc.id == *s) && actor.can_in(Action::EditPeople, *s)
        });
        let mut problems = Vec::new();
        if service.is_none() {
            problems.push(FieldError {
                field: "service".into(),
                message: "error-service-choose",
            });
        }
        if !sections.iter().any(|(id, _)| id == "about") {
            problems.push(FieldError {
                field: "about.given_name".into(),
                message: "error-required",
            });
        }
        // Which sections apply depends on whether this is a child or an adult, which the
        // "about them" section says.
        let kind = sections
            .iter()
            .find(|(id, _)| id == "about")
            .and_then(|(_, input)| input.field("kind"))
            .and_then(|k| PersonKind::from_code(&k))
            .unwrap_or(PersonKind::Child);
        let checked = check_sections(DocKind::Profile, kind, sections, self.today());
        let (Some(service), true, Ok(checked)) = (service, problems.is_empty(), &checked) else {
            if let Err(AppError::Invalid(more)) = checked {
                problems.extend(more);
            }
            return Err(AppError::Invalid(problems));
        };
        let document = checked.iter().fold(Document::default(), |doc, (id, data)| {
            doc.with_section(id, data.clone())
        });
        let now = self.clock.now();
        let id = PersonId::new_random();
        let base = Person {
            id,
            org_id: actor.org_id(),
            service_id: service,
            given_name: String::new(),
            family_name: String::new(),
            kind,
            date_of_birth: None,
            estimated_age: None,
            created_at: now,
        };
        let person = summary_from(&base, &document);
        let version = DocumentVersion {
            person_id: id,
            kind: DocKind::Profile,
            version: 1,
            changed: document.changed_sections(&Document::default()),
            review_date: review::review_date(DocKind::Profile, &document),
            document,
            recorded_by: Some(actor.user.id),
            recorded_by_label: actor.user.email.clone(),
            recorded_at: now,
            agreed_by_label: None,
            agreed_at: None,
        };
        let e = actor.event(
            now,
            meta,
            "person.create",
            "person",
            Some(id.to_string()),
            Outcome::Allowed,
        );
        self.store
            .create_person_with_profile(&person, &version, &e)
            .await?;
        Ok(id)
    }

    pub async fn view_person(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        id: PersonId,
    ) -> AppResult<PersonView> {
        let person = self.person_for(actor, Action::ViewPeople, id).await?;
        let e = actor.event(
            self.clock.now(),
            meta,
            "person.view",
            "person",
            Some(id.to_string()),
            Outcome::Allowed,
        );
        self.audited(&e, self.person_view(person)).await
    }

    /// A person's current documents, photo and review warnings, read for whoever the caller
    /// has already allowed to see them.
    pub(crate) async fn person_view(&self, person: Person) -> AppResult<PersonView> {
        let (org, id) = (person.org_id, person.id);
        let profile = self
            .store
            .latest_document(org, id, DocKind::Profile)
            .await?;
        let risk = self
            .store
            .latest_document(org, id, DocKind::RiskAssessment)
            .await?;
        let plan = self
            .store
            .latest_document(org, id, DocKind::MissingPlan)
            .await?;
        let photo = self.current_photo(org, id).await?;
        let photo_ages = self.settings_in_force(org).await?.photo_ages();
        let warnings = review::warnings(
            person.kind == PersonKind::Child,
            &[
                (DocKind::Profile, profile.as_ref().map(|v| &v.document)),
                (DocKind::RiskAssessment, risk.as_ref().map(|v| &v.document)),
                (DocKind::MissingPlan, plan.as_ref().map(|v| &v.document)),
            ],
            photo.as_ref().map(|p| Some(p.taken_on)),
            photo_ages,
            self.today(),
        );
        Ok(PersonView {
            person,
            photo,
            profile,
            risk,
            plan,
            warnings,
        })
    }

    async fn current_photo(
        &self,
        org: homeward_domain::ids::OrgId,
        id: PersonId,
    ) -> AppResult<Option<homeward_store::PhotoMeta>> {
        let (photos, current) = self.store.photos(org, id).await?;
        Ok(photos.into_iter().find(|p| Some(p.id) == current))
    }

    /// Saves one section as a new version of the document. `based_on` is the version the
    /// user was looking at: if anyone saved since, nothing is saved and the user is told.
    /// Problems are named as the page names its fields.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_section(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        id: PersonId,
        kind: DocKind,
        section_id: &str,
        raw: &RawSection,
        based_on: i64,
    ) -> AppResult<i64> {
        let sections = vec![(section_id.to_string(), SectionInput::Form(raw.clone()))];
        self.save_sections(actor, meta, id, kind, sections, based_on)
            .await
            .map_err(|e| unprefixed(e, section_id))
    }

    /// Saves several sections of one document as its next version, all or nothing. Problems
    /// are named `section.field`.
    pub async fn save_sections(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        id: PersonId,
        kind: DocKind,
        sections: Vec<(String, SectionInput)>,
        based_on: i64,
    ) -> AppResult<i64> {
        let person = self.person_for(actor, Action::EditPeople, id).await?;
        if sections.is_empty() {
            return Err(AppError::invalid("sections", "error-sections-empty"));
        }
        let checked = check_sections(kind, person.kind, sections, self.today())?;
        let org = actor.org_id();
        let latest = self.store.latest_document(org, id, kind).await?;
        let current_version = latest.as_ref().map_or(0, |v| v.version);
        if based_on != current_version {
            return Err(AppError::invalid("version", "error-saved-meanwhile"));
        }
        let before = latest.map(|v| v.document).unwrap_or_default();
        let document = checked.iter().fold(before.clone(), |doc, (section, data)| {
            doc.with_section(section, data.clone())
        });
        let changed = document.changed_sections(&before);
        if changed.is_empty() {
            return Ok(current_version);
        }
        let now = self.clock.now();
        let version = DocumentVersion {
            person_id: id,
            kind,
            version: current_version + 1,
            review_date: review::review_date(kind, &document),
            changed,
            document,
            recorded_by: Some(actor.user.id),
            recorded_by_label: actor.user.email.clone(),
            recorded_at: now,
            agreed_by_label: None,
            agreed_at: None,
        };
        let summary = (kind == DocKind::Profile).then(|| summary_from(&person, &version.document));
        let action = format!("{}.update", kind.code());
        let e = actor.event(
            now,
            meta,
            &action,
            "person",
            Some(id.to_string()),
            Outcome::Allowed,
        );
        self.append_version(actor, &version, summary.as_ref(), &e)
            .await
    }

    /// A manager agrees the missing plan as it stands in `version`: recorded as the next
    /// version, identical but for the agreement. Any later change needs agreeing again.
    pub async fn agree_plan(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        id: PersonId,
        version: i64,
    ) -> AppResult<i64> {
        self.person_for(actor, Action::AgreePlan, id).await?;
        let org = actor.org_id();
        let Some(latest) = self
            .store
            .latest_document(org, id, DocKind::MissingPlan)
            .await?
        else {
            return Err(AppError::invalid("agree", "error-plan-incomplete"));
        };
        if latest.version != version {
            return Err(AppError::invalid("version", "error-saved-meanwhile"));
        }
        let plan = DocKind::MissingPlan.form();
        let incomplete = plan
            .sections
            .iter()
            .filter(|s| {
                s.parts
                    .iter()
                    .any(|p| matches!(p, forms::Part::Field(f) if f.required))
            })
            .any(|s| latest.document.section(s.id).is_none());
        if incomplete {
            return Err(AppError::invalid("agree", "error-plan-incomplete"));
        }
        if latest.agreed_at.is_some() {
            return Ok(latest.version);
        }
        let now = self.clock.now();
        let agreed = DocumentVersion {
            version: latest.version + 1,
            changed: vec!["agreed".into()],
            recorded_by: Some(actor.user.id),
            recorded_by_label: actor.user.email.clone(),
            recorded_at: now,
            agreed_by_label: Some(actor.user.display_name.clone()),
            agreed_at: Some(now),
            ..latest
        };
        let e = actor.event(
            now,
            meta,
            "missing_plan.agree",
            "person",
            Some(id.to_string()),
            Outcome::Allowed,
        );
        self.append_version(actor, &agreed, None, &e).await
    }

    /// Appends a version; a version saved by someone else in the meantime becomes the user's
    /// "someone saved this while you were working" message, never an overwrite.
    async fn append_version(
        &self,
        actor: &Actor,
        version: &DocumentVersion,
        summary: Option<&Person>,
        event: &homeward_domain::audit::AuditEvent,
    ) -> AppResult<i64> {
        match self
            .store
            .append_document(actor.org_id(), version, summary, event)
            .await
        {
            Ok(()) => Ok(version.version),
            Err(StoreError::Conflict(_)) => {
                Err(AppError::invalid("version", "error-saved-meanwhile"))
            }
            Err(other) => Err(other.into()),
        }
    }

    /// Every version of every document about a person, newest first within each kind.
    pub async fn person_history(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        id: PersonId,
    ) -> AppResult<(Person, Vec<DocumentVersion>)> {
        let person = self.person_for(actor, Action::ViewPeople, id).await?;
        let e = actor.event(
            self.clock.now(),
            meta,
            "person.history",
            "person",
            Some(id.to_string()),
            Outcome::Allowed,
        );
        self.store.record_audit(&e).await?;
        let mut all = Vec::new();
        for kind in DocKind::ALL {
            all.extend(
                self.store
                    .document_history(actor.org_id(), id, kind)
                    .await?,
            );
        }
        all.sort_by(|a, b| {
            b.recorded_at
                .cmp(&a.recorded_at)
                .then(b.version.cmp(&a.version))
        });
        Ok((person, all))
    }

    pub async fn person_document_version(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        id: PersonId,
        kind: DocKind,
        version: i64,
    ) -> AppResult<(Person, DocumentVersion)> {
        let person = self.person_for(actor, Action::ViewPeople, id).await?;
        let found = self
            .store
            .document_version(actor.org_id(), id, kind, version)
            .await?
            .ok_or(AppError::NotFound)?;
        let e = actor.event(
            self.clock.now(),
            meta,
            "person.view_version",
            "person",
            Some(format!("{id} {} v{version}", kind.code())),
            Outcome::Allowed,
        );
        self.store.record_audit(&e).await?;
        Ok((person, found))
    }

    /// A page of the people whose information is out of date, by name, with what is wrong,
    /// for the review list; found in the database, then each one's warnings worked out as
    /// their page shows them. Returns where the page ended when there may be more. Audited.
    pub async fn people_due_for_review(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        after: Option<homeward_store::PersonCursor>,
        limit: i64,
    ) -> AppResult<(
        Vec<(Person, Vec<Warning>)>,
        Option<homeward_store::PersonCursor>,
    )> {
        require(actor, Action::ViewPeople)?;
        let org = actor.org_id();
        let today = self.today();
        let ages = self.settings_in_force(org).await?.photo_ages();
        let limit = limit.clamp(1, crate::episodes::MAX_PAGE);
        let query = homeward_store::DueQuery {
            services: actor.people_scope(),
            today,
            child_photo_cutoff: review::photo_cutoff(ages, true, today),
            adult_photo_cutoff: review::photo_cutoff(ages, false, today),
            after,
            limit,
        };
        let people = self
            .store
            .people_due(org, &query, &self.people_listed(actor, meta))
            .await?;
        let end = (people.len() as i64 == limit)
            .then(|| people.last())
            .flatten()
            .map(|p| homeward_store::PersonCursor {
                family_name: p.family_name.clone(),
                given_name: p.given_name.clone(),
                id: p.id,
            });
        let mut due = Vec::with_capacity(people.len());
        for person in people {
            let mut docs = Vec::new();
            for kind in DocKind::ALL {
                docs.push((
                    kind,
                    self.store
                        .latest_document(org, person.id, kind)
                        .await?
                        .map(|v| v.document),
                ));
            }
            let refs: Vec<(DocKind, Option<&Document>)> =
                docs.iter().map(|(k, d)| (*k, d.as_ref())).collect();
            let photo = self
                .current_photo(org, person.id)
                .await?
                .map(|p| Some(p.taken_on));
            let warnings =
                review::warnings(person.kind == PersonKind::Child, &refs, photo, ages, today);
            if !warnings.is_empty() {
                due.push((person, warnings));
            }
        }
        Ok((due, end))
    }
}
