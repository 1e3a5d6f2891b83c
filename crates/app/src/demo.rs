//! Fictional demo data: three providers, an account for every role in each, and a dozen
//! people whose names announce that they are made up ("Ffug" and "Dychmygol" are Welsh for
//! "fake" and "imaginary"; the email domains use the reserved `.example` suffix).

use crate::auth::hash_password;
use crate::demo_profiles;
use crate::{App, AppError, AppResult};
use homeward_domain::audit::{AuditEvent, Outcome};
use homeward_domain::forms::DocKind;
use homeward_domain::ids::{OrgId, PersonId, ServiceId, UserId};
use homeward_domain::organisation::{Nation, Regulator, ServiceKind};
use homeward_domain::person::PersonKind;
use homeward_domain::role::Role;
use homeward_store::{
    DisclosureRecord, DocumentVersion, Grant, Membership, NewUser, Organisation, Person, Service,
    User,
};
use jiff::civil::date;

/// A demo account, to print for whoever started the demo.
#[derive(Clone, Debug)]
pub struct DemoAccount {
    pub organisation: String,
    pub role: Role,
    pub email: String,
    /// The account's authenticator secret in base32, to add to an app (or make codes from).
    pub second_factor: String,
}

struct DemoOrg {
    name: &'static str,
    domain: &'static str,
    nation: Nation,
    regulator: Regulator,
    registration: &'static str,
    manager: &'static str,
    lead: &'static str,
    services: &'static [(&'static str, ServiceKind, &'static str)],
    people: &'static [DemoPerson],
}

struct DemoPerson(&'static str, &'static str, PersonKind, Born, ServiceIndex);
struct Born(i16, i8, i8);
/// Which of the organisation's services (by position) the person is with.
struct ServiceIndex(usize);

const ORGS: [DemoOrg; 3] = [
    DemoOrg {
        name: "Cartrefi Ffug Children's Homes",
        domain: "cartrefi-ffug.example",
        nation: Nation::Wales,
        regulator: Regulator::Ciw,
        registration: "SIN-00000001",
        manager: "Gwen Ffug",
        lead: "Huw Ffug",
        services: &[
            ("Tŷ Enghraifft", ServiceKind::ChildrensHome, "SIN-00000002"),
            ("Bwthyn Esiampl", ServiceKind::ChildrensHome, "SIN-00000003"),
        ],
        people: &[
            DemoPerson(
                "Ffion",
                "Ffug",
                PersonKind::Child,
                Born(2011, 3, 14),
                ServiceIndex(0),
            ),
            DemoPerson(
                "Tomos",
                "Testun",
                PersonKind::Child,
                Born(2010, 9, 2),
                ServiceIndex(0),
            ),
            DemoPerson(
                "Alys",
                "Enghraifft",
                PersonKind::Child,
                Born(2012, 1, 27),
                ServiceIndex(1),
            ),
            DemoPerson(
                "Dewi",
                "Dychmygol",
                PersonKind::Child,
                Born(2009, 11, 30),
                ServiceIndex(1),
            ),
        ],
    },
    DemoOrg {
        name: "Sample Shire Care Ltd",
        domain: "sample-shire.example",
        nation: Nation::England,
        regulator: Regulator::Ofsted,
        registration: "SC000001",
        manager: "Patricia Placeholder",
        lead: "Simon Sample",
        services: &[
            ("Example House", ServiceKind::ChildrensHome, "SC000002"),
            (
                "Sample Shire Fostering",
                ServiceKind::FosteringService,
                "SC000003",
            ),
        ],
        people: &[
            DemoPerson(
                "Teddy",
                "Testcase",
                PersonKind::Child,
                Born(2010, 6, 5),
                ServiceIndex(0),
            ),
            DemoPerson(
                "Polly",
                "Placeholder",
                PersonKind::Child,
                Born(2011, 8, 19),
                ServiceIndex(0),
            ),
            DemoPerson(
                "Danny",
                "Dummy",
                PersonKind::Child,
                Born(2009, 12, 1),
                ServiceIndex(0),
            ),
            DemoPerson(
                "Sammy",
                "Sample",
                PersonKind::Child,
                Born(2013, 4, 22),
                ServiceIndex(1),
            ),
        ],
    },
    DemoOrg {
        name: "Gofal Cartref Dychmygol",
        domain: "gofal-dychmygol.example",
        nation: Nation::Wales,
        regulator: Regulator::Ciw,
        registration: "SIN-00000010",
        manager: "Eleri Esiampl",
        lead: "Iolo Imaginary",
        services: &[(
            "Dychmygol Home Care, Conwy",
            ServiceKind::HomeCare,
            "SIN-00000011",
        )],
        people: &[
            DemoPerson(
                "Gwilym",
                "Ffug",
                PersonKind::Adult,
                Born(1941, 2, 8),
                ServiceIndex(0),
            ),
            DemoPerson(
                "Megan",
                "Esiampl",
                PersonKind::Adult,
                Born(1938, 7, 16),
                ServiceIndex(0),
            ),
            DemoPerson(
                "Idris",
                "Dychmygol",
                PersonKind::Adult,
                Born(1946, 10, 3),
                ServiceIndex(0),
            ),
            DemoPerson(
                "Nia",
                "Ffantasi",
                PersonKind::Adult,
                Born(1950, 5, 25),
                ServiceIndex(0),
            ),
        ],
    },
];

