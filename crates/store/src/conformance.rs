//! The behaviour every storage engine must show. Each engine's tests run all of it through
//! [`conformance_suite!`](crate::conformance_suite), one test per case.

// Test code, compiled into the library only with the `conformance` feature: failing loudly is
// its job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::*;
use homeward_domain::audit::{self, AuditEvent, ChainState, Outcome};
use jiff::SignedDuration;
use std::sync::Arc;

/// The key engines under test are opened with.
pub const TEST_AUDIT_KEY: &[u8] = b"conformance-suite-audit-key-0001";

fn t0() -> Timestamp {
    Timestamp::from_second(1_795_000_000).unwrap_or(Timestamp::UNIX_EPOCH)
}

pub fn event(org: Option<OrgId>, action: &str) -> AuditEvent {
    AuditEvent {
        at: t0(),
        org_id: org,
        actor: None,
        actor_label: "system".into(),
        action: action.into(),
        resource_kind: "test".into(),
        resource_id: None,
        outcome: Outcome::Allowed,
        ip: Some("127.0.0.1".into()),
    }
}

pub async fn organisation(store: &dyn Store, name: &str) -> (Organisation, Service) {
    let org = Organisation {
        id: OrgId::new_random(),
        name: name.into(),
        nation: Nation::Wales,
        regulator: Regulator::Ciw,
        registration_number: "W1234567".into(),
        registered_manager: "Morgan Example".into(),
        safeguarding_lead: "Rhian Sample".into(),
        created_at: t0(),
        kind: "provider".into(),
    };
    store
        .create_organisation(&org, &event(Some(org.id), "organisation.create"))
        .await
        .unwrap();
    let service = Service {
        id: ServiceId::new_random(),
        org_id: org.id,
        name: format!("{name} House"),
        kind: ServiceKind::ChildrensHome,
        registration_number: "SIN-0001".into(),
        created_at: t0(),
    };
    store
        .create_service(&service, &event(Some(org.id), "service.create"))
        .await
        .unwrap();
    (org, service)
}

pub async fn user(store: &dyn Store, org: OrgId, email: &str, roles: &[Role]) -> User {
    let user = User {
        id: UserId::new_random(),
        org_id: org,
        email: email.into(),
        display_name: format!("Test {email}"),
        active: true,
        created_at: t0(),
    };
    let new = NewUser {
        user: user.clone(),
        password_hash: "$argon2id$placeholder".into(),
        memberships: roles
            .iter()
            .map(|&role| Membership {
                role,
                service_id: None,
            })
            .collect(),
    };
    store
        .create_user(&new, &event(Some(org), "user.create"))
        .await
        .unwrap();
    user
}

async fn audit_count(store: &dyn Store) -> usize {
    store.audit_page(0, 1_000_000).await.unwrap().len()
}

async fn verify_chain(store: &dyn Store) -> ChainState {
    let mut state = ChainState::default();
    loop {
        let page = store.audit_page(state.last_seq, 50).await.unwrap();
        if page.is_empty() {
            return state;
        }
        audit::verify_page(TEST_AUDIT_KEY, &mut state, &page).unwrap();
    }
}

pub async fn ping_answers(store: Arc<dyn Store>) {
    store.ping().await.unwrap();
    store.close().await;
    let err = store.ping().await.unwrap_err();
    assert!(
        matches!(err, StoreError::Unavailable(_)),
        "a closed store is unavailable: {err:?}"
    );
}

pub async fn organisations_and_services_round_trip(store: Arc<dyn Store>) {
    let (org, service) = organisation(&*store, "Bryn").await;
    assert_eq!(
        store.get_organisation(org.id).await.unwrap(),
        Some(org.clone())
    );
    assert_eq!(store.list_services(org.id).await.unwrap(), vec![service]);
    let (other, _) = organisation(&*store, "Afon").await;
    assert_eq!(store.list_organisations().await.unwrap().len(), 2);
    assert!(
        store
            .list_services(other.id)
            .await
            .unwrap()
            .iter()
            .all(|s| s.org_id == other.id)
    );
    assert_eq!(
        store.get_organisation(OrgId::new_random()).await.unwrap(),
        None
    );
}

