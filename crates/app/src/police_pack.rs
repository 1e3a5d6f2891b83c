//! The police pack: one or two A4 pages a call handler can take in at a glance.
//!
//! What goes in is decided here: the current photo, names, age, description, health and
//! medication (with what a missed dose does), risks, what the plan asks of police, associates,
//! places, and only the contacts marked as shareable with police. The capacity and
//! best-interests notes, and any contact not to be shared, are left out. Every pack made is
//! audited.

use crate::episode_form;
use crate::episodes::EpisodeView;
use crate::policy::Action;
use crate::{Actor, App, AppError, AppResult, RequestMeta};
use homeward_domain::audit::{AuditEvent, Outcome};
use homeward_domain::episode::{Event, time_missing};
use homeward_domain::forms::{DocKind, Document, Part, SectionDef};
use homeward_domain::ids::{EpisodeId, PersonId};
use homeward_domain::locale::Locale;
use homeward_domain::person::{PersonKind, age_on};
use homeward_i18n::Tr;
use homeward_reports::{PolicePack, Section};

/// Label and value rows for the listed single fields of a section that are filled in.
fn field_rows(
    t: Tr,
    kind: DocKind,
    doc: &Document,
    section: &str,
    fields: &[&str],
) -> Vec<(String, String)> {
    let Some(def) = kind.form().section(section) else {
        return Vec::new();
    };
    fields
        .iter()
        .filter_map(|f| {
            let field = def.parts.iter().find_map(|p| match p {
                Part::Field(d) if d.id == *f => Some(d),
                _ => None,
            })?;
            let value = doc.value(section, f)?;
            Some((
                t.get(&format!("form-{}-{section}-{f}", kind.code())),
                t.value(field, value),
            ))
        })
        .collect()
}

/// One row per group item: "Medication 1" and its filled-in fields joined.
fn group_rows(
    t: Tr,
    kind: DocKind,
    doc: &Document,
    def: &SectionDef,
    group: &str,
    keep: impl Fn(&homeward_domain::forms::Item) -> bool,
) -> Vec<(String, String)> {
    let Some(g) = def.parts.iter().find_map(|p| match p {
        Part::Group(g) if g.id == group => Some(g),
        _ => None,
    }) else {
        return Vec::new();
    };
    let legend = t.get(&format!("form-{}-{}-{group}", kind.code(), def.id));
    doc.items(def.id, group)
        .iter()
        .filter(|item| keep(item))
        .enumerate()
        .map(|(i, item)| {
            let parts: Vec<String> = g
                .fields
                .iter()
                .filter_map(|f| {
                    let v = item.get(f.id)?;
                    let label = t.get(&format!("form-{}-{}-{group}-{}", kind.code(), def.id, f.id));
                    Some(format!("{label}: {}", t.value(f, v)))
                })
                .collect();
            (format!("{legend} {}", i + 1), parts.join(" · "))
        })
        .collect()
}

/// Part 2 of the pack: this episode. What they were wearing, when and where they were last
/// seen and in what circumstances, what police already have, and the latest sightings.
fn episode_section(t: Tr, episode: &EpisodeView, now: jiff::Timestamp) -> Section {
    let s = &episode.state;
    let mut rows = Vec::new();
    let opened = episode.events.first().map(|r| &r.event);
    if let Some(Event::Opened(o)) = opened {
        let seen = match o.last_seen {
            Some(w) => format!("{} · {}", t.date_time(w.at), o.last_seen_place),
            None => o.last_seen_place.clone(),
        };
        rows.push((t.get("ev-opened-last_seen"), seen));
        rows.push((
            t.get("pack-time-missing"),
            episode_form::duration(t, time_missing(s, now)),
        ));
        rows.push((
            t.get("ev-opened-whereabouts"),
            t.get(&episode_form::choice_id(
                "whereabouts",
                s.whereabouts.code(),
            )),
        ));
        rows.push((t.get("ev-opened-clothing"), o.clothing.clone()));
        rows.push((t.get("ev-opened-circumstances"), o.circumstances.clone()));
    }
    if let Some((when, report)) = &s.reported {
        rows.push((
            t.get("event-reported_to_police"),
            format!(
                "{} · {} · {}",
                t.date_time(when.at),
                report.force,
                report.reference
            ),
        ));
    }
    if let Some(g) = &s.police_grade {
        rows.push((
            t.get("ev-police_graded-grade"),
            t.get(&episode_form::choice_id("grade", g.grade.code())),
        ));
    }
    let sightings = episode
        .events
        .iter()
        .rev()
        .filter(|r| matches!(r.event, Event::Sighting { .. }))
        .take(3);
    for r in sightings {
        let (title, fields) = episode_form::describe(t, &r.event);
        let text: Vec<String> = fields.into_iter().map(|(_, v)| v).collect();
        rows.push((
            format!("{title} · {}", t.date_time(r.when.at)),
            text.join(" · "),
        ));
    }
    rows.retain(|(_, v)| !v.trim().is_empty());
    Section {
        title: t.get("pack-episode"),
        rows,
    }
}