fn role_label(role: Role) -> &'static str {
    match role {
        Role::CareWorker => "Care Worker",
        Role::ShiftLead => "Shift Lead",
        Role::Manager => "Manager",
        Role::SafeguardingLead => "Safeguarding Lead",
        Role::OrgAdmin => "Admin",
        Role::Auditor => "Auditor",
        Role::Police => "Police Officer",
        Role::SocialWorker => "Social Worker",
        Role::ReturnInterviewWorker => "Return Interviewer",
        Role::Inspector => "Inspector",
    }
}

impl App {
    fn today_in_london(&self) -> jiff::civil::Date {
        homeward_domain::time::in_london(self.clock.now()).date()
    }

    pub(crate) fn demo_event(
        &self,
        org: OrgId,
        action: &str,
        kind: &str,
        id: String,
    ) -> AuditEvent {
        AuditEvent {
            at: self.clock.now(),
            org_id: Some(org),
            actor: None,
            actor_label: "demo".into(),
            action: action.into(),
            resource_kind: kind.into(),
            resource_id: Some(id),
            outcome: Outcome::Allowed,
            ip: None,
        }
    }

    /// Each service's rota: the shift lead on call tonight, the manager when nobody is.
    async fn demo_rotas(
        &self,
        org: OrgId,
        services: &[ServiceId],
        people: &[(Role, UserId, String)],
    ) -> AppResult<()> {
        use homeward_domain::escalation::{Contact, Rota, Shift};
        let now = self.clock.now();
        let contact = |role: Role| {
            people
                .iter()
                .find(|(r, _, _)| *r == role)
                .map(|(_, user, label)| Contact {
                    user: *user,
                    label: label.clone(),
                })
        };
        for service in services {
            let rota = Rota {
                shifts: contact(Role::ShiftLead)
                    .map(|c| Shift {
                        contact: c,
                        from: now - jiff::SignedDuration::from_hours(2),
                        to: now + jiff::SignedDuration::from_hours(10),
                    })
                    .into_iter()
                    .collect(),
                default_contact: contact(Role::Manager),
                ..Rota::default()
            };
            let version = homeward_store::RotaVersion {
                org_id: org,
                service_id: *service,
                version: 1,
                rota,
                recorded_by_label: "demo".into(),
                recorded_at: now,
            };
            self.store
                .append_rota(
                    &version,
                    &self.demo_event(org, "service.rota_update", "service", service.to_string()),
                )
                .await?;
        }
        Ok(())
    }