pub async fn users_are_scoped_to_their_organisation(store: Arc<dyn Store>) {
    let (a, _) = organisation(&*store, "A").await;
    let (b, _) = organisation(&*store, "B").await;
    let ua = user(
        &*store,
        a.id,
        "a@example.org",
        &[Role::Manager, Role::CareWorker],
    )
    .await;
    let found = store.get_user(a.id, ua.id).await.unwrap().unwrap();
    assert_eq!(found.user, ua);
    let mut roles: Vec<Role> = found.memberships.iter().map(|m| m.role).collect();
    roles.sort();
    assert_eq!(roles, vec![Role::CareWorker, Role::Manager]);
    assert_eq!(
        store.get_user(b.id, ua.id).await.unwrap(),
        None,
        "another organisation's user"
    );
    let everyone = UsersQuery {
        limit: 100,
        ..UsersQuery::default()
    };
    let listed = store
        .users_page(b.id, &everyone, Some(&event(Some(b.id), "user.list")))
        .await
        .unwrap();
    assert!(listed.is_empty());
    let creds = store
        .find_credentials("a@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(creds.user.id, ua.id);
    assert!(
        store
            .find_credentials("nobody@example.org")
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn duplicate_email_is_a_conflict_and_writes_nothing(store: Arc<dyn Store>) {
    let (org, _) = organisation(&*store, "Dup").await;
    user(&*store, org.id, "same@example.org", &[Role::CareWorker]).await;
    let before = audit_count(&*store).await;
    let clash = NewUser {
        user: User {
            id: UserId::new_random(),
            org_id: org.id,
            email: "same@example.org".into(),
            display_name: "Clash".into(),
            active: true,
            created_at: t0(),
        },
        password_hash: "x".into(),
        memberships: vec![Membership {
            role: Role::Manager,
            service_id: None,
        }],
    };
    let err = store
        .create_user(&clash, &event(Some(org.id), "user.create"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(
        audit_count(&*store).await,
        before,
        "no audit record for a write that failed"
    );
    assert_eq!(store.get_user(org.id, clash.user.id).await.unwrap(), None);
}

pub async fn roles_are_replaced_within_the_organisation_only(store: Arc<dyn Store>) {
    let (a, service) = organisation(&*store, "A").await;
    let (b, _) = organisation(&*store, "B").await;
    let u = user(&*store, a.id, "r@example.org", &[Role::CareWorker]).await;
    let new_roles = [
        Membership {
            role: Role::ShiftLead,
            service_id: Some(service.id),
        },
        Membership {
            role: Role::Auditor,
            service_id: None,
        },
    ];
    assert!(
        !store
            .set_memberships(b.id, u.id, &new_roles, &event(Some(b.id), "user.roles"))
            .await
            .unwrap()
    );
    assert!(
        store
            .set_memberships(a.id, u.id, &new_roles, &event(Some(a.id), "user.roles"))
            .await
            .unwrap()
    );
    let mut got = store
        .get_user(a.id, u.id)
        .await
        .unwrap()
        .unwrap()
        .memberships;
    got.sort();
    let mut want = new_roles.to_vec();
    want.sort();
    assert_eq!(got, want);
}

pub async fn sessions_live_until_ended(store: Arc<dyn Store>) {
    let (org, _) = organisation(&*store, "S").await;
    let u = user(&*store, org.id, "s@example.org", &[Role::Manager]).await;
    let s = SessionRecord {
        token_hash: "hash-1".into(),
        user_id: u.id,
        csrf_token: "csrf".into(),
        created_at: t0(),
        last_seen_at: t0(),
        ip: Some("10.0.0.1".into()),
        second_factor_at: None,
        inspection_id: None,
    };
    store
        .create_session(&s, &event(Some(org.id), "session.start"))
        .await
        .unwrap();
    let (found, who) = store.find_session("hash-1").await.unwrap().unwrap();
    assert_eq!(found, s);
    assert_eq!(who.user.id, u.id);
    let later = t0().checked_add(SignedDuration::from_mins(5)).unwrap();
    store.touch_session("hash-1", later).await.unwrap();
    assert_eq!(
        store
            .find_session("hash-1")
            .await
            .unwrap()
            .unwrap()
            .0
            .last_seen_at,
        later
    );
    store
        .end_session("hash-1", Some(&event(Some(org.id), "session.end")))
        .await
        .unwrap();
    assert!(store.find_session("hash-1").await.unwrap().is_none());
}

pub async fn deactivation_ends_sessions_and_tokens_at_once(store: Arc<dyn Store>) {
    let (org, _) = organisation(&*store, "D").await;
    let (other, _) = organisation(&*store, "E").await;
    let u = user(&*store, org.id, "d@example.org", &[Role::CareWorker]).await;
    let s = SessionRecord {
        token_hash: "hash-d".into(),
        user_id: u.id,
        csrf_token: "csrf".into(),
        created_at: t0(),
        last_seen_at: t0(),
        ip: None,
        second_factor_at: None,
        inspection_id: None,
    };
    store
        .create_session(&s, &event(Some(org.id), "session.start"))
        .await
        .unwrap();
    let token = ApiToken {
        token_hash: "tok-d".into(),
        user_id: u.id,
        label: "script".into(),
        created_at: t0(),
        expires_at: t0().checked_add(SignedDuration::from_hours(24)).unwrap(),
    };
    store
        .create_api_token(&token, &event(Some(org.id), "token.create"))
        .await
        .unwrap();
    assert_eq!(
        store.find_api_token("tok-d").await.unwrap().unwrap().0,
        token
    );
    // A second token, revoked by its owner before the account is deactivated.
    let earlier = ApiToken {
        token_hash: "tok-e".into(),
        label: "old script".into(),
        ..token.clone()
    };
    store
        .create_api_token(&earlier, &event(Some(org.id), "token.create"))
        .await
        .unwrap();
    let by_owner = crate::Revocation {
        at: t0(),
        by: Some(u.id),
        by_label: "d@example.org".into(),
    };
    assert!(
        store
            .revoke_api_token(
                org.id,
                u.id,
                "tok-e",
                &by_owner,
                &event(Some(org.id), "token.revoke")
            )
            .await
            .unwrap()
    );
    assert!(
        !store
            .deactivate_user(other.id, u.id, &event(Some(other.id), "user.deactivate"))
            .await
            .unwrap()
    );
    assert!(
        store.find_session("hash-d").await.unwrap().is_some(),
        "another organisation cannot deactivate"
    );
    assert!(
        store
            .deactivate_user(org.id, u.id, &event(Some(org.id), "user.deactivate"))
            .await
            .unwrap()
    );
    assert!(store.find_session("hash-d").await.unwrap().is_none());
    assert!(store.find_api_token("tok-d").await.unwrap().is_none());
    // Both tokens are still listed, each revoked: the live one by the deactivation, the
    // other keeping its owner's revocation.
    let listed = store.api_tokens_of(org.id, u.id).await.unwrap();
    assert_eq!(listed.len(), 2);
    let revoked_by = |hash: &str| {
        listed
            .iter()
            .find(|l| l.token.token_hash == hash)
            .and_then(|l| l.revoked.clone())
            .map(|r| r.by_label)
    };
    assert_eq!(revoked_by("tok-e").as_deref(), Some("d@example.org"));
    assert!(revoked_by("tok-d").is_some());
    assert!(
        !store
            .get_user(org.id, u.id)
            .await
            .unwrap()
            .unwrap()
            .user
            .active
    );
}

pub async fn sign_in_failures_are_counted_in_the_window(store: Arc<dyn Store>) {
    let (org, _) = organisation(&*store, "F").await;
    let mut e = event(Some(org.id), "session.sign_in");
    e.outcome = Outcome::Failed;
    for (email, ip) in [
        ("x@example.org", "1.1.1.1"),
        ("x@example.org", "1.1.1.1"),
        ("x@example.org", "2.2.2.2"),
        ("y@example.org", "1.1.1.1"),
    ] {
        store
            .record_sign_in_failure(email, ip, None, &e)
            .await
            .unwrap();
    }
    // Two from one remembered browser, on different accounts.
    for email in ["x@example.org", "z@example.org"] {
        store
            .record_sign_in_failure(email, "3.3.3.3", Some("device-a"), &e)
            .await
            .unwrap();
    }
    let r = store
        .recent_failures("x@example.org", "1.1.1.1", None, t0())
        .await
        .unwrap();
    assert_eq!(
        (r.account_and_address, r.address, r.account, r.device),
        (2, 3, 4, 0)
    );
    let r = store
        .recent_failures("x@example.org", "1.1.1.1", Some("device-a"), t0())
        .await
        .unwrap();
    assert_eq!(r.device, 2);
    let after = t0().checked_add(SignedDuration::from_secs(1)).unwrap();
    let r = store
        .recent_failures("x@example.org", "1.1.1.1", None, after)
        .await
        .unwrap();
    assert_eq!((r.account_and_address, r.address, r.account), (0, 0, 0));
}

pub async fn trusted_devices_belong_to_one_user(store: Arc<dyn Store>) {
    let (org, _) = organisation(&*store, "T").await;
    let u = user(&*store, org.id, "t@example.org", &[Role::CareWorker]).await;
    let v = user(&*store, org.id, "v@example.org", &[Role::CareWorker]).await;
    store.trust_device("dev-1", u.id, t0()).await.unwrap();
    assert!(store.is_trusted_device("dev-1", u.id).await.unwrap());
    assert!(!store.is_trusted_device("dev-1", v.id).await.unwrap());
    assert!(!store.is_trusted_device("dev-2", u.id).await.unwrap());
}

/// Disclosures are kept per person, listed latest first a page at a time, narrowed by person,
/// service, window and recipient, and only for the person's own organisation.
pub async fn disclosures_are_kept_per_person_and_listed_within_the_organisation(
    store: Arc<dyn Store>,
) {
    use crate::{DisclosureQuery, DisclosureRecord};
    let (org, home) = organisation(&*store, "Shares").await;
    let (other_org, other_home) = organisation(&*store, "Elsewhere").await;
    let ada_here = ada(org.id, home.id);
    let someone_else = ada(other_org.id, other_home.id);
    for (p, o) in [(&ada_here, org.id), (&someone_else, other_org.id)] {
        store
            .create_person(p, &event(Some(o), "person.create"))
            .await
            .unwrap();
    }
    let record = |person: PersonId, at: &str, recipient: &str| DisclosureRecord {
        id: uuid::Uuid::new_v4(),
        org_id: org.id,
        service_id: home.id,
        person_id: person,
        shared: homeward_domain::episode::Occurred::in_london(at.parse().unwrap()),
        recorded_at: t0(),
        decided_by: None,
        decided_by_label: "Shift lead".into(),
        kind: "recorded".into(),
        disclosure: homeward_domain::disclosure::Disclosure {
            what: "Photo and description".into(),
            recipient: recipient.into(),
            purpose: "To find her".into(),
            lawful_basis: "vital_interests".into(),
            condition: "safeguarding".into(),
            consent: "not_asked".into(),
            concern: String::new(),
            told_person: "Told on return".into(),
        },
    };
    let first = record(
        ada_here.id,
        "2026-10-24T23:30:00Z",
        "PC Jones, Gwent Police",
    );
    let second = record(
        ada_here.id,
        "2026-10-25T01:30:00Z",
        "Duty team, 100% Council",
    );
    let before = audit_count(&*store).await;
    store
        .record_disclosures(
            &[first.clone(), second.clone()],
            &event(Some(org.id), "disclosure.record"),
        )
        .await
        .unwrap();
    assert_eq!(audit_count(&*store).await, before + 1);
    // Someone in another organisation cannot be recorded against this one: nothing written.
    let wrong = record(someone_else.id, "2026-10-25T02:00:00Z", "PC Jones");
    assert!(matches!(
        store
            .record_disclosures(&[wrong], &event(Some(org.id), "disclosure.record"))
            .await,
        Err(crate::StoreError::Conflict(_))
    ));
    let list = |q: DisclosureQuery| {
        let store = store.clone();
        async move {
            store
                .disclosures(org.id, &q, &event(Some(org.id), "disclosure.list"))
                .await
                .unwrap()
                .into_iter()
                .map(|d| d.id)
                .collect::<Vec<_>>()
        }
    };
    let all = DisclosureQuery {
        limit: 10,
        ..DisclosureQuery::default()
    };
    assert_eq!(list(all.clone()).await, [second.id, first.id]);
    let kept = store
        .disclosures(org.id, &all, &event(Some(org.id), "disclosure.list"))
        .await
        .unwrap();
    assert_eq!(kept[1], first, "kept as recorded");
    assert_eq!(
        list(DisclosureQuery {
            person: Some(ada_here.id),
            limit: 1,
            ..all.clone()
        })
        .await,
        [second.id]
    );
    assert_eq!(
        list(DisclosureQuery {
            after: Some((second.shared.at, second.id)),
            ..all.clone()
        })
        .await,
        [first.id]
    );
    // A percent sign is a percent sign; words match in any case.
    assert_eq!(
        list(DisclosureQuery {
            recipient: Some("100%".into()),
            ..all.clone()
        })
        .await,
        [second.id]
    );
    assert_eq!(
        list(DisclosureQuery {
            recipient: Some("gwent".into()),
            ..all.clone()
        })
        .await,
        [first.id]
    );
    assert!(
        list(DisclosureQuery {
            services: Some(vec![other_home.id]),
            ..all.clone()
        })
        .await
        .is_empty()
    );
    assert_eq!(
        list(DisclosureQuery {
            from: Some("2026-10-25T00:00:00Z".parse().unwrap()),
            ..all.clone()
        })
        .await,
        [second.id]
    );
    // The other organisation sees none of them.
    assert!(
        store
            .disclosures(
                other_org.id,
                &all,
                &event(Some(other_org.id), "disclosure.list")
            )
            .await
            .unwrap()
            .is_empty()
    );
}

/// One disclosure recorded about one person (for the engines' own append-only tests).
pub async fn a_recorded_disclosure(store: &dyn Store) {
    let (org, home) = organisation(store, "One share").await;
    let person = ada(org.id, home.id);
    store
        .create_person(&person, &event(Some(org.id), "person.create"))
        .await
        .unwrap();
    let record = crate::DisclosureRecord {
        id: uuid::Uuid::new_v4(),
        org_id: org.id,
        service_id: home.id,
        person_id: person.id,
        shared: homeward_domain::episode::Occurred::in_london(t0()),
        recorded_at: t0(),
        decided_by: None,
        decided_by_label: "Manager".into(),
        kind: "recorded".into(),
        disclosure: homeward_domain::disclosure::Disclosure {
            what: "Photo".into(),
            recipient: "PC Jones".into(),
            purpose: "To find her".into(),
            lawful_basis: "vital_interests".into(),
            condition: "safeguarding".into(),
            consent: "given".into(),
            ..Default::default()
        },
    };
    store
        .record_disclosures(&[record], &event(Some(org.id), "disclosure.record"))
        .await
        .unwrap();
}

/// A partner's grants: given with their disclosure, seen only by that partner while live,
/// ended once by revoking or when their episode closes, and never for another provider's
/// person.
/// An inspection reaches only its inspectorate, only while it is live (not past its end, not
/// ended early), only for a home of the provider's own; ending one twice does nothing; a
/// session remembers the inspection it reads under; and what the inspectorate's people did
/// in the provider's records in that time is listed, and nothing else.
pub async fn inspections_reach_only_their_inspectorate_while_live(store: Arc<dyn Store>) {
    let (org, home) = organisation(&*store, "Provider").await;
    let (inspectorate, _) = organisation(&*store, "Inspectorate").await;
    let (other, other_home) = organisation(&*store, "Other inspectorate").await;
    let now = t0();
    let inspection = |service: Option<ServiceId>, hours: i64| Inspection {
        id: uuid::Uuid::new_v4(),
        org_id: org.id,
        inspectorate_id: inspectorate.id,
        service_id: service,
        reference: "SC-1".into(),
        granted_by: None,
        granted_by_label: "Manager".into(),
        granted_at: now,
        ends_at: now + SignedDuration::from_hours(hours),
        ended: None,
    };
    let whole = inspection(None, 48);
    let one_home = inspection(Some(home.id), 48);
    let short = inspection(None, 1);
    for i in [&whole, &one_home, &short] {
        store
            .open_inspection(i, &event(Some(org.id), "inspection.open"))
            .await
            .unwrap();
    }
    // Another organisation's home is refused, and nothing is written.
    let wrong = inspection(Some(other_home.id), 48);
    assert!(
        store
            .open_inspection(&wrong, &event(Some(org.id), "inspection.open"))
            .await
            .is_err()
    );
    assert_eq!(
        store
            .inspections_of(org.id, None, None, 10)
            .await
            .unwrap()
            .len(),
        3
    );

    let later = now + SignedDuration::from_hours(2);
    let live: Vec<uuid::Uuid> = store
        .live_inspections(inspectorate.id, later)
        .await
        .unwrap()
        .into_iter()
        .map(|(i, name)| {
            assert_eq!(name, "Provider");
            i.id
        })
        .collect();
    assert!(live.contains(&whole.id) && live.contains(&one_home.id));
    assert!(!live.contains(&short.id), "past its end");
    assert!(
        store
            .live_inspections(other.id, later)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .live_inspection(other.id, whole.id, later)
            .await
            .unwrap()
            .is_none(),
        "another inspectorate's"
    );
    assert_eq!(
        store
            .live_inspection(inspectorate.id, one_home.id, later)
            .await
            .unwrap()
            .map(|i| i.service_id),
        Some(Some(home.id))
    );

    let ending = GrantEnding {
        at: later,
        by: None,
        by_label: "Manager".into(),
        reason: "The visit is over".into(),
    };
    assert!(
        store
            .end_inspection(
                org.id,
                whole.id,
                &ending,
                &event(Some(org.id), "inspection.end")
            )
            .await
            .unwrap()
    );
    assert!(
        !store
            .end_inspection(
                org.id,
                whole.id,
                &ending,
                &event(Some(org.id), "inspection.end")
            )
            .await
            .unwrap(),
        "ended once"
    );
    assert!(
        !store
            .end_inspection(
                other.id,
                one_home.id,
                &ending,
                &event(Some(other.id), "inspection.end")
            )
            .await
            .unwrap(),
        "only by its provider"
    );
    assert!(
        store
            .live_inspection(inspectorate.id, whole.id, later)
            .await
            .unwrap()
            .is_none()
    );
    let listed = store.inspections_of(org.id, None, None, 10).await.unwrap();
    let ended = listed.iter().find(|i| i.id == whole.id).unwrap();
    assert_eq!(ended.ended.as_ref().unwrap().reason, "The visit is over");
    assert!(!ended.is_live(later));

    // A session reads under one, and stops.
    let inspector = crate::NewUser {
        user: crate::User {
            id: UserId::new_random(),
            org_id: inspectorate.id,
            email: "inspector@inspectorate.example".into(),
            display_name: "Inspector".into(),
            active: true,
            created_at: now,
        },
        password_hash: "x".into(),
        memberships: vec![crate::Membership {
            role: homeward_domain::role::Role::Inspector,
            service_id: None,
        }],
    };
    store
        .create_user(&inspector, &event(Some(inspectorate.id), "user.create"))
        .await
        .unwrap();
    let session = crate::SessionRecord {
        token_hash: "inspecting".into(),
        user_id: inspector.user.id,
        csrf_token: "csrf".into(),
        created_at: now,
        last_seen_at: now,
        ip: None,
        second_factor_at: None,
        inspection_id: None,
    };
    store
        .create_session(&session, &event(Some(inspectorate.id), "session.sign_in"))
        .await
        .unwrap();
    store
        .set_session_inspection("inspecting", Some(one_home.id), None)
        .await
        .unwrap();
    let (found, _) = store.find_session("inspecting").await.unwrap().unwrap();
    assert_eq!(found.inspection_id, Some(one_home.id));

    // What the inspector did in the provider's records is listed; a staff member's is not.
    let mut read = event(Some(org.id), "person.view");
    read.actor = Some(inspector.user.id);
    read.at = later;
    store.record_audit(&read).await.unwrap();
    let mut staff = event(Some(org.id), "person.view");
    staff.at = later;
    store.record_audit(&staff).await.unwrap();
    let views = store.inspection_views(&one_home, 10).await.unwrap();
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].event.actor, Some(inspector.user.id));

    store
        .set_session_inspection("inspecting", None, None)
        .await
        .unwrap();
    let (found, _) = store.find_session("inspecting").await.unwrap().unwrap();
    assert_eq!(found.inspection_id, None);
}

pub async fn grants_reach_only_their_partner_while_live(store: Arc<dyn Store>) {
    use crate::{Grant, GrantEnding};
    use jiff::SignedDuration;
    let (org, home) = organisation(&*store, "Provider").await;
    let (police, _) = organisation(&*store, "Police force").await;
    let (council, _) = organisation(&*store, "Council").await;
    let (elsewhere, elsewhere_home) = organisation(&*store, "Elsewhere").await;
    let person = ada(org.id, home.id);
    let stranger = ada(elsewhere.id, elsewhere_home.id);
    for p in [&person, &stranger] {
        store
            .create_person(p, &event(Some(p.org_id), "person.create"))
            .await
            .unwrap();
    }
    let now = t0();
    let episode = opened_with_facts(
        &*store,
        &home,
        person.id,
        homeward_domain::learning::EpisodeFacts {
            started_at: now,
            start_day: in_london_day(now),
            phase: "missing".into(),
            ..Default::default()
        },
        Vec::new(),
        false,
    )
    .await
    .id;
    let disclosure = |person: &Person| crate::DisclosureRecord {
        id: uuid::Uuid::new_v4(),
        org_id: person.org_id,
        service_id: person.service_id,
        person_id: person.id,
        shared: homeward_domain::episode::Occurred::in_london(now),
        recorded_at: now,
        decided_by: None,
        decided_by_label: "Manager".into(),
        kind: "grant".into(),
        disclosure: homeward_domain::disclosure::Disclosure {
            what: "The police pack".into(),
            recipient: "Police force".into(),
            purpose: "To find her".into(),
            lawful_basis: "vital_interests".into(),
            condition: "safeguarding".into(),
            consent: "not_asked".into(),
            ..Default::default()
        },
    };
    let grant = |person: &Person, partner: OrgId, episode, hours: i64, d: uuid::Uuid| Grant {
        id: uuid::Uuid::new_v4(),
        org_id: person.org_id,
        partner_org_id: partner,
        person_id: person.id,
        episode_id: episode,
        purpose: "find".into(),
        reason: "To find her".into(),
        sections: vec!["police_pack".into(), "chronology".into()],
        granted_by: None,
        granted_by_label: "Manager".into(),
        granted_at: now,
        ends_at: now + SignedDuration::from_hours(hours),
        disclosure_id: d,
        ended: None,
    };
    let d1 = disclosure(&person);
    let whole = grant(&person, police.id, None, 48, d1.id);
    store
        .give_access(&whole, &d1, &event(Some(org.id), "grant.give"))
        .await
        .unwrap();
    let d2 = disclosure(&person);
    let for_episode = grant(&person, police.id, Some(episode), 72, d2.id);
    store
        .give_access(&for_episode, &d2, &event(Some(org.id), "grant.give"))
        .await
        .unwrap();
    // The worker's sweep leaves grants of open episodes alone.
    assert_eq!(store.end_access_of_closed_episodes(now).await.unwrap(), 0);
    // Another provider's person cannot be given by this one: nothing is written.
    let d3 = disclosure(&person);
    let mut wrong = grant(&stranger, council.id, None, 48, d3.id);
    wrong.org_id = org.id;
    let before = audit_count(&*store).await;
    assert!(matches!(
        store
            .give_access(&wrong, &d3, &event(Some(org.id), "grant.give"))
            .await,
        Err(crate::StoreError::Conflict(_))
    ));
    assert_eq!(audit_count(&*store).await, before);
    let hours = |h: i64| now + SignedDuration::from_hours(h);
    let live = |partner: OrgId, at| {
        let store = store.clone();
        async move {
            store
                .live_grants(partner, at, 100)
                .await
                .unwrap()
                .into_iter()
                .map(|(g, p)| {
                    assert_eq!(g.person_id, p.id, "each grant with its person");
                    g.id
                })
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(live(police.id, hours(1)).await.len(), 2);
    assert!(live(council.id, hours(1)).await.is_empty());
    assert_eq!(live(police.id, hours(50)).await, [for_episode.id]);
    let (g, p) = store
        .person_through_grant(police.id, whole.id, hours(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((g.id, p.id), (whole.id, person.id));
    assert!(g.covers("police_pack") && !g.covers("risk_assessment"));
    for (partner, at) in [(council.id, hours(1)), (police.id, hours(48))] {
        assert!(
            store
                .person_through_grant(partner, whole.id, at)
                .await
                .unwrap()
                .is_none()
        );
    }
    // Revoked: from that moment, once.
    let revoked = GrantEnding {
        at: hours(2),
        by: None,
        by_label: "Manager".into(),
        reason: "No longer needed".into(),
    };
    assert!(
        store
            .end_access(
                org.id,
                whole.id,
                &revoked,
                &event(Some(org.id), "grant.revoke")
            )
            .await
            .unwrap()
    );
    assert!(
        !store
            .end_access(
                org.id,
                whole.id,
                &revoked,
                &event(Some(org.id), "grant.revoke")
            )
            .await
            .unwrap()
    );
    assert!(
        !store
            .end_access(
                elsewhere.id,
                for_episode.id,
                &revoked,
                &event(Some(elsewhere.id), "grant.revoke")
            )
            .await
            .unwrap(),
        "another organisation cannot end it"
    );
    assert!(
        store
            .person_through_grant(police.id, whole.id, hours(1))
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .person_through_grant(police.id, whole.id, hours(2))
            .await
            .unwrap()
            .is_none()
    );
    // The episode closes: its grant ends a day later.
    let closed = GrantEnding {
        at: hours(30),
        by: None,
        by_label: "system".into(),
        reason: "24 hours after the episode closed".into(),
    };
    assert_eq!(
        store
            .end_episode_access(org.id, episode, &closed)
            .await
            .unwrap(),
        1
    );
    assert_eq!(live(police.id, hours(29)).await, [for_episode.id]);
    assert!(live(police.id, hours(30)).await.is_empty());
    let all = store.grants_of_person(org.id, person.id).await.unwrap();
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|g| g.ended.is_some()));
    assert!(
        all.iter()
            .any(|g| g.ended.as_ref().unwrap().reason == "No longer needed")
    );
    assert!(
        store
            .grants_of_person(elsewhere.id, person.id)
            .await
            .unwrap()
            .is_empty()
    );
    // The worker's sweep ends a grant given for an episode that had closed (as it closed)
    // a day after the close, once.
    let earlier = closed_episode(
        &*store,
        &home,
        person.id,
        now - SignedDuration::from_hours(5),
    )
    .await;
    let d0 = disclosure(&person);
    let late = grant(&person, elsewhere.id, Some(earlier), 24 * 10, d0.id);
    store
        .give_access(&late, &d0, &event(Some(org.id), "grant.give"))
        .await
        .unwrap();
    assert_eq!(store.end_access_of_closed_episodes(now).await.unwrap(), 1);
    assert_eq!(store.end_access_of_closed_episodes(now).await.unwrap(), 0);
    let ended = store
        .grants_of_person(org.id, person.id)
        .await
        .unwrap()
        .into_iter()
        .find(|g| g.id == late.id)
        .unwrap();
    assert_eq!(
        ended.ended.map(|e| e.at),
        Some(now - SignedDuration::from_hours(4) + homeward_domain::access::AFTER_CLOSING)
    );
}

/// A second factor: each code's step used once, each recovery code once, a remembered device
/// until it expires, a challenge's tries counted, and removal signs the user out everywhere.
pub async fn a_second_factor_is_used_once_and_removed_with_its_sessions(store: Arc<dyn Store>) {
    use crate::{Challenge, Enrolment};
    let (org, _) = organisation(&*store, "Second factor").await;
    let u = user(&*store, org.id, "sf@example.org", &[Role::Manager]).await;
    let other = user(&*store, org.id, "other@example.org", &[Role::Manager]).await;
    assert!(store.second_factor(u.id).await.unwrap().is_none());
    let challenge = Challenge {
        token_hash: "challenge-1".into(),
        user: u.id,
        created_at: t0(),
        tries: 0,
        new_secret_sealed: Some(vec![9, 9, 9]),
    };
    store.create_challenge(&challenge).await.unwrap();
    assert_eq!(
        store.find_challenge("challenge-1").await.unwrap(),
        Some((challenge.clone(), org.id))
    );
    assert_eq!(store.challenge_tried("challenge-1").await.unwrap(), 1);
    assert_eq!(store.challenge_tried("challenge-1").await.unwrap(), 2);
    let before = audit_count(&*store).await;
    store
        .enrol_second_factor(
            &Enrolment {
                user: u.id,
                secret_sealed: vec![1, 2, 3],
                step: 100,
                recovery_hashes: vec!["r1".into(), "r2".into()],
                at: t0(),
                challenge_hash: Some("challenge-1".into()),
            },
            &event(Some(org.id), "second_factor.enrol"),
        )
        .await
        .unwrap();
    assert_eq!(audit_count(&*store).await, before + 1);
    assert!(
        store.find_challenge("challenge-1").await.unwrap().is_none(),
        "used up"
    );
    let kept = store.second_factor(u.id).await.unwrap().unwrap();
    assert_eq!(
        (kept.secret_sealed, kept.last_step),
        (vec![1, 2, 3], Some(100))
    );
    // The step that proved it is used; a later one works once.
    assert!(!store.use_second_factor_step(u.id, 100).await.unwrap());
    assert!(store.use_second_factor_step(u.id, 101).await.unwrap());
    assert!(!store.use_second_factor_step(u.id, 101).await.unwrap());
    assert!(
        !store.use_second_factor_step(other.id, 500).await.unwrap(),
        "none set up"
    );
    // Recovery codes: each once, only the user's own.
    assert_eq!(store.recovery_codes_left(u.id).await.unwrap(), 2);
    assert!(!store.use_recovery_code(other.id, "r1", t0()).await.unwrap());
    assert!(store.use_recovery_code(u.id, "r1", t0()).await.unwrap());
    assert!(!store.use_recovery_code(u.id, "r1", t0()).await.unwrap());
    assert_eq!(store.recovery_codes_left(u.id).await.unwrap(), 1);
    // A remembered device, until it expires, for its user only.
    let later = t0() + jiff::SignedDuration::from_hours(24);
    store
        .remember_device("device-1", u.id, t0(), later)
        .await
        .unwrap();
    assert!(
        store
            .is_remembered_device("device-1", u.id, t0())
            .await
            .unwrap()
    );
    assert!(
        !store
            .is_remembered_device("device-1", other.id, t0())
            .await
            .unwrap()
    );
    assert!(
        !store
            .is_remembered_device("device-1", u.id, later)
            .await
            .unwrap()
    );
    // Removed (a lost phone): nothing left, and signed out.
    let session = crate::SessionRecord {
        token_hash: "session-sf".into(),
        user_id: u.id,
        csrf_token: "csrf".into(),
        created_at: t0(),
        last_seen_at: t0(),
        ip: None,
        second_factor_at: None,
        inspection_id: None,
    };
    store
        .create_session(&session, &event(Some(org.id), "session.sign_in"))
        .await
        .unwrap();
    store
        .remove_second_factor(u.id, &event(Some(org.id), "second_factor.remove"))
        .await
        .unwrap();
    assert!(store.second_factor(u.id).await.unwrap().is_none());
    assert_eq!(store.recovery_codes_left(u.id).await.unwrap(), 0);
    assert!(
        !store
            .is_remembered_device("device-1", u.id, t0())
            .await
            .unwrap()
    );
    assert!(store.find_session("session-sf").await.unwrap().is_none());
}

pub async fn people_are_listed_by_service_and_the_read_is_audited(store: Arc<dyn Store>) {
    let (org, home) = organisation(&*store, "P").await;
    let second = Service {
        id: ServiceId::new_random(),
        org_id: org.id,
        name: "Second".into(),
        kind: ServiceKind::FosteringService,
        registration_number: "SIN-2".into(),
        created_at: t0(),
    };
    store
        .create_service(&second, &event(Some(org.id), "service.create"))
        .await
        .unwrap();
    let person = |service: ServiceId, given: &str| Person {
        id: PersonId::new_random(),
        org_id: org.id,
        service_id: service,
        given_name: given.into(),
        family_name: "Example".into(),
        kind: PersonKind::Child,
        date_of_birth: Some(jiff::civil::date(2011, 4, 1)),
        estimated_age: None,
        created_at: t0(),
    };
    let p1 = person(home.id, "Ada");
    let p2 = person(second.id, "Bede");
    store
        .create_person(&p1, &event(Some(org.id), "person.create"))
        .await
        .unwrap();
    store
        .create_person(&p2, &event(Some(org.id), "person.create"))
        .await
        .unwrap();
    let before = audit_count(&*store).await;
    let all = store
        .list_people(org.id, None, &event(Some(org.id), "person.list"))
        .await
        .unwrap();
    assert_eq!(all, vec![p1.clone(), p2.clone()]);
    let only = store
        .list_people(
            org.id,
            Some(&[home.id]),
            &event(Some(org.id), "person.list"),
        )
        .await
        .unwrap();
    assert_eq!(only, vec![p1]);
    let none = store
        .list_people(org.id, Some(&[]), &event(Some(org.id), "person.list"))
        .await
        .unwrap();
    assert!(none.is_empty());
    assert_eq!(
        audit_count(&*store).await,
        before + 3,
        "every read leaves a record"
    );
    let (elsewhere, _) = organisation(&*store, "Q").await;
    let theirs = store
        .list_people(
            elsewhere.id,
            None,
            &event(Some(elsewhere.id), "person.list"),
        )
        .await
        .unwrap();
    assert!(theirs.is_empty());
}

pub async fn the_audit_chain_holds_under_concurrent_writes(store: Arc<dyn Store>) {
    let (org, _) = organisation(&*store, "C").await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut e = event(Some(org.id), "test.concurrent");
            e.resource_id = Some(i.to_string());
            store.record_audit(&e).await.unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let state = verify_chain(&*store).await;
    assert_eq!(state.checked as usize, audit_count(&*store).await);
    assert!(state.checked >= 26);
    let recent = store.recent_audit(org.id, 5).await.unwrap();
    assert_eq!(recent.len(), 5);
    assert!(
        recent.windows(2).all(|w| w[0].seq > w[1].seq),
        "newest first"
    );
    assert!(recent.iter().all(|r| r.event.org_id == Some(org.id)));
}

fn version(
    person: PersonId,
    kind: homeward_domain::forms::DocKind,
    n: i64,
    text: &str,
) -> DocumentVersion {
    use homeward_domain::forms::{Document, SectionData};
    let document = Document::default().with_section(
        "about",
        SectionData {
            fields: [("given_name".to_string(), text.to_string())].into(),
            ..Default::default()
        },
    );
    DocumentVersion {
        person_id: person,
        kind,
        version: n,
        document,
        changed: vec!["about".into()],
        review_date: Some(jiff::civil::date(2027, 5, 1)),
        recorded_by: None,
        recorded_by_label: "someone@example.org".into(),
        recorded_at: t0(),
        agreed_by_label: None,
        agreed_at: None,
    }
}

/// A child, aged about 14, in the given home (not yet stored).
fn ada(org: OrgId, home: homeward_domain::ids::ServiceId) -> Person {
    Person {
        id: PersonId::new_random(),
        org_id: org,
        service_id: home,
        given_name: "Ada".into(),
        family_name: "Example".into(),
        kind: PersonKind::Child,
        date_of_birth: None,
        estimated_age: Some(14),
        created_at: t0(),
    }
}

pub async fn document_versions_append_in_order_and_never_overwrite(store: Arc<dyn Store>) {
    use homeward_domain::forms::DocKind;
    let (org, home) = organisation(&*store, "V").await;
    let (other, _) = organisation(&*store, "W").await;
    let person = ada(org.id, home.id);
    let first = version(person.id, DocKind::Profile, 1, "Ada");
    store
        .create_person_with_profile(&person, &first, &event(Some(org.id), "person.create"))
        .await
        .unwrap();
    assert_eq!(
        store.get_person(org.id, person.id).await.unwrap(),
        Some(person.clone())
    );
    assert_eq!(store.get_person(other.id, person.id).await.unwrap(), None);

    let mut renamed = person.clone();
    renamed.given_name = "Adah".into();
    let second = version(person.id, DocKind::Profile, 2, "Adah");
    store
        .append_document(
            org.id,
            &second,
            Some(&renamed),
            &event(Some(org.id), "person.update"),
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .get_person(org.id, person.id)
            .await
            .unwrap()
            .unwrap()
            .given_name,
        "Adah"
    );

    // The same save again (a double click), or one based on an old version, changes nothing.
    let before = audit_count(&*store).await;
    let again = store
        .append_document(
            org.id,
            &second,
            Some(&renamed),
            &event(Some(org.id), "person.update"),
        )
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let stale = version(person.id, DocKind::Profile, 2, "Other");
    assert!(matches!(
        store
            .append_document(org.id, &stale, None, &event(None, "x"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(audit_count(&*store).await, before);

    // Another organisation can neither write nor read.
    let theirs = version(person.id, DocKind::Profile, 3, "Forged");
    assert!(
        store
            .append_document(other.id, &theirs, None, &event(Some(other.id), "x"))
            .await
            .is_err()
    );
    assert!(
        store
            .latest_document(other.id, person.id, DocKind::Profile)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .document_history(other.id, person.id, DocKind::Profile)
            .await
            .unwrap()
            .is_empty()
    );

    let latest = store
        .latest_document(org.id, person.id, DocKind::Profile)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(latest, second);
    let history = store
        .document_history(org.id, person.id, DocKind::Profile)
        .await
        .unwrap();
    assert_eq!(
        history.iter().map(|v| v.version).collect::<Vec<_>>(),
        vec![2, 1],
        "newest first"
    );
    assert_eq!(
        store
            .document_version(org.id, person.id, DocKind::Profile, 1)
            .await
            .unwrap(),
        Some(first)
    );
    assert_eq!(
        store
            .document_version(org.id, person.id, DocKind::Profile, 0)
            .await
            .unwrap(),
        None
    );
    // Kinds are numbered separately.
    assert!(
        store
            .latest_document(org.id, person.id, DocKind::MissingPlan)
            .await
            .unwrap()
            .is_none()
    );
    let mut plan = version(person.id, DocKind::MissingPlan, 1, "plan");
    plan.agreed_by_label = Some("manager@example.org".into());
    plan.agreed_at = Some(t0());
    store
        .append_document(org.id, &plan, None, &event(Some(org.id), "plan.update"))
        .await
        .unwrap();
    assert_eq!(
        store
            .latest_document(org.id, person.id, DocKind::MissingPlan)
            .await
            .unwrap(),
        Some(plan)
    );
}

/// Each entry is vouched for by the audit record written with it, and the digest read back
/// matches; a database's contents and a backup's record come back as given.
pub async fn chronology_entries_are_sealed_and_backups_recorded(store: Arc<dyn Store>) {
    use crate::EpisodeSummary;
    use homeward_domain::episode::{Event, EventRecord, Occurred, Opened};
    use homeward_domain::ids::EpisodeId;
    let (org, home) = organisation(&*store, "Seal").await;
    let person = ada(org.id, home.id);
    store
        .create_person(&person, &event(Some(org.id), "person.create"))
        .await
        .unwrap();
    let at: jiff::Timestamp = "2026-03-29T00:30:00Z".parse().unwrap();
    let record = |seq: i64, event: Event| EventRecord {
        seq,
        when: Occurred::in_london(at),
        recorded_at: at,
        recorded_by: None,
        recorded_by_label: "care-worker@example.org".into(),
        event,
    };
    let id = EpisodeId::new_random();
    let summary = |seq: i64, kind: &str| EpisodeSummary {
        id,
        org_id: org.id,
        service_id: home.id,
        person_id: person.id,
        phase: "missing".into(),
        is_open: true,
        opened_at: at,
        last_seen_at: Some(at),
        police_grade: None,
        last_event_seq: seq,
        last_event_kind: kind.into(),
        last_event_at: at,
        schedule: crate::Schedule::default(),
    };
    store
        .open_episode(
            &summary(1, "opened"),
            &record(1, Event::Opened(Opened::default())),
            None,
            &event(Some(org.id), "episode.open"),
        )
        .await
        .unwrap();
    store
        .append_episode_event(
            &summary(2, "note"),
            &record(
                2,
                Event::Note {
                    text: "Seen at the bus station — ‘Cymraeg’ too".into(),
                },
            ),
            &event(Some(org.id), "episode.event"),
        )
        .await
        .unwrap();
    let sealed = store.sealed_entries(0, 100).await.unwrap();
    let ours: Vec<_> = sealed.iter().filter(|s| s.seal.episode == id.0).collect();
    assert_eq!(
        ours.iter().map(|s| s.seal.entry).collect::<Vec<_>>(),
        vec![1, 2]
    );
    for s in &ours {
        assert_eq!(s.stored_digest.as_deref(), Some(s.seal.digest.as_str()));
    }
    // The chain's own records carry the seals, and still verify.
    let page = store.audit_page(0, 1000).await.unwrap();
    assert_eq!(
        page.iter().filter(|r| r.seal.is_some()).count(),
        sealed.len()
    );
    assert!(store.unsealed_entries(10).await.unwrap().is_empty());
    let contents = store.contents().await.unwrap();
    assert!(contents.tables["episode_events"] >= 2);
    assert!(contents.tables.contains_key("person_photos"));
    assert!(!contents.tables.keys().any(|t| t.starts_with('_')));
    let last = page.last().unwrap();
    assert_eq!(contents.audit_head, Some((last.seq, last.hash.clone())));
    assert_eq!(store.audit_head().await.unwrap(), contents.audit_head);

    let backup = crate::BackupRecord {
        started_at: at,
        finished_at: at.checked_add(SignedDuration::from_secs(3)).unwrap(),
        file_name: "homeward-backup-20260329T003000Z".into(),
        bytes: 1234,
        audit_seq: last.seq,
        problem: None,
    };
    let failed = crate::BackupRecord {
        finished_at: at.checked_add(SignedDuration::from_hours(1)).unwrap(),
        problem: Some("the disk is full".into()),
        ..backup.clone()
    };
    store.record_backup(&backup).await.unwrap();
    store.record_backup(&failed).await.unwrap();
    assert_eq!(
        store.recent_backups(10).await.unwrap(),
        vec![failed, backup]
    );
}

pub async fn episodes_append_in_order_and_one_is_open_per_person(store: Arc<dyn Store>) {
    use crate::EpisodeSummary;
    use homeward_domain::episode::{Event, EventRecord, Occurred, Opened};
    use homeward_domain::ids::EpisodeId;
    let (org, home) = organisation(&*store, "Ep").await;
    let (other, _) = organisation(&*store, "Eq").await;
    let person = ada(org.id, home.id);
    store
        .create_person(&person, &event(Some(org.id), "person.create"))
        .await
        .unwrap();
    // 00:30 BST on the night the clocks go back: the offset the user saw is kept.
    let seen: jiff::Timestamp = "2026-10-24T23:30:00Z".parse().unwrap();
    let record = |seq: i64, mins: i64, event: Event| EventRecord {
        seq,
        when: Occurred::in_london(seen.checked_add(SignedDuration::from_mins(mins)).unwrap()),
        recorded_at: seen
            .checked_add(SignedDuration::from_mins(mins + 1))
            .unwrap(),
        recorded_by: None,
        recorded_by_label: "care-worker@example.org".into(),
        event,
    };
    let opened = record(
        1,
        20,
        Event::Opened(Opened {
            last_seen: Some(Occurred::in_london(seen)),
            last_seen_place: "Bus station".into(),
            ..Opened::default()
        }),
    );
    let summary = |id: EpisodeId, seq: i64, kind: &str, open: bool| EpisodeSummary {
        id,
        org_id: org.id,
        service_id: home.id,
        person_id: person.id,
        phase: if open { "missing" } else { "closed" }.into(),
        is_open: open,
        opened_at: opened.when.at,
        last_seen_at: Some(seen),
        police_grade: None,
        last_event_seq: seq,
        last_event_kind: kind.into(),
        last_event_at: opened.recorded_at,
        schedule: crate::Schedule::default(),
    };
    let id = EpisodeId::new_random();
    store
        .open_episode(
            &summary(id, 1, "opened", true),
            &opened,
            None,
            &event(Some(org.id), "episode.open"),
        )
        .await
        .unwrap();
    // Earlier episodes count those opened before a moment, for rules like "the third episode",
    // and how many of them opened inside a window, for "three in thirty days".
    let at = opened.when.at;
    let second_later = at.checked_add(SignedDuration::from_secs(1)).unwrap();
    let day_before = at.checked_sub(SignedDuration::from_hours(24)).unwrap();
    let earlier = |org: OrgId, before, since| store.earlier_episodes(org, person.id, before, since);
    assert_eq!(earlier(org.id, at, day_before).await.unwrap(), (0, 0));
    assert_eq!(
        earlier(org.id, second_later, day_before).await.unwrap(),
        (1, 1)
    );
    assert_eq!(
        earlier(org.id, second_later, second_later).await.unwrap(),
        (1, 0)
    );
    assert_eq!(
        earlier(other.id, second_later, day_before).await.unwrap(),
        (0, 0)
    );
    // A second open episode for the same person is refused, and leaves nothing behind.
    let second = store
        .open_episode(
            &summary(EpisodeId::new_random(), 1, "opened", true),
            &opened,
            None,
            &event(Some(org.id), "episode.open"),
        )
        .await;
    assert!(matches!(second, Err(StoreError::Conflict(_))), "{second:?}");
    assert_eq!(
        store.open_episode_of(org.id, person.id).await.unwrap(),
        Some(id)
    );

    let note = record(
        2,
        45,
        Event::Note {
            text: "Rang her phone".into(),
        },
    );
    store
        .append_episode_event(
            &summary(id, 2, "note", true),
            &note,
            &event(Some(org.id), "episode.event"),
        )
        .await
        .unwrap();
    // The same number again (a double submit): a conflict, nothing changed.
    let again = store
        .append_episode_event(
            &summary(id, 2, "note", true),
            &record(
                2,
                46,
                Event::Note {
                    text: "twice".into(),
                },
            ),
            &event(Some(org.id), "episode.event"),
        )
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let closed = record(
        3,
        200,
        Event::Closed {
            summary: "Back safe".into(),
            left_open: Vec::new(),
        },
    );
    store
        .append_episode_event(
            &summary(id, 3, "closed", false),
            &closed,
            &event(Some(org.id), "episode.event"),
        )
        .await
        .unwrap();

    let (read, events) = store.episode(org.id, id).await.unwrap().unwrap();
    assert_eq!(read, summary(id, 3, "closed", false));
    assert_eq!(events, vec![opened.clone(), note, closed]);
    assert_eq!(events[0].when.offset_seconds, 3600);
    assert_eq!(
        store.episode(other.id, id).await.unwrap(),
        None,
        "never across organisations"
    );
    assert_eq!(
        store.open_episode_of(org.id, person.id).await.unwrap(),
        None
    );
    assert!(
        store
            .list_episodes(
                org.id,
                &crate::EpisodeQuery {
                    services: None,
                    open_only: true,
                    limit: 100,
                    ..Default::default()
                }
            )
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .list_episodes(
                org.id,
                &crate::EpisodeQuery {
                    services: None,
                    open_only: false,
                    limit: 100,
                    ..Default::default()
                }
            )
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store
            .list_episodes(
                org.id,
                &crate::EpisodeQuery {
                    services: Some(vec![home.id]),
                    open_only: false,
                    limit: 100,
                    ..Default::default()
                }
            )
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .list_episodes(
                org.id,
                &crate::EpisodeQuery {
                    services: Some(vec![]),
                    open_only: false,
                    limit: 100,
                    ..Default::default()
                }
            )
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .list_episodes(
                other.id,
                &crate::EpisodeQuery {
                    services: None,
                    open_only: false,
                    limit: 100,
                    ..Default::default()
                }
            )
            .await
            .unwrap()
            .is_empty()
    );

    // Once closed, the person can go missing again: a new episode opens.
    store
        .open_episode(
            &summary(EpisodeId::new_random(), 1, "opened", true),
            &opened,
            None,
            &event(Some(org.id), "episode.open"),
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .list_episodes(
                org.id,
                &crate::EpisodeQuery {
                    services: None,
                    open_only: true,
                    limit: 100,
                    ..Default::default()
                }
            )
            .await
            .unwrap()
            .len(),
        1
    );
}

pub async fn settings_are_versioned_per_organisation(store: Arc<dyn Store>) {
    use crate::SettingsVersion;
    use homeward_domain::settings::OrgSettings;
    let (org, _) = organisation(&*store, "Se").await;
    let (other, _) = organisation(&*store, "Sf").await;
    assert_eq!(store.latest_settings(org.id).await.unwrap(), None);
    let version = |n: i64, child: i8| SettingsVersion {
        org_id: org.id,
        version: n,
        settings: OrgSettings {
            photo_age_child_months: child,
            ..OrgSettings::default()
        },
        recorded_by_label: "admin@example.org".into(),
        recorded_at: t0().checked_add(SignedDuration::from_mins(n)).unwrap(),
    };
    let before = store.audit_page(0, 1_000_000).await.unwrap().len();
    store
        .append_settings(&version(1, 6), &event(Some(org.id), "settings.update"))
        .await
        .unwrap();
    // A second save of version 1 (a double click, or a colleague first) changes nothing.
    let again = store
        .append_settings(&version(1, 9), &event(Some(org.id), "settings.update"))
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let skipped = store
        .append_settings(&version(3, 9), &event(Some(org.id), "settings.update"))
        .await;
    assert!(
        matches!(skipped, Err(StoreError::Conflict(_))),
        "{skipped:?}"
    );
    store
        .append_settings(&version(2, 4), &event(Some(org.id), "settings.update"))
        .await
        .unwrap();
    assert_eq!(
        store.latest_settings(org.id).await.unwrap(),
        Some(version(2, 4))
    );
    assert_eq!(store.latest_settings(other.id).await.unwrap(), None);
    assert_eq!(
        store.audit_page(0, 1_000_000).await.unwrap().len(),
        before + 2,
        "one audit record per saved version"
    );
}

pub async fn rotas_are_versioned_per_service(store: Arc<dyn Store>) {
    use crate::RotaVersion;
    use homeward_domain::escalation::{Contact, Rota, Shift};
    use homeward_domain::ids::UserId;
    let (org, home) = organisation(&*store, "Ro").await;
    let (other, elsewhere) = organisation(&*store, "Rp").await;
    assert_eq!(store.latest_rota(org.id, home.id).await.unwrap(), None);
    let rota = |minutes: i64| Rota {
        shifts: vec![Shift {
            contact: Contact {
                user: UserId::new_random(),
                label: "Ann".into(),
            },
            from: t0(),
            to: t0().checked_add(SignedDuration::from_hours(12)).unwrap(),
        }],
        default_contact: None,
        escalate_after_minutes: minutes,
    };
    let version = |n: i64, service, minutes| RotaVersion {
        org_id: org.id,
        service_id: service,
        version: n,
        rota: rota(minutes),
        recorded_by_label: "manager@example.org".into(),
        recorded_at: t0(),
    };
    store
        .append_rota(
            &version(1, home.id, 15),
            &event(Some(org.id), "rota.update"),
        )
        .await
        .unwrap();
    let again = store
        .append_rota(
            &version(1, home.id, 20),
            &event(Some(org.id), "rota.update"),
        )
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    // Another organisation's service cannot be given a rota from here.
    let foreign = store
        .append_rota(
            &version(1, elsewhere.id, 15),
            &event(Some(org.id), "rota.update"),
        )
        .await;
    assert!(
        matches!(foreign, Err(StoreError::Conflict(_))),
        "{foreign:?}"
    );
    store
        .append_rota(
            &version(2, home.id, 30),
            &event(Some(org.id), "rota.update"),
        )
        .await
        .unwrap();
    let latest = store.latest_rota(org.id, home.id).await.unwrap().unwrap();
    assert_eq!(latest.version, 2);
    assert_eq!(latest.rota.escalate_after_minutes, 30);
    assert_eq!(store.latest_rota(other.id, home.id).await.unwrap(), None);
}

pub async fn mail_is_queued_with_its_event_and_claimed_once(store: Arc<dyn Store>) {
    use crate::{EpisodeSummary, OutboxMessage};
    use homeward_domain::episode::{Event, EventRecord, Occurred, Opened};
    use homeward_domain::ids::EpisodeId;
    let (org, home) = organisation(&*store, "Ma").await;
    let person = ada(org.id, home.id);
    store
        .create_person(&person, &event(Some(org.id), "person.create"))
        .await
        .unwrap();
    let record = |seq: i64, event: Event| EventRecord {
        seq,
        when: Occurred::in_london(t0()),
        recorded_at: t0(),
        recorded_by: None,
        recorded_by_label: "Homeward".into(),
        event,
    };
    let id = EpisodeId::new_random();
    let summary = |seq: i64, kind: &str| EpisodeSummary {
        id,
        org_id: org.id,
        service_id: home.id,
        person_id: person.id,
        phase: "missing".into(),
        is_open: true,
        opened_at: t0(),
        last_seen_at: None,
        police_grade: None,
        last_event_seq: seq,
        last_event_kind: kind.into(),
        last_event_at: t0(),
        schedule: crate::Schedule::default(),
    };
    store
        .open_episode(
            &summary(1, "opened"),
            &record(1, Event::Opened(Opened::default())),
            None,
            &event(Some(org.id), "episode.open"),
        )
        .await
        .unwrap();
    let mail = OutboxMessage {
        id: uuid::Uuid::new_v4(),
        org_id: org.id,
        episode_id: Some(id),
        created_at: t0(),
        to_address: "manager@example.org".into(),
        subject: "Someone is missing".into(),
        body: "Open Homeward".into(),
    };
    let note = record(2, Event::Note { text: "x".into() });
    // A stale writer's event is refused, and its email is not queued either.
    let stale = store
        .append_episode_event_with_mail(
            &summary(3, "note"),
            &record(3, Event::Note { text: "x".into() }),
            &event(Some(org.id), "episode.note"),
            std::slice::from_ref(&mail),
        )
        .await;
    assert!(stale.is_err());
    assert!(store.pending_mail(10).await.unwrap().is_empty());
    store
        .append_episode_event_with_mail(
            &summary(2, "note"),
            &note,
            &event(Some(org.id), "episode.note"),
            std::slice::from_ref(&mail),
        )
        .await
        .unwrap();
    let pending = store.pending_mail(10).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].message, mail);
    assert_eq!(pending[0].tries, 0);
    // Two workers claim attempt 1: one wins.
    store
        .record_mail_attempt(mail.id, 1, t0(), false, Some("sending"))
        .await
        .unwrap();
    let second = store
        .record_mail_attempt(mail.id, 1, t0(), false, Some("sending"))
        .await;
    assert!(matches!(second, Err(StoreError::Conflict(_))), "{second:?}");
    // It failed; still queued, with why, not before its wait is over.
    let later = t0() + jiff::SignedDuration::from_mins(2);
    store
        .settle_mail(
            mail.id,
            2,
            t0(),
            crate::MailOutcome::RetryAt(later),
            Some("connection refused"),
        )
        .await
        .unwrap();
    let pending = store.pending_mail(10).await.unwrap();
    assert_eq!(pending[0].tries, 1);
    assert_eq!(pending[0].not_before, later);
    assert_eq!(pending[0].last_error.as_deref(), Some("connection refused"));
    assert!(store.due_mail(t0(), 5, 10).await.unwrap().is_empty());
    assert_eq!(store.due_mail(later, 5, 10).await.unwrap().len(), 1);
    store
        .record_mail_attempt(mail.id, 3, later, false, Some("sending"))
        .await
        .unwrap();
    store
        .settle_mail(mail.id, 4, later, crate::MailOutcome::Delivered, None)
        .await
        .unwrap();
    assert!(store.pending_mail(10).await.unwrap().is_empty());
}

/// One organisation's dead letters and backlog never hold up another's mail, and a dead
/// letter waits for its managers, who can send it again to a corrected address.
pub async fn the_outbox_is_fair_and_keeps_dead_letters_for_managers(store: Arc<dyn Store>) {
    let (busy, _) = organisation(&*store, "Ma").await;
    let (quiet, _) = organisation(&*store, "Mb").await;
    let message = |org: OrgId, n: i64, to: &str| OutboxMessage {
        id: uuid::Uuid::new_v4(),
        org_id: org,
        episode_id: None,
        created_at: t0() + jiff::SignedDuration::from_secs(n),
        to_address: to.into(),
        subject: format!("Page {n}"),
        body: "Open Homeward".into(),
    };
    // A hundred messages to a dead address, queued before the quiet organisation's one.
    let dead_ones: Vec<_> = (0..100)
        .map(|n| message(busy.id, n, "typo@nowhere.invalid"))
        .collect();
    // A resend of a dead letter that does not exist queues nothing.
    let audit = event(Some(busy.id), "mail.resend");
    let unknown = uuid::Uuid::new_v4();
    assert!(
        !store
            .resend_mail(busy.id, unknown, &dead_ones[0], "x", &audit)
            .await
            .unwrap()
    );
    assert!(store.pending_mail(1000).await.unwrap().is_empty());
    for m in &dead_ones {
        store
            .enqueue_mail(m, &event(Some(busy.id), "mail.queue"))
            .await
            .unwrap();
    }
    let theirs = message(quiet.id, 500, "manager@quiet.example");
    store
        .enqueue_mail(&theirs, &event(Some(quiet.id), "mail.queue"))
        .await
        .unwrap();
    let now = t0() + jiff::SignedDuration::from_hours(1);
    let due = store.due_mail(now, 10, 20).await.unwrap();
    assert_eq!(
        due.len(),
        11,
        "ten of the backlog and the quiet organisation's one"
    );
    assert!(due.iter().any(|p| p.message.id == theirs.id));
    // Every try of the hundred fails for good: they leave the queue as dead letters.
    for m in &dead_ones {
        store
            .record_mail_attempt(m.id, 1, now, false, Some("sending"))
            .await
            .unwrap();
        store
            .settle_mail(
                m.id,
                2,
                now,
                crate::MailOutcome::Dead,
                Some("550 no such user"),
            )
            .await
            .unwrap();
    }
    let due = store.due_mail(now, 10, 20).await.unwrap();
    assert_eq!(
        due.iter().map(|p| p.message.id).collect::<Vec<_>>(),
        [theirs.id]
    );
    let dead = store.dead_mail(busy.id, 1000).await.unwrap();
    assert_eq!(dead.len(), 100);
    assert_eq!(dead[0].message.to_address, "typo@nowhere.invalid");
    assert_eq!(dead[0].last_error.as_deref(), Some("550 no such user"));
    assert!(store.dead_mail(quiet.id, 10).await.unwrap().is_empty());
    // A manager corrects the address and sends it again: it is queued, and dealt with once.
    let again = OutboxMessage {
        id: uuid::Uuid::new_v4(),
        to_address: "right@busy.example".into(),
        created_at: now,
        ..dead[0].message.clone()
    };
    let audit = event(Some(busy.id), "mail.resend");
    assert!(
        !store
            .resend_mail(quiet.id, dead[0].message.id, &again, "m", &audit)
            .await
            .unwrap(),
        "never across organisations"
    );
    assert!(
        store
            .resend_mail(busy.id, dead[0].message.id, &again, "m", &audit)
            .await
            .unwrap()
    );
    let retry = OutboxMessage {
        id: uuid::Uuid::new_v4(),
        ..again.clone()
    };
    assert!(
        !store
            .resend_mail(busy.id, dead[0].message.id, &retry, "m", &audit)
            .await
            .unwrap(),
        "a double click resends once"
    );
    assert_eq!(store.dead_mail(busy.id, 1000).await.unwrap().len(), 99);
    assert!(
        store
            .due_mail(now, 10, 20)
            .await
            .unwrap()
            .iter()
            .any(|p| p.message.to_address == "right@busy.example")
    );
}

/// Opens an episode for a new person in `org`'s `home`, opened `mins` minutes after t0.
async fn open_one(
    store: &dyn Store,
    org: OrgId,
    home: ServiceId,
    mins: i64,
) -> crate::EpisodeSummary {
    use homeward_domain::episode::{Event, EventRecord, Occurred, Opened};
    let person = ada(org, home);
    store
        .create_person(&person, &event(Some(org), "person.create"))
        .await
        .unwrap();
    let at = t0() + SignedDuration::from_mins(mins);
    let summary = crate::EpisodeSummary {
        id: homeward_domain::ids::EpisodeId::new_random(),
        org_id: org,
        service_id: home,
        person_id: person.id,
        phase: "missing".into(),
        is_open: true,
        opened_at: at,
        last_seen_at: None,
        police_grade: None,
        last_event_seq: 1,
        last_event_kind: "opened".into(),
        last_event_at: at,
        schedule: crate::Schedule {
            next_check_at: Some(at),
            ..Default::default()
        },
    };
    let first = EventRecord {
        seq: 1,
        when: Occurred::in_london(at),
        recorded_at: at,
        recorded_by: None,
        recorded_by_label: "worker@example.org".into(),
        event: Event::Opened(Opened::default()),
    };
    store
        .open_episode(&summary, &first, None, &event(Some(org), "episode.open"))
        .await
        .unwrap();
    summary
}

/// Twenty people adding to one episode at once: every entry is kept, numbered in turn.
/// A note by `by` following `events`, as a test's append prepares it.
fn note_after(
    summary: &crate::EpisodeSummary,
    events: &[homeward_domain::episode::EventRecord],
    by: &str,
    text: &str,
) -> crate::PreparedAppend {
    use homeward_domain::episode::{Event, EventRecord, Occurred};
    let record = EventRecord {
        seq: events.len() as i64 + 1,
        when: Occurred::in_london(t0()),
        recorded_at: t0(),
        recorded_by: None,
        recorded_by_label: by.into(),
        event: Event::Note { text: text.into() },
    };
    crate::PreparedAppend {
        summary: crate::EpisodeSummary {
            last_event_seq: record.seq,
            last_event_kind: "note".into(),
            ..summary.clone()
        },
        record,
        audit: event(Some(summary.org_id), "episode.note"),
        mail: Vec::new(),
        learning: None,
    }
}

pub async fn appends_to_one_episode_queue_and_none_is_refused(store: Arc<dyn Store>) {
    use homeward_domain::episode::EventRecord;
    let (org, home) = organisation(&*store, "Ap").await;
    let opened = open_one(&*store, org.id, home.id, 0).await;
    // Each writer read the chronology before the others wrote: what it knew is stale by the
    // time its turn comes, and the store judges it against the chronology as it then stands.
    let (_, known) = store.episode(org.id, opened.id).await.unwrap().unwrap();
    let mut tasks = Vec::new();
    for n in 0..20 {
        let store = store.clone();
        let opened = opened.clone();
        let known = known.clone();
        tasks.push(tokio::spawn(async move {
            let prepare = move |summary: &crate::EpisodeSummary, events: &[EventRecord]| {
                Ok(note_after(
                    summary,
                    events,
                    &format!("worker-{n}@example.org"),
                    &format!("note {n}"),
                ))
            };
            store
                .append_to_episode(opened.org_id, opened.id, &known, &prepare)
                .await
        }));
    }
    for t in tasks {
        let appended = t.await.unwrap().unwrap();
        assert!(matches!(appended, Some(Ok(_))), "{appended:?}");
    }
    let (summary, events) = store.episode(org.id, opened.id).await.unwrap().unwrap();
    assert_eq!(events.len(), 21);
    assert_eq!(summary.last_event_seq, 21);
    assert_eq!(
        events.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=21).collect::<Vec<_>>()
    );
    // A refusal writes nothing; an unknown episode is `None`.
    let refuse = |_: &crate::EpisodeSummary, _: &[EventRecord]| {
        Err(homeward_domain::episode::Refusal::OpenedTwice)
    };
    let (_, now_known) = store.episode(org.id, opened.id).await.unwrap().unwrap();
    let seen = std::sync::Mutex::new(0);
    let count = |_: &crate::EpisodeSummary, events: &[EventRecord]| {
        *seen.lock().unwrap() = events.len();
        Err(homeward_domain::episode::Refusal::OpenedTwice)
    };
    // What a writer knew, when still current, is what it is judged against.
    store
        .append_to_episode(org.id, opened.id, &now_known, &count)
        .await
        .unwrap();
    assert_eq!(*seen.lock().unwrap(), 21);
    store
        .append_to_episode(org.id, opened.id, &known, &count)
        .await
        .unwrap();
    assert_eq!(*seen.lock().unwrap(), 21, "a stale view is read again");
    let refused = store
        .append_to_episode(org.id, opened.id, &now_known, &refuse)
        .await
        .unwrap();
    assert!(matches!(refused, Some(Err(_))));
    assert_eq!(
        store
            .episode(org.id, opened.id)
            .await
            .unwrap()
            .unwrap()
            .1
            .len(),
        21
    );
    let (other, _) = organisation(&*store, "Aq").await;
    assert!(
        store
            .append_to_episode(other.id, opened.id, &now_known, &refuse)
            .await
            .unwrap()
            .is_none()
    );
}

/// The next note on a chronology as it stands, by writer `n`, with its audit record.
fn next_note(
    summary: &crate::EpisodeSummary,
    events: &[homeward_domain::episode::EventRecord],
    n: usize,
    org: OrgId,
) -> Result<crate::PreparedAppend, homeward_domain::episode::Refusal> {
    let record = note(events.len() as i64 + 1, n);
    Ok(crate::PreparedAppend {
        summary: crate::EpisodeSummary {
            last_event_seq: record.seq,
            last_event_kind: "note".into(),
            ..summary.clone()
        },
        record,
        audit: event(Some(org), "episode.note"),
        mail: Vec::new(),
        learning: None,
    })
}

/// A note written by writer `n`, as entry `seq`.
fn note(seq: i64, n: usize) -> homeward_domain::episode::EventRecord {
    use homeward_domain::episode::{Event, EventRecord, Occurred};
    EventRecord {
        seq,
        when: Occurred::in_london(t0()),
        recorded_at: t0(),
        recorded_by: None,
        recorded_by_label: format!("worker-{n}@example.org"),
        event: Event::Note {
            text: format!("note {n}"),
        },
    }
}

/// Audited reads and entries made at once share commits; a member that fails (here, entries
/// written against a chronology that has moved on) takes back only its own part, one that goes
/// away half-way leaves nothing half-written, and everyone else's is kept, chained and sealed.
pub async fn concurrent_writes_share_commits_and_fail_alone(store: Arc<dyn Store>) {
    use homeward_domain::episode::EventRecord;
    let (org, home) = organisation(&*store, "Gc").await;
    let queued = open_one(&*store, org.id, home.id, 0).await;
    let raced = open_one(&*store, org.id, home.id, 1).await;
    let before = store.shared_commits();
    let audits_before = audit_count(&*store).await;
    let mut tasks = Vec::new();
    for n in 0..30 {
        let store = store.clone();
        let (queued, raced) = (queued.clone(), raced.clone());
        tasks.push(tokio::spawn(async move {
            match n % 3 {
                // An audited read.
                0 => store
                    .record_audit(&event(Some(org.id), "person.read"))
                    .await
                    .map(|()| true),
                // An entry judged against the chronology as it stands: always kept.
                1 => {
                    let prepare = move |summary: &crate::EpisodeSummary, events: &[EventRecord]| {
                        next_note(summary, events, n, org.id)
                    };
                    store
                        .append_to_episode(org.id, queued.id, &[], &prepare)
                        .await
                        .map(|r| matches!(r, Some(Ok(_))))
                }
                // Ten entries all written as the second: one is kept, nine are refused.
                _ => {
                    let summary = crate::EpisodeSummary {
                        last_event_seq: 2,
                        last_event_kind: "note".into(),
                        ..raced.clone()
                    };
                    match store
                        .append_episode_event(
                            &summary,
                            &note(2, n),
                            &event(Some(org.id), "episode.note"),
                        )
                        .await
                    {
                        Ok(()) => Ok(true),
                        Err(crate::StoreError::Conflict(_)) => Ok(false),
                        Err(e) => Err(e),
                    }
                }
            }
        }));
    }
    let mut kept = 0;
    for t in tasks {
        if t.await.unwrap().unwrap() {
            kept += 1;
        }
    }
    assert_eq!(
        kept, 21,
        "ten reads, ten queued entries and one of the raced ones"
    );
    let (_, events) = store.episode(org.id, queued.id).await.unwrap().unwrap();
    assert_eq!(events.len(), 11);
    let (summary, events) = store.episode(org.id, raced.id).await.unwrap().unwrap();
    assert_eq!(
        (events.len(), summary.last_event_seq),
        (2, 2),
        "refused entries left nothing"
    );
    assert_eq!(audit_count(&*store).await, audits_before + 21);
    let after = store.shared_commits();
    assert_eq!(after.writes - before.writes, 21);
    assert!(
        after.commits - before.commits < 21,
        "{} commits for 21 writes made at once",
        after.commits - before.commits
    );

    // A writer that goes away half-way through its turn (a phone closed mid-save) leaves
    // nothing half-written, and the one queued behind it is kept.
    let (started, go) = (
        Arc::new(std::sync::Barrier::new(2)),
        Arc::new(std::sync::Barrier::new(2)),
    );
    let (s, g) = (started.clone(), go.clone());
    let slow = {
        let store = store.clone();
        tokio::spawn(async move {
            let prepare = move |summary: &crate::EpisodeSummary, events: &[EventRecord]| {
                s.wait();
                g.wait();
                next_note(summary, events, 99, org.id)
            };
            store
                .append_to_episode(org.id, raced.id, &[], &prepare)
                .await
        })
    };
    tokio::task::spawn_blocking(move || started.wait())
        .await
        .unwrap();
    // Cancelled at its next wait, which is inside its own writing.
    slow.abort();
    tokio::task::spawn_blocking(move || go.wait())
        .await
        .unwrap();
    assert!(slow.await.unwrap_err().is_cancelled());
    // The next writer queues behind whatever the cancelled one left, and is kept.
    let next = move |summary: &crate::EpisodeSummary, events: &[EventRecord]| {
        next_note(summary, events, 100, org.id)
    };
    // If it shared the interrupted writer's commit and that commit failed, it is told so and
    // tries again, as a person would: nothing it was told was saved is lost.
    let kept = match store.append_to_episode(org.id, raced.id, &[], &next).await {
        Ok(kept) => kept,
        Err(e) => {
            eprintln!("the writer after the interrupted one was told: {e}; trying again");
            store
                .append_to_episode(org.id, raced.id, &[], &next)
                .await
                .unwrap()
        }
    };
    assert!(matches!(kept, Some(Ok(_))), "{kept:?}");
    // Where it was stopped decides whether the cancelled entry is there (it may have been
    // stopped only while waiting for its commit), but never half of it: an entry is there
    // with its audit record, or neither is.
    let (summary, events) = store.episode(org.id, raced.id).await.unwrap().unwrap();
    let labels: Vec<_> = events
        .iter()
        .map(|e| e.recorded_by_label.as_str())
        .collect();
    assert!(
        labels[2..] == ["worker-100@example.org"]
            || labels[2..] == ["worker-99@example.org", "worker-100@example.org"],
        "{labels:?}"
    );
    assert_eq!(summary.last_event_seq, events.len() as i64);
    assert_eq!(
        events.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=events.len() as i64).collect::<Vec<_>>()
    );
    assert_eq!(
        audit_count(&*store).await,
        audits_before + 21 + events.len() - 2,
        "one audit record for each entry kept"
    );
    let state = verify_chain(&*store).await;
    assert_eq!(state.checked as usize, audit_count(&*store).await);
}

/// Lists filter in the database and page by a cursor; the paging pass finds only the
/// episodes whose time has come.
pub async fn episodes_are_listed_a_page_at_a_time_and_checked_when_due(store: Arc<dyn Store>) {
    use crate::{EpisodeCursor, EpisodeQuery};
    let (org, home) = organisation(&*store, "Li").await;
    let mut opened = Vec::new();
    for n in 0..5 {
        opened.push(open_one(&*store, org.id, home.id, n * 10).await);
    }
    let all = EpisodeQuery {
        limit: 2,
        ..Default::default()
    };
    let first = store.list_episodes(org.id, &all).await.unwrap();
    assert_eq!(
        first.iter().map(|e| e.id).collect::<Vec<_>>(),
        [opened[4].id, opened[3].id],
        "newest first"
    );
    let next = EpisodeQuery {
        after: Some(EpisodeCursor {
            opened_at: first[1].opened_at,
            id: first[1].id,
        }),
        ..all.clone()
    };
    let second = store.list_episodes(org.id, &next).await.unwrap();
    assert_eq!(
        second.iter().map(|e| e.id).collect::<Vec<_>>(),
        [opened[2].id, opened[1].id]
    );
    let theirs = EpisodeQuery {
        person: Some(opened[1].person_id),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(
        store.list_episodes(org.id, &theirs).await.unwrap()[0].id,
        opened[1].id
    );
    let window = EpisodeQuery {
        opened_from: Some(t0() + SignedDuration::from_mins(10)),
        opened_before: Some(t0() + SignedDuration::from_mins(30)),
        phases: vec!["missing".into()],
        limit: 10,
        ..Default::default()
    };
    assert_eq!(store.list_episodes(org.id, &window).await.unwrap().len(), 2);
    let closed = EpisodeQuery {
        phases: vec!["closed".into()],
        limit: 10,
        ..Default::default()
    };
    assert!(
        store
            .list_episodes(org.id, &closed)
            .await
            .unwrap()
            .is_empty()
    );

    // Due now: those whose next look is at or before now.
    let now = t0() + SignedDuration::from_mins(25);
    let due = store.episodes_to_check(now, 100).await.unwrap();
    let ours: Vec<_> = due
        .iter()
        .filter(|(o, _)| *o == org.id)
        .map(|(_, e)| *e)
        .collect();
    assert_eq!(ours, [opened[0].id, opened[1].id, opened[2].id]);
    store
        .set_next_check(
            org.id,
            opened[0].id,
            1,
            Some(t0() + SignedDuration::from_hours(2)),
        )
        .await
        .unwrap();
    store
        .set_next_check(org.id, opened[1].id, 1, None)
        .await
        .unwrap();
    // A stale pass (an entry was added since) leaves the time the append set.
    store
        .set_next_check(org.id, opened[2].id, 7, None)
        .await
        .unwrap();
    let due = store.episodes_to_check(now, 100).await.unwrap();
    let ours: Vec<_> = due
        .iter()
        .filter(|(o, _)| *o == org.id)
        .map(|(_, e)| *e)
        .collect();
    assert_eq!(ours, [opened[2].id]);
    // The board reads each open episode with its person and service.
    let board = store.board_rows(org.id, None).await.unwrap();
    assert_eq!(board.len(), 5);
    assert!(board.iter().all(|r| r.person.id == r.summary.person_id));
    assert!(board.iter().all(|r| r.service_name == home.name));
    assert!(board.iter().all(|r| r.previous_return_at.is_none()));
    // Most recently opened first, as the list of episodes reads them.
    let listed = EpisodeQuery {
        open_only: true,
        limit: 10,
        ..Default::default()
    };
    let listed: Vec<_> = store
        .list_episodes(org.id, &listed)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(
        board.iter().map(|r| r.summary.id).collect::<Vec<_>>(),
        listed
    );
    // Narrowed to services: theirs, or one with nobody missing.
    assert_eq!(
        store
            .board_rows(org.id, Some(&[home.id]))
            .await
            .unwrap()
            .len(),
        5
    );
    let elsewhere = homeward_domain::ids::ServiceId(uuid::Uuid::new_v4());
    assert!(
        store
            .board_rows(org.id, Some(&[elsewhere]))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .board_rows(org.id, Some(&[]))
            .await
            .unwrap()
            .is_empty()
    );
}

/// The board's stamp moves with every change to what the board shows, in that organisation
/// only, and not with reads (a board view's own audit record included): a server that keeps
/// the board it read is never shown one older than the database.
pub async fn the_board_stamp_moves_with_everything_the_board_shows(store: Arc<dyn Store>) {
    use homeward_domain::forms::DocKind;
    use homeward_domain::ids::PhotoId;
    let (org, home) = organisation(&*store, "St").await;
    let (other, _) = organisation(&*store, "Su").await;
    let stamp = || async { store.board_stamp(org.id).await.unwrap() };
    let theirs = store.board_stamp(other.id).await.unwrap();
    let unknown = OrgId::new_random();
    assert_eq!(store.board_stamp(unknown).await.unwrap(), 0, "nothing yet");
    let mut last = stamp().await;
    assert!(last > 0, "making the home moved it");
    let mut moved = |now: i64, what: &str| {
        assert!(now > last, "{what}: the stamp stayed at {last}");
        last = now;
    };

    let opened = open_one(&*store, org.id, home.id, 0).await;
    moved(stamp().await, "an episode opened");

    store
        .set_next_check(
            org.id,
            opened.id,
            1,
            Some(t0() + SignedDuration::from_hours(1)),
        )
        .await
        .unwrap();
    moved(stamp().await, "the paging pass noted its next look");
    store
        .paging_failed(org.id, opened.id, t0(), t0() + SignedDuration::from_mins(5))
        .await
        .unwrap();
    moved(stamp().await, "pages stopped going out");

    let person = store
        .get_person(org.id, opened.person_id)
        .await
        .unwrap()
        .unwrap();
    let mut renamed = person.clone();
    renamed.given_name = "Adah".into();
    store
        .append_document(
            org.id,
            &version(person.id, DocKind::Profile, 1, "Adah"),
            Some(&renamed),
            &event(Some(org.id), "person.update"),
        )
        .await
        .unwrap();
    moved(stamp().await, "the person was renamed");

    let photo = PhotoMeta {
        id: PhotoId::new_random(),
        person_id: person.id,
        taken_on: jiff::civil::date(2026, 11, 1),
        width: 10,
        height: 20,
        uploaded_by_label: "someone@example.org".into(),
        uploaded_at: t0(),
    };
    store
        .add_photo(org.id, &photo, b"jpeg", &event(Some(org.id), "photo.add"))
        .await
        .unwrap();
    moved(stamp().await, "a photo was added");
    store
        .choose_photo(
            org.id,
            person.id,
            photo.id,
            "x",
            &event(Some(org.id), "photo.choose"),
        )
        .await
        .unwrap();
    moved(stamp().await, "a photo was chosen");

    let second = Service {
        id: ServiceId::new_random(),
        name: "St Cottage".into(),
        ..home.clone()
    };
    store
        .create_service(&second, &event(Some(org.id), "service.create"))
        .await
        .unwrap();
    moved(stamp().await, "a home was added");

    // Reads, audited or not, leave it where it is.
    store.board_rows(org.id, None).await.unwrap();
    store
        .record_audit(&event(Some(org.id), "episode.board"))
        .await
        .unwrap();
    store.list_services(org.id).await.unwrap();
    assert_eq!(stamp().await, last, "reads moved it");
    assert_eq!(
        store.board_stamp(other.id).await.unwrap(),
        theirs,
        "another organisation's changes moved it"
    );
}

/// Two servers on one database adding entries at once to the same organisation's episodes:
/// each batch of one holds some episodes while it waits for its commit, so nothing a write
/// takes on the way (the board's stamp included) may be taken in an order that lets two
/// batches wait for each other. Every entry must be saved.
pub async fn appends_through_two_servers_at_once_all_succeed(
    first: Arc<dyn Store>,
    second: Arc<dyn Store>,
) {
    use homeward_domain::episode::EventRecord;
    let (org, home) = organisation(&*first, "Tw").await;
    let mut episodes = Vec::new();
    for n in 0..6 {
        episodes.push(open_one(&*first, org.id, home.id, n).await);
    }
    let mut tasks = Vec::new();
    for round in 0..5 {
        for opened in &episodes {
            for (side, store) in [&first, &second].into_iter().enumerate() {
                let (store, opened) = (store.clone(), opened.clone());
                tasks.push(tokio::spawn(async move {
                    let prepare = move |summary: &crate::EpisodeSummary, events: &[EventRecord]| {
                        Ok(note_after(
                            summary,
                            events,
                            &format!("server-{side}@example.org"),
                            &format!("round {round} from {side}"),
                        ))
                    };
                    store
                        .append_to_episode(opened.org_id, opened.id, &[], &prepare)
                        .await
                }));
            }
        }
    }
    let mut failed = Vec::new();
    for t in tasks {
        match t.await.unwrap() {
            Ok(Some(Ok(_))) => {}
            other => failed.push(format!("{other:?}")),
        }
    }
    assert!(
        failed.is_empty(),
        "{} of 60 not saved: {failed:?}",
        failed.len()
    );
    for opened in &episodes {
        let (summary, events) = first.episode(org.id, opened.id).await.unwrap().unwrap();
        assert_eq!(events.len(), 11);
        assert_eq!(summary.last_event_seq, 11);
    }
}

/// People come a page at a time, by name, within the services asked for.
pub async fn people_are_listed_a_page_at_a_time_by_name(store: Arc<dyn Store>) {
    use crate::{PeopleQuery, PersonCursor};
    let (org, home) = organisation(&*store, "Pp").await;
    let mut made = Vec::new();
    for (given, family) in [
        ("Cai", "Evans"),
        ("Alys", "Evans"),
        ("Bethan", "Davies"),
        ("Dai", "Jones"),
        ("Elin", "Evans"),
    ] {
        let mut p = ada(org.id, home.id);
        p.given_name = given.into();
        p.family_name = family.into();
        store
            .create_person(&p, &event(Some(org.id), "person.create"))
            .await
            .unwrap();
        made.push(p);
    }
    let audit = event(Some(org.id), "person.list");
    let first = store
        .people_page(
            org.id,
            &PeopleQuery {
                limit: 2,
                ..Default::default()
            },
            &audit,
        )
        .await
        .unwrap();
    let names = |list: &[Person]| {
        list.iter()
            .map(|p| format!("{} {}", p.given_name, p.family_name))
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&first), ["Bethan Davies", "Alys Evans"]);
    let last = first.last().unwrap();
    let next = store
        .people_page(
            org.id,
            &PeopleQuery {
                after: Some(PersonCursor {
                    family_name: last.family_name.clone(),
                    given_name: last.given_name.clone(),
                    id: last.id,
                }),
                limit: 10,
                ..Default::default()
            },
            &audit,
        )
        .await
        .unwrap();
    assert_eq!(names(&next), ["Cai Evans", "Elin Evans", "Dai Jones"]);
    assert_eq!(store.count_people(org.id, None).await.unwrap(), 5);
    assert_eq!(store.count_people(org.id, Some(&[])).await.unwrap(), 0);
    let (other, other_home) = organisation(&*store, "Pq").await;
    assert!(
        store
            .people_page(
                other.id,
                &PeopleQuery {
                    limit: 10,
                    ..Default::default()
                },
                &audit
            )
            .await
            .unwrap()
            .is_empty(),
        "never across organisations"
    );
    assert!(
        store
            .people_page(
                org.id,
                &PeopleQuery {
                    services: Some(vec![other_home.id]),
                    limit: 10,
                    ..Default::default()
                },
                &audit
            )
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn photos_are_kept_and_one_is_current(store: Arc<dyn Store>) {
    use homeward_domain::ids::PhotoId;
    let (org, home) = organisation(&*store, "Ph").await;
    let (other, _) = organisation(&*store, "Pi").await;
    let person = ada(org.id, home.id);
    store
        .create_person(&person, &event(Some(org.id), "person.create"))
        .await
        .unwrap();
    assert_eq!(
        store.photos(org.id, person.id).await.unwrap(),
        (vec![], None)
    );
    let photo = |n: i64| PhotoMeta {
        id: PhotoId::new_random(),
        person_id: person.id,
        taken_on: jiff::civil::date(2026, 11, 1),
        width: 10,
        height: 20,
        uploaded_by_label: "someone@example.org".into(),
        uploaded_at: t0().checked_add(SignedDuration::from_mins(n)).unwrap(),
    };
    let (first, second) = (photo(1), photo(2));
    store
        .add_photo(
            org.id,
            &first,
            b"first-jpeg",
            &event(Some(org.id), "photo.add"),
        )
        .await
        .unwrap();
    store
        .add_photo(
            org.id,
            &second,
            b"second-jpeg",
            &event(Some(org.id), "photo.add"),
        )
        .await
        .unwrap();
    let (list, current) = store.photos(org.id, person.id).await.unwrap();
    assert_eq!(list, vec![second.clone(), first.clone()], "newest first");
    assert_eq!(current, Some(second.id), "the newest upload is current");
    assert!(
        store
            .choose_photo(
                org.id,
                person.id,
                first.id,
                "x",
                &event(Some(org.id), "photo.choose")
            )
            .await
            .unwrap()
    );
    assert_eq!(
        store.photos(org.id, person.id).await.unwrap().1,
        Some(first.id)
    );
    assert_eq!(
        store
            .photo_jpeg(org.id, person.id, first.id)
            .await
            .unwrap()
            .as_deref(),
        Some(&b"first-jpeg"[..])
    );
    // Another organisation sees nothing and changes nothing.
    assert_eq!(
        store
            .photo_jpeg(other.id, person.id, first.id)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.photos(other.id, person.id).await.unwrap(),
        (vec![], None)
    );
    assert!(
        !store
            .choose_photo(
                other.id,
                person.id,
                second.id,
                "x",
                &event(Some(other.id), "photo.choose")
            )
            .await
            .unwrap()
    );
    assert!(
        store
            .add_photo(
                other.id,
                &photo(3),
                b"x",
                &event(Some(other.id), "photo.add")
            )
            .await
            .is_err()
    );
}

pub async fn users_are_found_by_name_service_and_address_a_page_at_a_time(store: Arc<dyn Store>) {
    let (org, home) = organisation(&*store, "Users").await;
    let other_home = Service {
        id: ServiceId::new_random(),
        name: "Other House".into(),
        ..home.clone()
    };
    store
        .create_service(&other_home, &event(Some(org.id), "service.create"))
        .await
        .unwrap();
    let add = |name: &str, email: &str, service: Option<ServiceId>| {
        let store = store.clone();
        let user = User {
            id: UserId::new_random(),
            org_id: org.id,
            email: email.into(),
            display_name: name.into(),
            active: true,
            created_at: t0(),
        };
        async move {
            let new = NewUser {
                user: user.clone(),
                password_hash: "x".into(),
                memberships: vec![Membership {
                    role: Role::CareWorker,
                    service_id: service,
                }],
            };
            store
                .create_user(&new, &event(Some(org.id), "user.create"))
                .await
                .unwrap();
            user
        }
    };
    let anwen = add("Anwen Price", "anwen@example.org", Some(home.id)).await;
    let bryn = add("Bryn 100% Jones", "bryn@example.org", Some(other_home.id)).await;
    add("Cerys Lloyd", "CERYS@example.org", None).await;
    let dai = add("Dai Evans", "dai@example.org", Some(home.id)).await;
    store
        .deactivate_user(org.id, dai.id, &event(Some(org.id), "user.deactivate"))
        .await
        .unwrap();
    let names = |found: Vec<UserWithRoles>| -> Vec<String> {
        found.into_iter().map(|u| u.user.display_name).collect()
    };
    let find = |q: UsersQuery| {
        let store = store.clone();
        async move {
            store
                .users_page(
                    org.id,
                    &UsersQuery {
                        limit: q.limit.max(1),
                        ..q
                    },
                    None,
                )
                .await
                .unwrap()
        }
    };
    let all = find(UsersQuery {
        limit: 10,
        ..Default::default()
    })
    .await;
    assert_eq!(
        names(all.clone()),
        ["Anwen Price", "Bryn 100% Jones", "Cerys Lloyd", "Dai Evans"]
    );
    assert!(
        all.iter().all(|u| u.memberships.len() == 1),
        "roles come with each"
    );
    // Those who can act in the home: a membership there or across the organisation.
    let able = find(UsersQuery {
        service: Some(home.id),
        active_only: true,
        limit: 10,
        ..Default::default()
    })
    .await;
    assert_eq!(names(able), ["Anwen Price", "Cerys Lloyd"]);
    // By name or address in any case; LIKE's wildcards are taken as they are.
    let search = |text: &str| UsersQuery {
        search: Some(text.into()),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(names(find(search("cerys@")).await), ["Cerys Lloyd"]);
    assert_eq!(names(find(search("PRICE")).await), ["Anwen Price"]);
    assert_eq!(names(find(search("100%")).await), ["Bryn 100% Jones"]);
    assert!(find(search("0% J_")).await.is_empty());
    assert_eq!(names(find(search("%")).await), ["Bryn 100% Jones"]);
    let by_ids = find(UsersQuery {
        ids: Some(vec![bryn.id, dai.id]),
        active_only: true,
        limit: 10,
        ..Default::default()
    })
    .await;
    assert_eq!(names(by_ids), ["Bryn 100% Jones"]);
    assert!(
        find(UsersQuery {
            ids: Some(vec![]),
            limit: 10,
            ..Default::default()
        })
        .await
        .is_empty()
    );
    let by_email = find(UsersQuery {
        emails: Some(vec!["anwen@example.org".into()]),
        limit: 10,
        ..Default::default()
    })
    .await;
    assert_eq!(names(by_email), ["Anwen Price"]);
    // Two at a time, each page after the last.
    let mut pages = Vec::new();
    let mut after = None;
    loop {
        let page = find(UsersQuery {
            after: after.clone(),
            limit: 2,
            ..Default::default()
        })
        .await;
        if page.is_empty() {
            break;
        }
        after = page.last().map(|u| UserCursor {
            display_name: u.user.display_name.clone(),
            id: u.user.id,
        });
        pages.push(names(page));
    }
    assert_eq!(
        pages,
        [
            vec!["Anwen Price", "Bryn 100% Jones"],
            vec!["Cerys Lloyd", "Dai Evans"]
        ]
    );
    // Asking for it is audited when a person asked.
    let before = audit_count(&*store).await;
    store
        .users_page(
            org.id,
            &UsersQuery {
                limit: 1,
                ..Default::default()
            },
            Some(&event(Some(org.id), "user.list")),
        )
        .await
        .unwrap();
    assert_eq!(audit_count(&*store).await, before + 1);
    assert_eq!(all[0].user, anwen);
}

pub async fn the_audit_trail_is_searched_in_the_database_newest_first(store: Arc<dyn Store>) {
    let (org, _) = organisation(&*store, "Trail").await;
    let (other, _) = organisation(&*store, "Elsewhere").await;
    let record = |org: OrgId, who: &str, kind: &str, id: &str, outcome: Outcome, minutes: i64| {
        let store = store.clone();
        let e = AuditEvent {
            at: t0()
                .checked_add(SignedDuration::from_mins(minutes))
                .unwrap(),
            actor_label: who.into(),
            resource_kind: kind.into(),
            resource_id: Some(id.into()),
            outcome,
            ..event(Some(org), &format!("{kind}.view"))
        };
        async move { store.record_audit(&e).await.unwrap() }
    };
    record(
        org.id,
        "ana@example.org",
        "person",
        "p-1",
        Outcome::Allowed,
        10,
    )
    .await;
    record(
        org.id,
        "ben@example.org",
        "episode",
        "e-9 #3",
        Outcome::Allowed,
        20,
    )
    .await;
    record(
        org.id,
        "ana@example.org",
        "episode",
        "e-9 #4",
        Outcome::Denied,
        30,
    )
    .await;
    record(
        other.id,
        "ana@example.org",
        "person",
        "p-1",
        Outcome::Allowed,
        40,
    )
    .await;
    let find = |q: AuditQuery| {
        let store = store.clone();
        async move {
            store
                .audit_search(
                    org.id,
                    &AuditQuery {
                        limit: q.limit.max(1),
                        ..q
                    },
                )
                .await
                .unwrap()
                .into_iter()
                .filter(|r| {
                    r.event.resource_kind != "organisation" && r.event.resource_kind != "test"
                })
                .map(|r| r.event.resource_id.unwrap_or_default())
                .collect::<Vec<_>>()
        }
    };
    let q = |f: fn(&mut AuditQuery)| {
        let mut q = AuditQuery {
            limit: 50,
            ..Default::default()
        };
        f(&mut q);
        q
    };
    assert_eq!(
        find(q(|_| {})).await,
        ["e-9 #4", "e-9 #3", "p-1"],
        "newest first, this organisation's"
    );
    assert_eq!(
        find(q(|q| q.who = Some("ANA@".into()))).await,
        ["e-9 #4", "p-1"]
    );
    assert_eq!(
        find(q(|q| q.record = Some("e-9".into()))).await,
        ["e-9 #4", "e-9 #3"]
    );
    assert_eq!(find(q(|q| q.kind = Some("person".into()))).await, ["p-1"]);
    assert_eq!(find(q(|q| q.refused_only = true)).await, ["e-9 #4"]);
    assert_eq!(
        find(q(|q| {
            q.from = Some(t0().checked_add(SignedDuration::from_mins(15)).unwrap());
            q.before = Some(t0().checked_add(SignedDuration::from_mins(30)).unwrap());
        }))
        .await,
        ["e-9 #3"]
    );
    // A page at a time: older than the last one shown.
    let newest = store
        .audit_search(
            org.id,
            &AuditQuery {
                kind: Some("episode".into()),
                limit: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(newest.len(), 1);
    let older = store
        .audit_search(
            org.id,
            &AuditQuery {
                kind: Some("episode".into()),
                older_than: Some(newest[0].seq),
                limit: 5,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        older
            .iter()
            .map(|r| r.event.resource_id.clone().unwrap())
            .collect::<Vec<_>>(),
        ["e-9 #3"]
    );
}

pub async fn people_due_for_review_are_found_in_the_database(store: Arc<dyn Store>) {
    use homeward_domain::forms::DocKind;
    use jiff::civil::date;
    let (org, home) = organisation(&*store, "Due").await;
    let audit = event(Some(org.id), "person.create");
    // Everything in date: every document reviewed in future, a photo from last week.
    let add = |given: &str,
               kind: PersonKind,
               photo_on: Option<jiff::civil::Date>,
               docs: &[(DocKind, Option<jiff::civil::Date>)]| {
        let store = store.clone();
        let audit = audit.clone();
        let mut person = ada(org.id, home.id);
        person.given_name = given.into();
        person.kind = kind;
        let docs = docs.to_vec();
        let given = given.to_string();
        async move {
            store.create_person(&person, &audit).await.unwrap();
            for (kind, review) in docs {
                let mut v = version(person.id, kind, 1, &given);
                v.review_date = review;
                store
                    .append_document(org.id, &v, None, &audit)
                    .await
                    .unwrap();
            }
            if let Some(taken_on) = photo_on {
                let photo = PhotoMeta {
                    id: homeward_domain::ids::PhotoId::new_random(),
                    person_id: person.id,
                    taken_on,
                    width: 10,
                    height: 20,
                    uploaded_by_label: "someone@example.org".into(),
                    uploaded_at: t0(),
                };
                store
                    .add_photo(org.id, &photo, b"jpeg", &audit)
                    .await
                    .unwrap();
            }
            person
        }
    };
    let future = Some(date(2027, 1, 1));
    let all_in_date = [
        (DocKind::Profile, future),
        (DocKind::RiskAssessment, future),
        (DocKind::MissingPlan, future),
    ];
    let recent = Some(date(2026, 11, 20));
    let two_months = Some(date(2026, 9, 25));
    add("Fine", PersonKind::Child, recent, &all_in_date).await;
    add("Nophoto", PersonKind::Child, None, &all_in_date).await;
    add("Oldchildphoto", PersonKind::Child, two_months, &all_in_date).await;
    add("Oldadultphoto", PersonKind::Adult, two_months, &all_in_date).await;
    add("Noplan", PersonKind::Child, recent, &all_in_date[..2]).await;
    let mut undated = all_in_date;
    undated[1].1 = None;
    add("Undatedrisk", PersonKind::Child, recent, &undated).await;
    let mut past = all_in_date;
    past[0].1 = Some(date(2026, 11, 28));
    add("Pastprofile", PersonKind::Child, recent, &past).await;
    let mut today_due = all_in_date;
    today_due[2].1 = Some(date(2026, 11, 29));
    add("Reviewtoday", PersonKind::Child, recent, &today_due).await;
    let query = |after: Option<PersonCursor>, limit: i64| DueQuery {
        services: None,
        today: date(2026, 11, 29),
        child_photo_cutoff: date(2026, 10, 29),
        adult_photo_cutoff: date(2025, 11, 29),
        after,
        limit,
    };
    let due = store
        .people_due(
            org.id,
            &query(None, 50),
            &event(Some(org.id), "person.list"),
        )
        .await
        .unwrap();
    let mut names: Vec<String> = due.iter().map(|p| p.given_name.clone()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "Nophoto",
            "Noplan",
            "Oldchildphoto",
            "Pastprofile",
            "Undatedrisk"
        ],
        "a review due today is not yet late; an adult's photo keeps for a year"
    );
    // A page at a time, each after the last, none twice.
    let first = store
        .people_due(org.id, &query(None, 3), &event(Some(org.id), "person.list"))
        .await
        .unwrap();
    let last = first.last().unwrap();
    let rest = store
        .people_due(
            org.id,
            &query(
                Some(PersonCursor {
                    family_name: last.family_name.clone(),
                    given_name: last.given_name.clone(),
                    id: last.id,
                }),
                50,
            ),
            &event(Some(org.id), "person.list"),
        )
        .await
        .unwrap();
    assert_eq!(first.len() + rest.len(), 5);
    assert!(rest.iter().all(|p| !first.contains(p)));
    // Another home only: nobody here.
    let none = store
        .people_due(
            org.id,
            &DueQuery {
                services: Some(vec![ServiceId::new_random()]),
                ..query(None, 50)
            },
            &event(Some(org.id), "person.list"),
        )
        .await
        .unwrap();
    assert!(none.is_empty());
}

/// An episode (closed unless `open`) written with its facts for learning.
async fn episode_with_facts(
    store: &dyn Store,
    service: &Service,
    person: PersonId,
    facts: homeward_domain::learning::EpisodeFacts,
    duties: Vec<homeward_domain::learning::DutyOutcome>,
) -> homeward_domain::ids::EpisodeId {
    opened_with_facts(store, service, person, facts, duties, true)
        .await
        .id
}

/// An episode opened as `facts` say, with them written as it opens (`now`) or left for the
/// caller to load in bulk.
async fn opened_with_facts(
    store: &dyn Store,
    service: &Service,
    person: PersonId,
    facts: homeward_domain::learning::EpisodeFacts,
    duties: Vec<homeward_domain::learning::DutyOutcome>,
    now: bool,
) -> crate::EpisodeSummary {
    use homeward_domain::episode::{Event, EventRecord, Occurred, Opened};
    let open = facts.phase == "missing";
    let summary = crate::EpisodeSummary {
        id: homeward_domain::ids::EpisodeId::new_random(),
        org_id: service.org_id,
        service_id: service.id,
        person_id: person,
        phase: facts.phase.clone(),
        is_open: open,
        opened_at: facts.started_at,
        last_seen_at: Some(facts.started_at),
        police_grade: facts.police_grade.clone(),
        last_event_seq: 1,
        last_event_kind: "opened".into(),
        last_event_at: facts.started_at,
        schedule: crate::Schedule::default(),
    };
    let first = EventRecord {
        seq: 1,
        when: Occurred::in_london(facts.started_at),
        recorded_at: facts.started_at,
        recorded_by: None,
        recorded_by_label: "worker@example.org".into(),
        event: Event::Opened(Opened::default()),
    };
    let learning = crate::Learning { facts, duties };
    store
        .open_episode(
            &summary,
            &first,
            now.then_some(&learning),
            &event(Some(service.org_id), "episode.open"),
        )
        .await
        .unwrap();
    if now {
        assert_eq!(
            store.learning_of(service.org_id, summary.id).await.unwrap(),
            Some(learning),
            "facts are kept as written"
        );
    }
    summary
}

/// An episode of `person` that opened at `at` and closed an hour later, loaded whole.
async fn closed_episode(
    store: &dyn Store,
    service: &Service,
    person: PersonId,
    at: jiff::Timestamp,
) -> homeward_domain::ids::EpisodeId {
    use homeward_domain::episode::{Event, EventRecord, Occurred, Opened};
    let closed_at = at + SignedDuration::from_hours(1);
    let summary = crate::EpisodeSummary {
        id: homeward_domain::ids::EpisodeId::new_random(),
        org_id: service.org_id,
        service_id: service.id,
        person_id: person,
        phase: "closed".into(),
        is_open: false,
        opened_at: at,
        last_seen_at: Some(at),
        police_grade: None,
        last_event_seq: 2,
        last_event_kind: "closed".into(),
        last_event_at: closed_at,
        schedule: crate::Schedule::default(),
    };
    let record = |seq, when, event| EventRecord {
        seq,
        when: Occurred::in_london(when),
        recorded_at: when,
        recorded_by: None,
        recorded_by_label: "manager@example.org".into(),
        event,
    };
    let events = vec![
        record(1, at, Event::Opened(Opened::default())),
        record(
            2,
            closed_at,
            Event::Closed {
                summary: "Home safe".into(),
                left_open: Vec::new(),
            },
        ),
    ];
    store
        .bulk_load(
            &[],
            &[(summary.clone(), events)],
            &event(Some(service.org_id), "episode.load"),
        )
        .await
        .unwrap();
    summary.id
}

/// Many people over three years, some of their episodes loaded in bulk and some corrected
/// afterwards (moved to another day, recorded in error, a risk added): for windows starting
/// on any day, across years and over all of it, the whole organisation's figures from its
/// kept counts equal those counted from every home's facts, and rebuilding the counts
/// changes nothing.
pub async fn kept_counts_answer_any_window_as_the_facts_do(store: Arc<dyn Store>) {
    use crate::FactsFilter;
    use homeward_domain::learning::EpisodeFacts;
    use jiff::SignedDuration;
    let (org, a) = organisation(&*store, "Years").await;
    let b = Service {
        id: ServiceId::new_random(),
        name: "Second House".into(),
        ..a.clone()
    };
    store
        .create_service(&b, &event(Some(org.id), "service.create"))
        .await
        .unwrap();
    let mut people = Vec::new();
    for i in 0..14 {
        let home = if i % 3 == 0 { &b } else { &a };
        let p = ada(org.id, home.id);
        store
            .create_person(&p, &event(Some(org.id), "person.create"))
            .await
            .unwrap();
        people.push((p.id, home.clone()));
    }
    let mut seed: u64 = 11;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let start: jiff::Timestamp = "2023-11-15T12:00:00Z".parse().unwrap();
    let facts_at = |at: jiff::Timestamp, risks: &str, away: i64, told: i64| {
        let local = homeward_domain::time::in_london(at);
        EpisodeFacts {
            started_at: at,
            start_day: local.date(),
            start_weekday: local.weekday().to_monday_zero_offset() as u8,
            start_hour: local.hour() as u8,
            episode_number: 1,
            found_at: Some(at + SignedDuration::from_mins(away)),
            away_minutes: Some(away),
            reported_after_minutes: Some(told),
            risks: risks.into(),
            phase: "closed".into(),
            interview: "not_offered".into(),
            ..EpisodeFacts::default()
        }
    };
    let mut written = Vec::new();
    let mut bulk = Vec::new();
    for i in 0..160 {
        // Lower numbers more often: some people go missing again and again.
        let who = (next(14) as usize).min(next(14) as usize);
        let at = start + SignedDuration::from_mins(next(3 * 365 * 24 * 60) as i64);
        let risks = ["", "cse", "self_harm", "cse,self_harm", ""][next(5) as usize];
        let facts = facts_at(at, risks, next(3_000) as i64, next(200) as i64);
        let (person, home) = &people[who];
        let now = i % 2 == 0;
        let summary =
            opened_with_facts(&*store, home, *person, facts.clone(), Vec::new(), now).await;
        if now {
            written.push((summary, facts));
        } else {
            bulk.push((
                summary,
                crate::Learning {
                    facts,
                    duties: Vec::new(),
                },
            ));
        }
    }
    store.bulk_load_learning(&bulk).await.unwrap();
    // Corrections after the event.
    for (i, (summary, facts)) in written.iter().enumerate().take(30) {
        let mut f = facts.clone();
        match i % 3 {
            0 => {
                f = facts_at(
                    f.started_at - SignedDuration::from_hours(24 * 40),
                    &f.risks,
                    f.away_minutes.unwrap_or(0),
                    7,
                )
            }
            1 => f.phase = "recorded_in_error".into(),
            _ => f.risks = "cse".into(),
        }
        let learning = crate::Learning {
            facts: f,
            duties: Vec::new(),
        };
        store.put_learning(summary, &learning).await.unwrap();
    }
    let now: jiff::Timestamp = "2026-11-30T00:00:00Z".parse().unwrap();
    let midnight = |d: &str| {
        d.parse::<jiff::civil::Date>()
            .unwrap()
            .to_zoned(homeward_domain::time::london())
            .unwrap()
            .timestamp()
    };
    for (from, before) in [
        ("2023-10-01", "2026-12-01"),
        ("2024-01-01", "2026-01-01"),
        ("2024-03-17", "2025-03-17"),
        ("2024-02-29", "2026-07-04"),
        ("2025-06-15", "2025-08-15"),
        ("2025-10-26", "2025-10-27"),
        ("2026-03-29", "2026-10-25"),
        ("2025-12-31", "2026-01-02"),
    ] {
        let everywhere = FactsFilter {
            services: None,
            person: None,
            from: midnight(from),
            before: midnight(before),
            cut: None,
        };
        assert!(crate::sql_impl::rollup_ranges(&everywhere).is_some());
        let every_home = FactsFilter {
            services: Some(vec![a.id, b.id]),
            ..everywhere.clone()
        };
        let kept = store.patterns(org.id, &everywhere, now).await.unwrap();
        let counted = store.patterns(org.id, &every_home, now).await.unwrap();
        assert_eq!(kept, counted, "{from} to {before}");
    }
    let whole = store
        .patterns(
            org.id,
            &FactsFilter {
                services: None,
                person: None,
                from: midnight("2023-10-01"),
                before: midnight("2026-12-01"),
                cut: None,
            },
            now,
        )
        .await
        .unwrap();
    assert!(whole.people > 10 && whole.most.len() == 10 && whole.risk_people.len() == 2);
    let kept = store.rollups(org.id).await.unwrap();
    for grain in ["day", "month", "year", "all"] {
        assert!(kept.iter().any(|r| r.grain == grain), "{grain}");
    }
    assert!(kept.iter().any(|r| r.figure == "first_person_risk_cse"));
    assert!(kept.iter().all(|r| r.n != 0), "no count left at nothing");
    store.rebuild_rollups(org.id).await.unwrap();
    assert_eq!(store.rollups(org.id).await.unwrap(), kept);
}

/// A hand-counted window across the October clock change: every figure as counted, and
/// every figure's list of episodes as long as the figure.
pub async fn patterns_add_up_to_the_episodes_they_list(store: Arc<dyn Store>) {
    use crate::{Cut, FactsFilter};
    use homeward_domain::learning::{DutyOutcome, EpisodeFacts};
    let at = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
    let (org, a) = organisation(&*store, "Patterns").await;
    let b = Service {
        id: ServiceId::new_random(),
        name: "Other House".into(),
        ..a.clone()
    };
    store
        .create_service(&b, &event(Some(org.id), "service.create"))
        .await
        .unwrap();
    let mut people = Vec::new();
    for home in [&a, &a, &b, &a] {
        let p = ada(org.id, home.id);
        store
            .create_person(&p, &event(Some(org.id), "person.create"))
            .await
            .unwrap();
        people.push(p.id);
    }
    let (p1, p2, p3, p4) = (people[0], people[1], people[2], people[3]);
    let base = |started: &str, weekday: u8, hour: u8| EpisodeFacts {
        started_at: at(started),
        start_day: in_london_day(at(started)),
        start_weekday: weekday,
        start_hour: hour,
        episode_number: 1,
        interview: "not_offered".into(),
        phase: "closed".into(),
        ..EpisodeFacts::default()
    };
    // 1: Sunday 00:30 BST, found after an hour, police told after 20 minutes (late), the
    // interview offered in time.
    let e1 = EpisodeFacts {
        found_at: Some(at("2026-10-25T00:30:00Z")),
        away_minutes: Some(60),
        reported_after_minutes: Some(20),
        police_grade: Some("medium".into()),
        last_seen_place: "Bus station".into(),
        last_seen_kind: "hangout".into(),
        found_town: "Newport".into(),
        found_police_area: "Gwent Police".into(),
        found_kind: "not_on_form".into(),
        returned_at: Some(at("2026-10-25T01:00:00Z")),
        interview: "held".into(),
        interview_first_offered_at: Some(at("2026-10-26T09:00:00Z")),
        interview_offers: 1,
        risks: "cse".into(),
        interview_expected: true,
        ..base("2026-10-24T23:30:00Z", 6, 0)
    };
    let e1_duties = vec![
        DutyOutcome {
            rule: "prevention_meeting".into(),
            due_at: None,
            done_at: None,
            status: "information".into(),
        },
        DutyOutcome {
            rule: "report_police".into(),
            due_at: Some(at("2026-10-24T23:40:00Z")),
            done_at: Some(at("2026-10-24T23:50:00Z")),
            status: "done".into(),
        },
        DutyOutcome {
            rule: "tell_parents".into(),
            due_at: Some(at("2026-10-25T00:30:00Z")),
            done_at: Some(at("2026-10-25T00:00:00Z")),
            status: "done".into(),
        },
    ];
    // 2: the second 01:30 (GMT) that night, their second episode, away over a day, police
    // not told, the interview offered late and declined.
    let e2 = EpisodeFacts {
        episode_number: 2,
        found_at: Some(at("2026-10-26T02:30:00Z")),
        away_minutes: Some(1500),
        returned_at: Some(at("2026-10-26T03:00:00Z")),
        interview: "declined".into(),
        interview_first_offered_at: Some(at("2026-10-30T03:00:00Z")),
        interview_offers: 1,
        interview_declines: 1,
        decline_reason: "Too tired to talk".into(),
        over_threshold: true,
        interview_expected: true,
        ..base("2026-10-25T01:30:00Z", 6, 1)
    };
    // 3: Monday 09:00 GMT, still missing two days later, police told after half an hour,
    // their report duty open past its deadline.
    let e3 = EpisodeFacts {
        reported_after_minutes: Some(30),
        police_grade: Some("high".into()),
        last_seen_place: "Bus station".into(),
        last_seen_kind: "hangout".into(),
        phase: "missing".into(),
        ..base("2026-10-26T09:00:00Z", 0, 9)
    };
    let e3_duties = vec![DutyOutcome {
        rule: "report_police".into(),
        due_at: Some(at("2026-10-26T10:00:00Z")),
        done_at: None,
        status: "open".into(),
    }];
    let id1 = episode_with_facts(&*store, &a, p1, e1, e1_duties).await;
    let id2 = episode_with_facts(&*store, &a, p1, e2, Vec::new()).await;
    let id3 = episode_with_facts(&*store, &a, p2, e3, e3_duties).await;
    // Elsewhere, earlier, or recorded in error: not counted.
    episode_with_facts(
        &*store,
        &b,
        p3,
        base("2026-10-27T10:00:00Z", 1, 10),
        Vec::new(),
    )
    .await;
    episode_with_facts(
        &*store,
        &a,
        p4,
        base("2026-09-01T10:00:00Z", 1, 11),
        Vec::new(),
    )
    .await;
    let mistaken = EpisodeFacts {
        phase: "recorded_in_error".into(),
        ..base("2026-10-27T11:00:00Z", 1, 11)
    };
    episode_with_facts(&*store, &a, p4, mistaken, Vec::new()).await;

    // Episode 3 was found and then the finding was corrected away again: the organisation's
    // kept counts follow each change and end where they started.
    let (summary3, _) = store.episode(org.id, id3).await.unwrap().unwrap();
    let kept3 = store.learning_of(org.id, id3).await.unwrap().unwrap();
    let mut found3 = kept3.clone();
    found3.facts.found_at = Some(at("2026-10-28T09:00:00Z"));
    found3.facts.away_minutes = Some(2 * 24 * 60);
    found3.facts.police_grade = Some("medium".into());
    found3.duties[0].status = "done".into();
    found3.duties[0].done_at = found3.facts.found_at;
    store.put_learning(&summary3, &found3).await.unwrap();
    store.put_learning(&summary3, &kept3).await.unwrap();

    let now = at("2026-10-28T12:00:00Z");
    let window = |cut: Option<Cut>| FactsFilter {
        services: Some(vec![a.id]),
        person: None,
        from: at("2026-10-20T00:00:00Z"),
        before: at("2026-11-01T00:00:00Z"),
        cut,
    };
    let p = store.patterns(org.id, &window(None), now).await.unwrap();
    assert_eq!((p.episodes, p.people), (3, 2));
    assert_eq!((p.first_time, p.repeat), (2, 1));
    assert_eq!((p.still_away, p.over_24_hours), (1, 2));
    assert_eq!(p.away_median_minutes, Some(60));
    assert_eq!((p.reported, p.not_reported), (2, 1));
    assert_eq!(p.report_median_minutes, Some(20));
    assert_eq!(p.grades, [("high".into(), 1), ("medium".into(), 1)]);
    assert_eq!(p.slots, [(0, 9, 1), (6, 0, 1), (6, 1, 1)]);
    assert_eq!(p.most, [(p1, 2), (p2, 1)]);
    assert_eq!(p.last_seen_places, [("Bus station".into(), 2)]);
    assert_eq!(p.found_towns, [("Newport".into(), 1)]);
    assert_eq!(p.found_areas, [("Gwent Police".into(), 1)]);
    assert_eq!(p.last_seen_kinds, [("hangout".into(), 2)]);
    assert_eq!(p.found_kinds, [("not_on_form".into(), 1)]);
    assert_eq!(p.decline_reasons, [("Too tired to talk".into(), 1)]);
    assert_eq!(p.risks, [("cse".into(), 1)]);
    assert_eq!(p.risk_people, [("cse".into(), 1)]);
    assert_eq!(p.returned, 2);
    assert_eq!(
        (
            p.interview_offered,
            p.interview_offered_in_time,
            p.interview_declined,
            p.interview_held,
            p.interview_not_offered
        ),
        (2, 1, 1, 1, 0)
    );
    assert_eq!(
        (
            p.over_threshold,
            p.interview_expected,
            p.interview_expected_offered
        ),
        (1, 2, 2)
    );
    let report = p.duties.iter().find(|d| d.rule == "report_police").unwrap();
    assert_eq!(
        (report.total, report.on_time, report.late, report.overdue),
        (2, 0, 1, 1)
    );
    assert_eq!(report.late_median_minutes, Some(10));
    let parents = p.duties.iter().find(|d| d.rule == "tell_parents").unwrap();
    assert_eq!((parents.total, parents.on_time, parents.late), (1, 1, 0));
    assert!(p.duties.iter().all(|d| d.rule != "prevention_meeting"));

    // Every figure opens the list of its episodes, and the list is as long as the figure.
    let listed = |cut: Option<Cut>| {
        let store = store.clone();
        let filter = window(cut);
        async move {
            store
                .facts_episodes(org.id, &filter, now, None, 100)
                .await
                .unwrap()
                .into_iter()
                .map(|(e, _)| e.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(listed(None).await, [id3, id2, id1], "latest start first");
    let figures = [
        (Cut::FirstTime, p.first_time),
        (Cut::Repeat, p.repeat),
        (Cut::StillAway, p.still_away),
        (Cut::Over24Hours, p.over_24_hours),
        (Cut::ReportedToPolice, p.reported),
        (Cut::NotReportedToPolice, p.not_reported),
        (Cut::Returned, p.returned),
        (Cut::InterviewOffered, p.interview_offered),
        (Cut::InterviewOfferedInTime, p.interview_offered_in_time),
        (Cut::InterviewDeclined, p.interview_declined),
        (Cut::InterviewReOffered, p.interview_re_offered),
        (Cut::InterviewHeld, p.interview_held),
        (Cut::InterviewNotOffered, p.interview_not_offered),
        (Cut::OverThreshold, p.over_threshold),
        (Cut::InterviewExpected, p.interview_expected),
        (Cut::InterviewExpectedOffered, p.interview_expected_offered),
        (Cut::Person(p1), 2),
        (Cut::Slot(6, 1), 1),
        (Cut::LastSeenAt("Bus station".into()), 2),
        (Cut::FoundIn("Newport".into()), 1),
        (Cut::FoundInArea("Gwent Police".into()), 1),
        (Cut::LastSeenAtKind("hangout".into()), 2),
        (Cut::FoundAtKind("not_on_form".into()), 1),
        (Cut::FoundAtKind("family".into()), 0),
        (Cut::DeclinedBecause("Too tired to talk".into()), 1),
        (Cut::Grade("high".into()), 1),
        (Cut::Risk("cse".into()), 1),
        (Cut::Risk("cs".into()), 0),
    ];
    for (cut, figure) in figures {
        assert_eq!(
            listed(Some(cut.clone())).await.len() as i64,
            figure,
            "{cut:?}"
        );
        let narrowed = store
            .patterns(org.id, &window(Some(cut.clone())), now)
            .await
            .unwrap();
        assert_eq!(narrowed.episodes, figure, "{cut:?}");
        assert_eq!(
            store
                .count_episodes(org.id, &window(Some(cut.clone())), now)
                .await
                .unwrap(),
            figure,
            "{cut:?} counted"
        );
        // Over the whole organisation's UK days the total is read from the kept counts
        // where they hold the cut: it must equal the list all the same.
        let whole = FactsFilter {
            services: None,
            from: at("2026-10-19T23:00:00Z"),
            before: at("2026-11-01T00:00:00Z"),
            cut: Some(cut.clone()),
            ..window(None)
        };
        let all = store
            .facts_episodes(org.id, &whole, now, None, 100)
            .await
            .unwrap()
            .len() as i64;
        assert_eq!(
            store.count_episodes(org.id, &whole, now).await.unwrap(),
            all,
            "{cut:?} over the organisation"
        );
    }
    assert_eq!(listed(Some(Cut::Over24Hours)).await, [id3, id2]);
    // One person's own patterns: everything counted is theirs, and their lists add up too.
    let theirs = FactsFilter {
        person: Some(p1),
        ..window(None)
    };
    let own = store.patterns(org.id, &theirs, now).await.unwrap();
    assert_eq!((own.episodes, own.first_time, own.repeat), (2, 1, 1));
    let own_repeats = store
        .facts_episodes(
            org.id,
            &FactsFilter {
                cut: Some(Cut::Repeat),
                ..theirs.clone()
            },
            now,
            None,
            10,
        )
        .await
        .unwrap();
    assert_eq!(own_repeats.len() as i64, own.repeat);
    // A page at a time.
    let first = store
        .facts_episodes(org.id, &window(None), now, None, 2)
        .await
        .unwrap();
    let (last, started) = first.last().unwrap();
    let rest = store
        .facts_episodes(org.id, &window(None), now, Some((*started, last.id)), 2)
        .await
        .unwrap();
    assert_eq!(rest.iter().map(|(e, _)| e.id).collect::<Vec<_>>(), [id1]);
    // Another organisation sees none of it.
    let (other, _) = organisation(&*store, "Elsewhere").await;
    let none = store
        .patterns(
            other.id,
            &FactsFilter {
                services: None,
                ..window(None)
            },
            now,
        )
        .await
        .unwrap();
    assert_eq!(none.episodes, 0);

    // The planner's statistics can be brought up to date at any time without changing a figure.
    store.refresh_statistics().await.unwrap();
    // The whole organisation over whole UK days is added up from its kept counts (days, and
    // whole months as months): the same figures as counting the facts of every home.
    for (from, before) in [
        ("2026-10-19T23:00:00Z", "2026-11-01T00:00:00Z"),
        ("2026-08-31T23:00:00Z", "2026-11-01T00:00:00Z"),
        ("2026-08-31T23:00:00Z", "2026-10-26T00:00:00Z"),
        ("2026-10-24T23:00:00Z", "2026-10-26T00:00:00Z"),
    ] {
        let everywhere = FactsFilter {
            services: None,
            person: None,
            from: at(from),
            before: at(before),
            cut: None,
        };
        assert!(crate::sql_impl::rollup_ranges(&everywhere).is_some());
        let every_home = FactsFilter {
            services: Some(vec![a.id, b.id]),
            ..everywhere.clone()
        };
        let counted = store.patterns(org.id, &everywhere, now).await.unwrap();
        assert!(counted.episodes > 0, "{from} to {before}");
        // Who went missing, most, and at risk come from the counts kept by person.
        assert!(
            counted.people > 0 && !counted.most.is_empty(),
            "{from} to {before}"
        );
        assert_eq!(
            counted,
            store.patterns(org.id, &every_home, now).await.unwrap(),
            "{from} to {before}"
        );
    }
    // Counted again from the facts, the counts are exactly those kept entry by entry.
    let kept = store.rollups(org.id).await.unwrap();
    assert!(kept.iter().any(|r| r.grain == "month" && r.figure == "cut"));
    assert!(
        kept.iter()
            .any(|r| r.grain == "day" && r.figure == "person")
    );
    assert!(kept.iter().any(|r| r.figure == "person_risk_cse"));
    assert!(kept.iter().all(|r| r.n != 0), "no count left at nothing");
    assert_eq!(
        store.rebuild_rollups(org.id).await.unwrap(),
        kept.len() as u64
    );
    assert_eq!(store.rollups(org.id).await.unwrap(), kept);
}

/// Two from one home within the hour make a pair; the same person twice, another home, or
/// two hours apart do not.
pub async fn people_missing_together_are_paired_within_the_time_set(store: Arc<dyn Store>) {
    use crate::FactsFilter;
    use homeward_domain::learning::EpisodeFacts;
    let at = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
    let (org, a) = organisation(&*store, "Together").await;
    let b = Service {
        id: ServiceId::new_random(),
        name: "Next Door".into(),
        ..a.clone()
    };
    store
        .create_service(&b, &event(Some(org.id), "service.create"))
        .await
        .unwrap();
    let mut people = Vec::new();
    for home in [&a, &a, &a, &b] {
        let p = ada(org.id, home.id);
        store
            .create_person(&p, &event(Some(org.id), "person.create"))
            .await
            .unwrap();
        people.push(p.id);
    }
    let facts = |started: &str| EpisodeFacts {
        started_at: at(started),
        start_day: in_london_day(at(started)),
        interview: "not_offered".into(),
        phase: "closed".into(),
        ..EpisodeFacts::default()
    };
    let first = episode_with_facts(
        &*store,
        &a,
        people[0],
        facts("2026-10-25T00:30:00Z"),
        Vec::new(),
    )
    .await;
    let second = episode_with_facts(
        &*store,
        &a,
        people[1],
        facts("2026-10-25T01:20:00Z"),
        Vec::new(),
    )
    .await;
    episode_with_facts(
        &*store,
        &a,
        people[0],
        facts("2026-10-25T02:30:00Z"),
        Vec::new(),
    )
    .await;
    episode_with_facts(
        &*store,
        &a,
        people[2],
        facts("2026-10-25T04:00:00Z"),
        Vec::new(),
    )
    .await;
    episode_with_facts(
        &*store,
        &b,
        people[3],
        facts("2026-10-25T00:40:00Z"),
        Vec::new(),
    )
    .await;
    let window = FactsFilter {
        services: None,
        person: None,
        from: at("2026-10-20T00:00:00Z"),
        before: at("2026-11-01T00:00:00Z"),
        cut: None,
    };
    let hour = SignedDuration::from_hours(1);
    let pairs = store
        .missing_together(org.id, &window, at("2026-10-28T00:00:00Z"), hour, 100)
        .await
        .unwrap();
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    assert_eq!((pairs[0].first.0, pairs[0].second.0), (first, second));
    assert_eq!(pairs[0].service_id, a.id);
    // Within three hours: everyone in the home but the same child twice.
    let wider = store
        .missing_together(org.id, &window, at("2026-10-28T00:00:00Z"), hour * 3, 100)
        .await
        .unwrap();
    assert_eq!(wider.len(), 4, "{wider:?}");
}

fn in_london_day(at: jiff::Timestamp) -> jiff::civil::Date {
    homeward_domain::time::in_london(at).date()
}

/// Expands to one `#[tokio::test]` per conformance case. `$make` is an async block or
/// expression producing `Option<Arc<dyn Store>>`; `None` skips (an engine not available here).
/// A policy per kind of service; its details and published versions numbered in order and
/// never overwritten; a signature recorded once; nothing reaches another organisation.
pub async fn missing_policies_are_versioned_published_and_signed_once(store: Arc<dyn Store>) {
    use crate::policies::{
        Policy, PolicyDetails, PolicyDetailsVersion, PolicySignature, PublishedPolicy, Signing,
    };
    use homeward_domain::ids::PolicyId;
    use homeward_domain::organisation::ServiceKind;
    let (org, _) = organisation(&*store, "Pol").await;
    let (other, _) = organisation(&*store, "Pom").await;
    let manager = user(
        &*store,
        org.id,
        "pol-manager@example.org",
        &[Role::OrgAdmin],
    )
    .await;
    let worker = user(&*store, org.id, "pol-worker@example.org", &[Role::OrgAdmin]).await;
    let policy = Policy {
        id: PolicyId::new_random(),
        org_id: org.id,
        kind: ServiceKind::HomeCare,
        created_at: t0(),
    };
    let before = store.audit_page(0, 1_000_000).await.unwrap().len();
    store
        .create_policy(&policy, &event(Some(org.id), "policy.create"))
        .await
        .unwrap();
    let twin = Policy {
        id: PolicyId::new_random(),
        ..policy.clone()
    };
    let again = store
        .create_policy(&twin, &event(Some(org.id), "policy.create"))
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    assert_eq!(
        store.policies(org.id).await.unwrap(),
        std::slice::from_ref(&policy)
    );
    assert!(store.policies(other.id).await.unwrap().is_empty());
    assert_eq!(store.policy(other.id, policy.id).await.unwrap(), None);

    // Details, in versions.
    let details = |n: i64, authority: &str| PolicyDetailsVersion {
        policy_id: policy.id,
        version: n,
        details: PolicyDetails {
            local: homeward_domain::missing_policy::LocalDetails {
                local_authority: authority.into(),
                ..Default::default()
            },
            own: Vec::new(),
            review_months: 12,
        },
        recorded_by_label: "admin@example.org".into(),
        recorded_at: t0() + SignedDuration::from_mins(n),
    };
    let audit = || event(Some(org.id), "policy.details");
    assert!(
        store
            .append_policy_details(org.id, &details(1, "Cardiff"), &audit())
            .await
            .unwrap()
    );
    let twice = store
        .append_policy_details(org.id, &details(1, "Newport"), &audit())
        .await;
    assert!(matches!(twice, Err(StoreError::Conflict(_))), "{twice:?}");
    // Not theirs: nothing written.
    assert!(
        !store
            .append_policy_details(other.id, &details(2, "Swansea"), &audit())
            .await
            .unwrap()
    );
    assert!(
        store
            .append_policy_details(org.id, &details(2, "Caerphilly"), &audit())
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .latest_policy_details(org.id, policy.id)
            .await
            .unwrap(),
        Some(details(2, "Caerphilly"))
    );
    assert_eq!(
        store
            .latest_policy_details(other.id, policy.id)
            .await
            .unwrap(),
        None
    );

    // Published versions, newest first.
    let published = |n: i64, material: bool| PublishedPolicy {
        policy_id: policy.id,
        version: n,
        text_en: format!("Policy {n}"),
        text_cy: format!("Polisi {n}"),
        content_hash: format!("{n:064}"),
        material,
        change_note: if n == 1 {
            String::new()
        } else {
            "Police after 45 minutes".into()
        },
        approved_by: manager.id,
        approved_by_label: "Manager".into(),
        approved_at: t0() + SignedDuration::from_hours(n),
        review_by: jiff::civil::date(2027, 11, 30),
    };
    let audit = || event(Some(org.id), "policy.publish");
    assert!(
        store
            .publish_policy(org.id, &published(1, true), &audit())
            .await
            .unwrap()
    );
    let skipped = store
        .publish_policy(org.id, &published(3, true), &audit())
        .await;
    assert!(
        matches!(skipped, Err(StoreError::Conflict(_))),
        "{skipped:?}"
    );
    assert!(
        !store
            .publish_policy(other.id, &published(2, true), &audit())
            .await
            .unwrap()
    );
    assert!(
        store
            .publish_policy(org.id, &published(2, false), &audit())
            .await
            .unwrap()
    );
    assert_eq!(
        store.published_policies(org.id, policy.id).await.unwrap(),
        [published(2, false), published(1, true)]
    );
    assert!(
        store
            .published_policies(other.id, policy.id)
            .await
            .unwrap()
            .is_empty()
    );

    // Signatures: once each, only on a published version of their own organisation's policy.
    let sign = |version: i64, who: &User| PolicySignature {
        policy_id: policy.id,
        version,
        user_id: who.id,
        signed_at: t0() + SignedDuration::from_hours(3),
    };
    let audit = || event(Some(org.id), "policy.sign");
    assert_eq!(
        store
            .sign_policy(org.id, &sign(1, &worker), &audit())
            .await
            .unwrap(),
        Signing::Signed
    );
    assert_eq!(
        store
            .sign_policy(org.id, &sign(1, &worker), &audit())
            .await
            .unwrap(),
        Signing::AlreadySigned
    );
    assert_eq!(
        store
            .sign_policy(org.id, &sign(9, &worker), &audit())
            .await
            .unwrap(),
        Signing::NoSuchVersion
    );
    assert_eq!(
        store
            .sign_policy(other.id, &sign(2, &worker), &audit())
            .await
            .unwrap(),
        Signing::NoSuchVersion
    );
    assert_eq!(
        store
            .sign_policy(org.id, &sign(2, &manager), &audit())
            .await
            .unwrap(),
        Signing::Signed
    );
    let signatures = store.policy_signatures(org.id, policy.id).await.unwrap();
    assert_eq!(signatures, [sign(1, &worker), sign(2, &manager)]);
    assert!(
        store
            .policy_signatures(other.id, policy.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.audit_page(0, 1_000_000).await.unwrap().len(),
        before + 1 + 2 + 2 + 2,
        "one audit record for each thing written, none for what was refused"
    );
}

#[macro_export]
macro_rules! conformance_suite {
    ($make:expr) => {
        $crate::conformance_suite!(@cases $make;
            ping_answers,
            organisations_and_services_round_trip,
            users_are_scoped_to_their_organisation,
            duplicate_email_is_a_conflict_and_writes_nothing,
            roles_are_replaced_within_the_organisation_only,
            sessions_live_until_ended,
            deactivation_ends_sessions_and_tokens_at_once,
            sign_in_failures_are_counted_in_the_window,
            trusted_devices_belong_to_one_user,
            a_second_factor_is_used_once_and_removed_with_its_sessions,
            disclosures_are_kept_per_person_and_listed_within_the_organisation,
            people_are_listed_by_service_and_the_read_is_audited,
            the_audit_chain_holds_under_concurrent_writes,
            document_versions_append_in_order_and_never_overwrite,
            photos_are_kept_and_one_is_current,
            settings_are_versioned_per_organisation,
            episodes_append_in_order_and_one_is_open_per_person,
            chronology_entries_are_sealed_and_backups_recorded,
            rotas_are_versioned_per_service,
            mail_is_queued_with_its_event_and_claimed_once,
            the_outbox_is_fair_and_keeps_dead_letters_for_managers,
            appends_to_one_episode_queue_and_none_is_refused,
            concurrent_writes_share_commits_and_fail_alone,
            episodes_are_listed_a_page_at_a_time_and_checked_when_due,
            the_board_stamp_moves_with_everything_the_board_shows,
            people_are_listed_a_page_at_a_time_by_name,
            users_are_found_by_name_service_and_address_a_page_at_a_time,
            the_audit_trail_is_searched_in_the_database_newest_first,
            people_due_for_review_are_found_in_the_database,
            patterns_add_up_to_the_episodes_they_list,
            people_missing_together_are_paired_within_the_time_set,
            kept_counts_answer_any_window_as_the_facts_do,
            grants_reach_only_their_partner_while_live,
            inspections_reach_only_their_inspectorate_while_live,
            missing_policies_are_versioned_published_and_signed_once,
        );
    };
    (@cases $make:expr; $($case:ident,)*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                if let Some(store) = $make.await {
                    $crate::conformance::$case(store).await;
                }
            }
        )*
    };
}

/// Episodes whose facts were kept before the counts by person were (for the upgrade's own
/// test): three people over two months, with risks, and one episode recorded in error.
/// Returns the organisation; its counts, as the app keeps them, are the answer.
pub async fn facts_for_the_people_upgrade(store: &dyn Store) -> OrgId {
    use homeward_domain::learning::EpisodeFacts;
    let (org, home) = organisation(store, "Upgrade").await;
    let mut people = Vec::new();
    for _ in 0..3 {
        let p = ada(org.id, home.id);
        store
            .create_person(&p, &event(Some(org.id), "person.create"))
            .await
            .unwrap();
        people.push(p.id);
    }
    for (person, started, risks, phase, offers) in [
        (0, "2026-09-30T22:30:00Z", "cse,county_lines", "closed", 2),
        (0, "2026-10-02T18:00:00Z", "cse", "closed", 1),
        (1, "2026-10-02T19:00:00Z", "", "missing", 0),
        (2, "2026-10-31T23:59:00Z", "self_harm", "closed", 3),
        (2, "2026-10-05T10:00:00Z", "cse", "recorded_in_error", 2),
        (1, "2024-12-31T23:30:00Z", "cse", "closed", 1),
        (1, "2025-03-30T00:30:00Z", "", "closed", 0),
    ] {
        let at: jiff::Timestamp = started.parse().unwrap();
        let facts = EpisodeFacts {
            started_at: at,
            start_day: in_london_day(at),
            episode_number: 1,
            risks: risks.into(),
            phase: phase.into(),
            interview: "offered".into(),
            interview_offers: offers,
            returned_at: (phase == "closed").then_some(at),
            away_minutes: (phase == "closed").then_some(offers * 700 + 5),
            reported_after_minutes: Some(offers * 30 + 1),
            ..EpisodeFacts::default()
        };
        episode_with_facts(store, &home, people[person], facts, Vec::new()).await;
    }
    org.id
}

/// What the upgrades that fill kept counts from the facts write (0015: who went missing by
/// day and month, and interviews offered again; 0019: years, all time, hours and `first_`
/// counts). Taken away, then written again by those upgrades, they must be what the app kept.
pub const UPGRADE_FILLS: &str = "DELETE FROM pattern_rollups WHERE figure LIKE 'person%' \
    OR key = 're_offered' OR figure LIKE 'first_%' OR figure LIKE '%_hours' OR grain IN ('year', 'all')";

/// The statements of upgrade files that write counts, leaving out comments and new indexes.
pub fn upgrade_statements(files: &[&str]) -> Vec<String> {
    files
        .iter()
        .flat_map(|f| f.split(";\n"))
        .filter(|s| {
            let code: Vec<&str> = s
                .lines()
                .filter(|l| !l.trim().is_empty() && !l.starts_with("--"))
                .collect();
            !code.is_empty() && !code[0].starts_with("CREATE INDEX")
        })
        .map(str::to_string)
        .collect()
}