impl App {
    /// Makes the police pack for a person in English or Welsh; with part 2 about the episode
    /// if they are missing now and the actor may see it.
    pub async fn police_pack(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        id: PersonId,
        locale: Locale,
    ) -> AppResult<Vec<u8>> {
        let open = match actor.can(Action::ViewEpisodes) {
            true => self.store.open_episode_of(actor.org_id(), id).await?,
            false => None,
        };
        let episode = match open {
            Some(e) => self.view_episode(actor, meta, e).await.ok(),
            None => None,
        };
        self.make_pack(actor, meta, id, locale, episode).await
    }

    /// The police pack with part 2 about this episode.
    pub async fn episode_police_pack(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        episode: EpisodeId,
        locale: Locale,
    ) -> AppResult<Vec<u8>> {
        let view = self.view_episode(actor, meta, episode).await?;
        self.make_pack(actor, meta, view.person.id, locale, Some(view))
            .await
    }

    async fn make_pack(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        id: PersonId,
        locale: Locale,
        episode: Option<EpisodeView>,
    ) -> AppResult<Vec<u8>> {
        let view = self.view_person(actor, meta, id).await?;
        if !actor.can_in(Action::ViewPeople, view.person.service_id) {
            return Err(AppError::NotFound);
        }
        let e = actor.event(
            self.clock.now(),
            meta,
            "person.police_pack",
            "person",
            Some(id.to_string()),
            Outcome::Allowed,
        );
        self.pack_of(view, locale, episode, &actor.user.display_name, e)
            .await
    }