    /// Loads the demo data into an empty store. Every demo account gets `password`.
    pub async fn seed_demo(&self, password: &str) -> AppResult<Vec<DemoAccount>> {
        if !self.store.list_organisations().await?.is_empty() {
            return Err(AppError::Internal(
                "the demo needs an empty database".into(),
            ));
        }
        let now = self.clock.now();
        let mut accounts = Vec::new();
        let mut provider_people = Vec::new();
        for spec in &ORGS {
            let org = Organisation {
                id: OrgId::new_random(),
                name: spec.name.into(),
                nation: spec.nation,
                regulator: spec.regulator,
                registration_number: spec.registration.into(),
                registered_manager: spec.manager.into(),
                safeguarding_lead: spec.lead.into(),
                created_at: now,
                kind: "provider".into(),
            };
            self.store
                .create_organisation(
                    &org,
                    &self.demo_event(
                        org.id,
                        "organisation.create",
                        "organisation",
                        org.id.to_string(),
                    ),
                )
                .await?;
            let mut service_ids = Vec::new();
            for (name, kind, registration) in spec.services {
                let service = Service {
                    id: ServiceId::new_random(),
                    org_id: org.id,
                    name: (*name).into(),
                    kind: *kind,
                    registration_number: (*registration).into(),
                    created_at: now,
                };
                self.store
                    .create_service(
                        &service,
                        &self.demo_event(
                            org.id,
                            "service.create",
                            "service",
                            service.id.to_string(),
                        ),
                    )
                    .await?;
                service_ids.push(service.id);
            }
            let mut on_call = Vec::new();
            // Partners are never members of a provider: they have organisations of their own.
            for role in Role::ALL.into_iter().filter(|r| !r.is_partner()) {
                let email = format!("{}@{}", role.code().replace('_', "-"), spec.domain);
                // One care worker belongs to a single home, to show that roles can be scoped.
                let service_id =
                    (role == Role::CareWorker && service_ids.len() > 1).then(|| service_ids[0]);
                let user = User {
                    id: UserId::new_random(),
                    org_id: org.id,
                    email: email.clone(),
                    display_name: format!("Demo {}", role_label(role)),
                    active: true,
                    created_at: now,
                };
                let new = NewUser {
                    password_hash: hash_password(password.to_owned()).await?,
                    memberships: vec![Membership { role, service_id }],
                    user,
                };
                self.store
                    .create_user(
                        &new,
                        &self.demo_event(org.id, "user.create", "user", new.user.id.to_string()),
                    )
                    .await?;
                if matches!(role, Role::ShiftLead | Role::Manager) {
                    on_call.push((role, new.user.id, new.user.display_name.clone()));
                }
                // Every demo account has its second factor set up, from a secret printed
                // beside it, so a newcomer signs in with any authenticator app.
                self.enrol_demo_account(&new.user).await?;
                accounts.push(DemoAccount {
                    organisation: spec.name.into(),
                    role,
                    second_factor: homeward_domain::totp::secret_text(
                        &self.keys.demo_second_factor_secret(&email),
                    ),
                    email,
                });
            }
            self.demo_rotas(org.id, &service_ids, &on_call).await?;
            let mut people = Vec::new();
            for (n, DemoPerson(given, family, kind, Born(y, m, d), ServiceIndex(service))) in
                spec.people.iter().enumerate()
            {
                let person = Person {
                    id: PersonId::new_random(),
                    org_id: org.id,
                    service_id: service_ids[*service],
                    given_name: (*given).into(),
                    family_name: (*family).into(),
                    kind: *kind,
                    date_of_birth: Some(date(*y, *m, *d)),
                    estimated_age: None,
                    created_at: now,
                };
                let docs =
                    demo_profiles::documents(&person, n, spec.nation, self.today_in_london())?;
                let version = |kind,
                               document: homeward_domain::forms::Document,
                               agreed: Option<&str>| {
                    DocumentVersion {
                        person_id: person.id,
                        kind,
                        version: 1,
                        changed: document.0.keys().cloned().collect(),
                        review_date: homeward_domain::forms::review::review_date(kind, &document),
                        document,
                        recorded_by: None,
                        recorded_by_label: "demo".into(),
                        recorded_at: now,
                        agreed_by_label: agreed.map(str::to_string),
                        agreed_at: agreed.map(|_| now),
                    }
                };
                let event =
                    |action: &str| self.demo_event(org.id, action, "person", person.id.to_string());
                let profile = version(DocKind::Profile, docs.profile, None);
                self.store
                    .create_person_with_profile(&person, &profile, &event("person.create"))
                    .await?;
                let risk = version(DocKind::RiskAssessment, docs.risk, None);
                self.store
                    .append_document(org.id, &risk, None, &event("risk_assessment.update"))
                    .await?;
                // Most plans are agreed; one per organisation waits for a manager.
                // A drawn portrait, through the same processing as any upload; one person's
                // photo is old, so the page asks for a new one.
                let today = self.today_in_london();
                let months_ago = if n == 3 { 5 } else { 1 };
                let taken_on = today
                    .checked_sub(jiff::Span::new().months(months_ago))
                    .unwrap_or(today);
                let portrait = crate::photos::demo_portrait(n + spec.people.len());
                if let Ok(processed) = crate::photos::process_photo(&portrait) {
                    let photo = homeward_store::PhotoMeta {
                        id: homeward_domain::ids::PhotoId::new_random(),
                        person_id: person.id,
                        taken_on,
                        width: processed.width,
                        height: processed.height,
                        uploaded_by_label: "demo".into(),
                        uploaded_at: now,
                    };
                    self.store
                        .add_photo(org.id, &photo, &processed.jpeg, &event("photo.add"))
                        .await?;
                }
                let plan = version(
                    DocKind::MissingPlan,
                    docs.plan,
                    (n != 1).then_some(spec.manager),
                );
                self.store
                    .append_document(org.id, &plan, None, &event("missing_plan.update"))
                    .await?;
                people.push(person);
            }
            self.demo_episodes(spec.nation, spec.domain, &people)
                .await?;
            // The demo's history is written as it happened; its facts for the patterns
            // pages are worked out from it as an upgrade would.
            self.rebuild_learning(Some(org.id)).await?;
            provider_people.push((org.id, spec.manager, people));
        }
        self.demo_partners(password, &provider_people, &mut accounts)
            .await?;
        Ok(accounts)
    }