    /// The pack of a person already allowed to be seen, made for `who` (named in its footer)
    /// and recorded as `made`.
    pub(crate) async fn pack_of(
        &self,
        view: crate::people::PersonView,
        locale: Locale,
        episode: Option<EpisodeView>,
        who: &str,
        made: AuditEvent,
    ) -> AppResult<Vec<u8>> {
        let id = view.person.id;
        let org = self
            .store
            .get_organisation(view.person.org_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let t = Tr(locale);
        let p = &view.person;
        let profile = view
            .profile
            .as_ref()
            .map(|v| v.document.clone())
            .unwrap_or_default();
        let plan = view
            .plan
            .as_ref()
            .map(|v| v.document.clone())
            .unwrap_or_default();
        let risk = view
            .risk
            .as_ref()
            .map(|v| v.document.clone())
            .unwrap_or_default();
        let now = self.clock.now();
        let today = homeward_domain::time::in_london(now).date();

        let age = match (p.date_of_birth, p.estimated_age) {
            (Some(dob), _) => t.args(
                "person-age-born",
                &[
                    ("age", &age_on(dob, today).unwrap_or(0).to_string()),
                    ("born", &t.date(dob)),
                ],
            ),
            (None, Some(a)) => t.with("person-age-estimated", "age", &a.to_string()),
            (None, None) => String::new(),
        };
        let mut key_rows = vec![(t.get("pack-age"), age)];
        key_rows.extend(field_rows(
            t,
            DocKind::Profile,
            &profile,
            "about",
            &["preferred_name", "aliases", "gender", "ethnicity"],
        ));
        key_rows.extend(field_rows(
            t,
            DocKind::Profile,
            &profile,
            "description",
            &[
                "height_cm",
                "build",
                "hair",
                "eyes",
                "glasses",
                "facial_hair",
                "accent",
                "distinguishing_marks",
            ],
        ));
        key_rows.extend(field_rows(
            t,
            DocKind::Profile,
            &profile,
            "about",
            &["first_language", "preferred_language", "interpreter_needed"],
        ));

        let form = DocKind::Profile.form();
        let section = |id: &str| form.section(id);
        let mut sections: Vec<Section> =
            episode.iter().map(|e| episode_section(t, e, now)).collect();
        if let Some(def) = section("health") {
            let mut rows = field_rows(t, DocKind::Profile, &profile, "health", &["conditions"]);
            rows.extend(group_rows(
                t,
                DocKind::Profile,
                &profile,
                def,
                "medication",
                |_| true,
            ));
            rows.extend(field_rows(
                t,
                DocKind::Profile,
                &profile,
                "health",
                &[
                    "mobility_aids",
                    "communication_aids",
                    "walking_distance",
                    "locator_device",
                ],
            ));
            sections.push(Section {
                title: t.get("pack-health"),
                rows,
            });
        }
        let mut risks = field_rows(
            t,
            DocKind::Profile,
            &profile,
            "risks",
            &["indicators", "notes"],
        );
        risks.extend(field_rows(
            t,
            DocKind::RiskAssessment,
            &risk,
            "assessment",
            &[
                "likelihood",
                "risks_when_missing",
                "triggers",
                "pull_factors",
            ],
        ));
        sections.push(Section {
            title: t.get("pack-risks"),
            rows: risks,
        });
        let mut asks = field_rows(
            t,
            DocKind::MissingPlan,
            &plan,
            "police",
            &[
                "report_at_once_if",
                "otherwise_after",
                "number",
                "give_police",
            ],
        );
        asks.extend(field_rows(
            t,
            DocKind::MissingPlan,
            &plan,
            "return",
            &["how_they_come_back"],
        ));
        asks.extend(field_rows(
            t,
            DocKind::MissingPlan,
            &plan,
            "telling",
            &["do_not_tell"],
        ));
        sections.push(Section {
            title: t.get("pack-plan"),
            rows: asks,
        });
        if let Some(def) = section("places") {
            sections.push(Section {
                title: t.get("pack-places"),
                rows: group_rows(t, DocKind::Profile, &profile, def, "place", |_| true),
            });
        }
        if let Some(def) = section("associates") {
            sections.push(Section {
                title: t.get("pack-associates"),
                rows: group_rows(t, DocKind::Profile, &profile, def, "associate", |_| true),
            });
        }
        if let Some(def) = section("contacts") {
            // Only contacts marked as shareable with police; a "must not be told" flag travels
            // with them so police do not tell them either.
            let shareable = |item: &homeward_domain::forms::Item| {
                item.get("share_with_police").map(String::as_str) == Some("yes")
            };
            sections.push(Section {
                title: t.get("pack-contacts"),
                rows: group_rows(t, DocKind::Profile, &profile, def, "contact", shareable),
            });
        }
        if let Some(def) = section("contact_details") {
            let mut rows = group_rows(t, DocKind::Profile, &profile, def, "phone", |_| true);
            rows.extend(group_rows(
                t,
                DocKind::Profile,
                &profile,
                def,
                "account",
                |_| true,
            ));
            rows.extend(field_rows(
                t,
                DocKind::Profile,
                &profile,
                "contact_details",
                &["vehicles_and_passes"],
            ));
            rows.extend(group_rows(
                t,
                DocKind::Profile,
                &profile,
                def,
                "address",
                |_| true,
            ));
            sections.push(Section {
                title: t.get("pack-phones"),
                rows,
            });
        }
        sections.push(Section {
            title: t.get("pack-routines"),
            rows: field_rows(
                t,
                DocKind::Profile,
                &profile,
                "routines",
                &["routines", "interests"],
            ),
        });
        if p.kind == PersonKind::Child {
            sections.push(Section {
                title: t.get("form-profile-legal_status"),
                rows: field_rows(
                    t,
                    DocKind::Profile,
                    &profile,
                    "legal_status",
                    &[
                        "looked_after",
                        "legal_basis",
                        "placing_authority",
                        "out_of_area",
                    ],
                ),
            });
        }
        sections.push(Section {
            title: t.get("form-profile-own_words"),
            rows: field_rows(
                t,
                DocKind::Profile,
                &profile,
                "own_words",
                &["if_i_go_missing"],
            ),
        });

        let photo_jpeg = match &view.photo {
            Some(photo) => self.store.photo_jpeg(org.id, id, photo.id).await?,
            None => None,
        };
        let services = self.store.list_services(org.id).await?;
        let service = services
            .iter()
            .find(|s| s.id == p.service_id)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        let name = format!("{} {}", p.given_name, p.family_name);
        let pack = PolicePack {
            lang: locale.code().into(),
            title: t.get("pack-title"),
            marking: t.get("pack-marking"),
            subtitle: format!(
                "{} · {} · {}",
                t.get(&format!("kind-{}", p.kind.code())),
                service,
                org.name
            ),
            key_rows,
            photo_caption: view
                .photo
                .as_ref()
                .map(|ph| t.with("photo-taken", "date", &t.date(ph.taken_on)))
                .unwrap_or_default(),
            photo_jpeg,
            show_photo: true,
            no_photo: t.get("pack-no-photo"),
            nothing: t.get("pack-nothing"),
            sections,
            footer: t.args(
                "pack-footer",
                &[
                    ("who", who),
                    ("when", &t.date_time(now)),
                    (
                        "version",
                        &view.profile.as_ref().map_or(0, |v| v.version).to_string(),
                    ),
                ],
            ),
            name,
        };
        self.typeset(pack, made).await
    }

    /// Typesets a document off the async runtime, then records that it was made.
    pub(crate) async fn typeset(&self, doc: PolicePack, made: AuditEvent) -> AppResult<Vec<u8>> {
        let pdf = tokio::task::spawn_blocking(move || homeward_reports::police_pack(&doc))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(|e| AppError::Internal(e.to_string()))?;
        self.store.record_audit(&made).await?;
        Ok(pdf)
    }
}

impl App {
    /// An episode's whole chronology as a PDF: the state at the top, then every entry in
    /// order, corrections included, with who recorded it and when.
    pub async fn chronology_pdf(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        id: EpisodeId,
        locale: Locale,
    ) -> AppResult<Vec<u8>> {
        let view = self.view_episode(actor, meta, id).await?;
        let t = Tr(locale);
        let now = self.clock.now();
        let s = &view.state;
        let p = &view.person;
        let mut key_rows = vec![
            (
                t.get("episode-status"),
                t.get(&format!("phase-{}", s.phase.code())),
            ),
            (t.get("episode-opened"), t.date_time(s.opened.at)),
            (
                t.get("pack-time-missing"),
                episode_form::duration(t, time_missing(s, now)),
            ),
        ];
        if let Some(g) = &s.police_grade {
            key_rows.push((
                t.get("ev-police_graded-grade"),
                t.get(&episode_form::choice_id("grade", g.grade.code())),
            ));
        }
        if let Some(v) = s.plan_version {
            key_rows.push((t.get("episode-plan-version"), v.to_string()));
        }
        let rows = view
            .events
            .iter()
            .map(|r| {
                let (title, fields) = episode_form::describe(t, &r.event);
                let mut text = vec![title];
                text.extend(fields.into_iter().map(|(k, v)| format!("{k}: {v}")));
                text.push(t.args(
                    "episode-recorded-by",
                    &[
                        ("who", r.recorded_by_label.as_str()),
                        ("when", &t.date_time(r.recorded_at)),
                    ],
                ));
                (
                    format!("{} · {}", r.seq, t.date_time(r.when.at)),
                    text.join("\n"),
                )
            })
            .collect();
        let doc = PolicePack {
            lang: locale.code().into(),
            title: t.get("chronology-title"),
            marking: t.get("pack-marking"),
            name: format!("{} {}", p.given_name, p.family_name),
            subtitle: t.get(&format!("kind-{}", p.kind.code())),
            key_rows,
            show_photo: false,
            nothing: t.get("pack-nothing"),
            sections: vec![Section {
                title: t.get("chronology-entries"),
                rows,
            }],
            footer: t.args(
                "chronology-footer",
                &[
                    ("who", &actor.user.display_name),
                    ("when", &t.date_time(now)),
                ],
            ),
            ..PolicePack::default()
        };
        let e = actor.event(
            now,
            meta,
            "episode.chronology_pdf",
            "episode",
            Some(id.to_string()),
            Outcome::Allowed,
        );
        self.typeset(doc, e).await
    }
}