    /// A police force, a local authority, a return-interview service and an inspectorate,
    /// each with an account for its partner role; the first provider has given each of the
    /// first three access to the records of the person missing now, for their purpose, and
    /// has an inspection open to the inspectorate.
    async fn demo_partners(
        &self,
        password: &str,
        providers: &[(OrgId, &str, Vec<Person>)],
        accounts: &mut Vec<DemoAccount>,
    ) -> AppResult<()> {
        let now = self.clock.now();
        for DemoPartner {
            name,
            kind,
            domain,
            role,
            purpose,
            sections,
        } in PARTNERS
        {
            let org = Organisation {
                id: OrgId::new_random(),
                name: (*name).into(),
                nation: Nation::Wales,
                regulator: Regulator::Ciw,
                registration_number: "-".into(),
                registered_manager: "-".into(),
                safeguarding_lead: "-".into(),
                created_at: now,
                kind: (*kind).into(),
            };
            self.store
                .create_organisation(
                    &org,
                    &self.demo_event(
                        org.id,
                        "organisation.create",
                        "organisation",
                        org.id.to_string(),
                    ),
                )
                .await?;
            let email = format!("{}@{domain}", role.code().replace('_', "-"));
            let new = NewUser {
                password_hash: hash_password(password.to_owned()).await?,
                memberships: vec![Membership {
                    role,
                    service_id: None,
                }],
                user: User {
                    id: UserId::new_random(),
                    org_id: org.id,
                    email: email.clone(),
                    display_name: format!("Demo {}", role_label(role)),
                    active: true,
                    created_at: now,
                },
            };
            self.store
                .create_user(
                    &new,
                    &self.demo_event(org.id, "user.create", "user", new.user.id.to_string()),
                )
                .await?;
            self.enrol_demo_account(&new.user).await?;
            accounts.push(DemoAccount {
                organisation: (*name).into(),
                role,
                second_factor: homeward_domain::totp::secret_text(
                    &self.keys.demo_second_factor_secret(&email),
                ),
                email,
            });
            let Some((provider, manager, people)) = providers.first() else {
                continue;
            };
            if kind == "inspectorate" {
                // An inspection under way: the inspector can read all of the first
                // provider's homes this week.
                let inspection = homeward_store::Inspection {
                    id: uuid::Uuid::new_v4(),
                    org_id: *provider,
                    inspectorate_id: org.id,
                    service_id: None,
                    reference: "Demo inspection 2026/118".into(),
                    granted_by: None,
                    granted_by_label: (*manager).into(),
                    granted_at: now,
                    ends_at: now + homeward_domain::inspection::LONGEST / 2,
                    ended: None,
                };
                self.store
                    .open_inspection(
                        &inspection,
                        &self.demo_event(
                            *provider,
                            "inspection.open",
                            "inspection",
                            inspection.id.to_string(),
                        ),
                    )
                    .await?;
                continue;
            }
            for person in people {
                // The council places the first provider's children, and the provider has
                // linked it to their records.
                if kind == "local_authority" && person.kind == PersonKind::Child {
                    self.demo_grant(
                        *provider,
                        manager,
                        person,
                        &org,
                        None,
                        homeward_domain::access::PLACING,
                        homeward_domain::access::SECTIONS,
                        "They place this child with us",
                        homeward_domain::access::placing_ends_at(now),
                    )
                    .await?;
                }
                let Some(episode) = self.store.open_episode_of(*provider, person.id).await? else {
                    continue;
                };
                self.demo_grant(
                    *provider,
                    manager,
                    person,
                    &org,
                    Some(episode),
                    purpose,
                    sections,
                    "They are missing now",
                    homeward_domain::access::ends_at(now, None),
                )
                .await?;
            }
        }
        Ok(())
    }

    /// One of the demo's grants, with its disclosure, as a manager gave it.
    #[allow(clippy::too_many_arguments)]
    async fn demo_grant(
        &self,
        provider: OrgId,
        manager: &str,
        person: &Person,
        partner: &Organisation,
        episode: Option<homeward_domain::ids::EpisodeId>,
        purpose: &str,
        sections: &[&str],
        why: &str,
        ends_at: jiff::Timestamp,
    ) -> AppResult<()> {
        let now = self.clock.now();
        let disclosure = DisclosureRecord {
            id: uuid::Uuid::new_v4(),
            org_id: provider,
            service_id: person.service_id,
            person_id: person.id,
            shared: homeward_domain::episode::Occurred::in_london(now),
            recorded_at: now,
            decided_by: None,
            decided_by_label: manager.into(),
            kind: "grant".into(),
            disclosure: homeward_domain::disclosure::Disclosure {
                what: format!("Access in Homeward: {}", sections.join(", ")),
                recipient: partner.name.clone(),
                purpose: why.into(),
                lawful_basis: if episode.is_some() {
                    "vital_interests"
                } else {
                    "public_task"
                }
                .into(),
                condition: "safeguarding".into(),
                consent: "not_asked".into(),
                told_person: "They will be told when they are back".into(),
                ..Default::default()
            },
        };
        let grant = Grant {
            id: uuid::Uuid::new_v4(),
            org_id: provider,
            partner_org_id: partner.id,
            person_id: person.id,
            episode_id: episode,
            purpose: purpose.into(),
            reason: why.into(),
            sections: sections.iter().map(|s| (*s).to_string()).collect(),
            granted_by: None,
            granted_by_label: manager.into(),
            granted_at: now,
            ends_at,
            disclosure_id: disclosure.id,
            ended: None,
        };
        self.store
            .give_access(
                &grant,
                &disclosure,
                &self.demo_event(provider, "grant.give", "person", person.id.to_string()),
            )
            .await?;
        Ok(())
    }
}

/// One of the demo's partners, and what the first provider shares with it about the person
/// missing now.
struct DemoPartner {
    name: &'static str,
    kind: &'static str,
    domain: &'static str,
    role: Role,
    purpose: &'static str,
    sections: &'static [&'static str],
}

const PARTNERS: [DemoPartner; 4] = [
    DemoPartner {
        name: "Heddlu Dychmygol Police",
        kind: "police",
        domain: "heddlu-dychmygol.example",
        role: Role::Police,
        purpose: "find",
        sections: &["police_pack", "chronology"],
    },
    DemoPartner {
        name: "Cyngor Sir Ffug County Council",
        kind: "local_authority",
        domain: "cyngor-ffug.example",
        role: Role::SocialWorker,
        purpose: "strategy_discussion",
        sections: &[
            "information_form",
            "risk_assessment",
            "missing_plan",
            "chronology",
        ],
    },
    DemoPartner {
        name: "Siarad Return Interviews",
        kind: "return_interviews",
        domain: "siarad.example",
        role: Role::ReturnInterviewWorker,
        purpose: "return_interview",
        sections: &["information_form", "chronology"],
    },
    // Not given grants: the first provider has an inspection open to it instead.
    DemoPartner {
        name: "Arolygiaeth Ffug Inspectorate",
        kind: "inspectorate",
        domain: "arolygiaeth-ffug.example",
        role: Role::Inspector,
        purpose: "",
        sections: &[],
    },
];
