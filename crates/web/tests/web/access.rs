//! Access for partners: a manager gives a police force access to a child's record; an officer
//! from that force sees it in their list and opens it, only as far as the grant covers; the
//! provider sees each look; revoking ends it at the next request; another force never sees
//! it; an adult's record is not shared without consent unless the concern is written down.

use crate::support::*;
use homeward_domain::person::PersonKind;
use homeward_domain::role::Role;

const GIVE: [(&str, &str); 7] = [
    ("purpose", "find"),
    ("sections", "police_pack"),
    ("sections", "chronology"),
    ("purpose_words", "She is missing and police are searching"),
    ("lawful_basis", "vital_interests"),
    ("condition", "safeguarding"),
    ("consent", "not_asked"),
];

#[tokio::test]
async fn a_partner_sees_only_what_a_live_grant_covers_and_the_provider_sees_each_look() {
    for t in engines().await {
        let demo = seed(&t).await;
        let org = demo.own(Role::Manager).org_id;
        let manager = session_for(&t, demo.own(Role::Manager)).await;
        let (force, officer) = partner(
            &t,
            "Dyfed-Powys Police",
            "police",
            "police",
            "pc@dyfed.example",
        )
        .await;
        let (_, elsewhere) =
            partner(&t, "Gwent Police", "police", "police", "pc@gwent.example").await;
        let child = missing_child(&t, org).await;
        let path = format!("/people/{}/access", child.id);
        let page = req("GET", &path).session(&manager).send(&t).await;
        assert_eq!(page.status, 200);
        // The demo's partners were given access to her record already.
        assert!(page.body.contains("Heddlu Dychmygol Police"));
        assert!(page.body.contains("Dyfed-Powys Police (police)"));
        // Nothing chosen: each part is asked for.
        let missing = req("POST", &path)
            .session(&manager)
            .form(&form(&manager, &[("purpose", "")]))
            .send(&t)
            .await;
        assert_eq!(missing.status, 422);
        for message in [
            "Choose who to give access to",
            "Choose why they need access",
            "Tick at least one thing they can see",
        ] {
            assert!(missing.body.contains(message), "{message}");
        }
        let mut pairs = GIVE.to_vec();
        pairs.push(("partner", &force));
        let given = req("POST", &path)
            .session(&manager)
            .form(&form(&manager, &pairs))
            .send(&t)
            .await;
        assert_eq!(given.status, 303, "{}", given.body);
        let page = req("GET", &format!("{path}?done=given"))
            .session(&manager)
            .send(&t)
            .await;
        for words in [
            "Access given.",
            "They can see it now",
            "The police pack’s details",
            "To find them",
        ] {
            assert!(page.body.contains(words), "{words}");
        }
        // The grant is a disclosure too.
        let shares = req("GET", &format!("/people/{}/disclosures", child.id))
            .session(&manager)
            .send(&t)
            .await;
        assert!(shares.body.contains("Dyfed-Powys Police"));
        // The officer sees it listed and opens it; another force sees nothing.
        let list = req("GET", "/shared").session(&officer).send(&t).await;
        assert_eq!(list.status, 200);
        assert!(list.body.contains(&child.given_name), "{}", list.body);
        let href = list
            .body
            .split("href=\"/shared/")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_string();
        let record = req("GET", &format!("/shared/{href}"))
            .session(&officer)
            .send(&t)
            .await;
        assert_eq!(record.status, 200);
        assert!(record.body.contains(&child.family_name));
        assert!(record.body.contains("Chronology"));
        // The officer adds the police's risk grade; the provider's chronology names them
        // and their force.
        assert!(
            record
                .body
                .contains(&format!("/shared/{href}/add/police_graded"))
        );
        assert!(
            !record
                .body
                .contains(&format!("/shared/{href}/add/strategy_discussion"))
        );
        let form_page = req("GET", &format!("/shared/{href}/add/police_graded"))
            .session(&officer)
            .send(&t)
            .await;
        assert_eq!(form_page.status, 200);
        let wrong = req("POST", &format!("/shared/{href}/add/police_graded"))
            .session(&officer)
            .form(&form(&officer, &[("grade", "")]))
            .send(&t)
            .await;
        assert_eq!(wrong.status, 422);
        let graded = req("POST", &format!("/shared/{href}/add/police_graded"))
            .session(&officer)
            .form(&form(
                &officer,
                &[("grade", "high"), ("scheme", "england_wales_app")],
            ))
            .send(&t)
            .await;
        assert_eq!(graded.status, 303, "{}", graded.body);
        let not_theirs = req("POST", &format!("/shared/{href}/add/closed"))
            .session(&officer)
            .form(&form(&officer, &[]))
            .send(&t)
            .await;
        assert_eq!(not_theirs.status, 404);
        let episode = t
            .app
            .store
            .open_episode_of(org, child.id)
            .await
            .unwrap()
            .unwrap();
        let chronology = req("GET", &format!("/episodes/{episode}"))
            .session(&manager)
            .send(&t)
            .await;
        assert!(
            chronology
                .body
                .contains("pc@dyfed.example (Dyfed-Powys Police)"),
            "{}",
            chronology.body
        );
        let other = req("GET", "/shared").session(&elsewhere).send(&t).await;
        assert!(
            other
                .body
                .contains("Nothing is shared with your organisation")
        );
        assert!(!other.body.contains(&child.given_name));
        let refused = req("GET", &format!("/shared/{href}"))
            .session(&elsewhere)
            .send(&t)
            .await;
        assert_eq!(refused.status, 404);
        // The provider sees the look.
        let page = req("GET", &path).session(&manager).send(&t).await;
        assert!(
            page.body.contains("pc@dyfed.example (Dyfed-Powys Police)"),
            "{}",
            page.body
        );
        assert!(page.body.contains("(grant "), "under which grant");
        // Ending it needs a reason, then takes effect at once.
        let revoke = format!("{path}/{href}/revoke");
        let no_reason = req("POST", &revoke)
            .session(&manager)
            .form(&form(&manager, &[]))
            .send(&t)
            .await;
        assert_eq!(no_reason.status, 422);
        assert!(no_reason.body.contains("Enter why you are ending access"));
        let ended = req("POST", &revoke)
            .session(&manager)
            .form(&form(&manager, &[("reason", "She is home")]))
            .send(&t)
            .await;
        assert_eq!(ended.status, 303);
        let gone = req("GET", &format!("/shared/{href}"))
            .session(&officer)
            .send(&t)
            .await;
        assert_eq!(gone.status, 404);
        let page = req("GET", &path).session(&manager).send(&t).await;
        assert!(page.body.contains("She is home"));
        // A care worker cannot give access; the officer cannot see the provider's pages.
        let worker = session_for(&t, demo.own(Role::CareWorker)).await;
        let mut pairs = GIVE.to_vec();
        pairs.push(("partner", &force));
        let no = req("POST", &path)
            .session(&worker)
            .form(&form(&worker, &pairs))
            .send(&t)
            .await;
        assert_eq!(no.status, 403);
        let no = req("GET", &path).session(&officer).send(&t).await;
        assert_eq!(no.status, 403);
        let trail = t.app.store.audit_page(0, 1_000_000).await.unwrap();
        for action in ["grant.give", "grant.read", "grant.receipt", "grant.revoke"] {
            assert!(trail.iter().any(|r| r.event.action == action), "{action}");
        }
    }
}

#[tokio::test]
async fn an_adults_record_is_not_shared_without_consent_unless_the_concern_is_written_down() {
    for t in engines().await {
        seed(&t).await;
        let adults_org = t
            .app
            .store
            .list_organisations()
            .await
            .unwrap()
            .into_iter()
            .find(|o| o.name.contains("Gofal"))
            .map(|o| o.id);
        let Some(org) = adults_org else {
            panic!("the demo has a home-care provider for adults");
        };
        let adult = someone(&t, org, PersonKind::Adult).await;
        let manager_user = t
            .app
            .store
            .find_credentials("manager@gofal-dychmygol.example")
            .await
            .unwrap()
            .unwrap()
            .user;
        let manager = session_for(&t, &manager_user).await;
        let (council, _) = partner(
            &t,
            "Cyngor Sir",
            "local_authority",
            "social_worker",
            "sw@cyngor.example",
        )
        .await;
        let path = format!("/people/{}/access", adult.id);
        let mut pairs: Vec<(&str, &str)> = GIVE.to_vec();
        pairs.push(("partner", &council));
        let refused = req("POST", &path)
            .session(&manager)
            .form(&form(&manager, &pairs))
            .send(&t)
            .await;
        assert_eq!(refused.status, 422);
        assert!(
            refused.body.contains("only be shared without their agreement when there is a significant safeguarding concern"),
            "{}",
            refused.body
        );
        pairs.push((
            "concern",
            "He has dementia and is missing in the cold overnight",
        ));
        let given = req("POST", &path)
            .session(&manager)
            .form(&form(&manager, &pairs))
            .send(&t)
            .await;
        assert_eq!(given.status, 303, "{}", given.body);
    }
}

/// Police use emergency access when no one has given them any: with a reason, to someone
/// missing now, for four hours and the police pack's details only. The provider's on-call
/// chain is paged at once, the chronology says so, and the use is on the review list.
#[tokio::test]
async fn police_emergency_access_pages_the_provider_and_is_listed_for_review() {
    for t in engines().await {
        let demo = seed(&t).await;
        let org = demo.other(Role::Manager).org_id;
        let child = missing_child(&t, org).await;
        let officer_user = t
            .app
            .store
            .find_credentials("police@heddlu-dychmygol.example")
            .await
            .unwrap()
            .unwrap()
            .user;
        let officer = session_for(&t, &officer_user).await;
        let page = req("GET", "/emergency-access")
            .session(&officer)
            .send(&t)
            .await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Sample Shire Care Ltd"));
        let org_id = org.to_string();
        // No reason, wrong names: refused, each said.
        let refused = req("POST", "/emergency-access")
            .session(&officer)
            .form(&form(
                &officer,
                &[("provider", &org_id), ("given_name", &child.given_name)],
            ))
            .send(&t)
            .await;
        assert_eq!(refused.status, 422);
        assert!(refused.body.contains("Enter their first and last names"));
        assert!(refused.body.contains("Enter why you need it now"));
        let nobody = req("POST", "/emergency-access")
            .session(&officer)
            .form(&form(
                &officer,
                &[
                    ("provider", &org_id),
                    ("given_name", "Nobody"),
                    ("family_name", "Atall"),
                    ("reason", "Incident 123"),
                ],
            ))
            .send(&t)
            .await;
        assert_eq!(nobody.status, 422);
        assert!(
            nobody
                .body
                .contains("Nobody missing now at that provider has those names")
        );
        let opened = req("POST", "/emergency-access")
            .session(&officer)
            .form(&form(
                &officer,
                &[
                    ("provider", &org_id),
                    ("given_name", &child.given_name.to_uppercase()),
                    ("family_name", &child.family_name),
                    ("reason", "Incident 4417: seen near the river at night"),
                ],
            ))
            .send(&t)
            .await;
        assert_eq!(opened.status, 303, "{}", opened.body);
        let shared = opened.location().unwrap().to_string();
        let record = req("GET", &shared).session(&officer).send(&t).await;
        assert_eq!(record.status, 200);
        assert!(record.body.contains(&child.family_name));
        assert!(record.body.contains("Emergency access"));
        // The police pack's details only: no chronology.
        assert!(!record.body.contains("Add to the chronology"));
        // The chronology says so, and the on-call chain is paged.
        let episode = t
            .app
            .store
            .open_episode_of(org, child.id)
            .await
            .unwrap()
            .unwrap();
        t.app.escalate("http://homeward.test").await.unwrap();
        let (_, events) = t.app.store.episode(org, episode).await.unwrap().unwrap();
        let used = events
            .iter()
            .find(|r| {
                matches!(
                    r.event,
                    homeward_domain::episode::Event::EmergencyAccess { .. }
                )
            })
            .expect("the entry");
        assert_eq!(
            used.recorded_by_label,
            "police@heddlu-dychmygol.example (Heddlu Dychmygol Police)"
        );
        assert!(
            events.iter().any(|r| matches!(
                r.event,
                homeward_domain::episode::Event::Paged {
                    reason: homeward_domain::escalation::PageReason::EmergencyAccess,
                    ..
                }
            )),
            "the on-call chain is paged"
        );
        // On the provider's review list, with the reason.
        let manager = session_for(&t, demo.other(Role::Manager)).await;
        let review = req("GET", "/access/emergency")
            .session(&manager)
            .send(&t)
            .await;
        assert_eq!(review.status, 200);
        for words in [
            "Incident 4417: seen near the river at night",
            "Heddlu Dychmygol Police",
            &child.given_name,
        ] {
            assert!(review.body.contains(words), "{words}");
        }
        assert!(review.body.contains("Not reviewed yet"));
        // The manager reviews it: both parts are asked for, then it is recorded once.
        let at = review.body.find("/access/emergency/").unwrap();
        let action = review.body[at..].split('"').next().unwrap().to_string();
        let empty = req("POST", &action)
            .session(&manager)
            .form(&form(&manager, &[("notes", " ")]))
            .send(&t)
            .await;
        assert_eq!(empty.status, 422, "[{}] {}", t.engine, empty.body);
        assert!(empty.body.contains("Choose whether it was justified"));
        assert!(empty.body.contains("Enter what you found"));
        for _ in 0..2 {
            let done = req("POST", &action)
                .session(&manager)
                .form(&form(
                    &manager,
                    &[
                        ("outcome", "justified"),
                        (
                            "notes",
                            "Reported missing at 02:10; the officer needed the photo",
                        ),
                    ],
                ))
                .send(&t)
                .await;
            assert_eq!(done.status, 303, "a second click is no harm");
        }
        let reviewed = req("GET", "/access/emergency")
            .session(&manager)
            .send(&t)
            .await;
        assert!(reviewed.body.contains("Yes, it was justified"));
        assert_eq!(
            reviewed
                .body
                .matches("the officer needed the photo")
                .count(),
            1
        );
        assert!(!reviewed.body.contains("Not reviewed yet"));
        // Four hours later it has ended.
        t.clock.advance(jiff::SignedDuration::from_hours(4));
        let officer = session_for(&t, &officer_user).await;
        let ended = req("GET", &shared).session(&officer).send(&t).await;
        assert_eq!(ended.status, 404);
        // Other partners cannot use it.
        let social = t
            .app
            .store
            .find_credentials("social-worker@cyngor-ffug.example")
            .await
            .unwrap()
            .unwrap()
            .user;
        let social = session_for(&t, &social).await;
        assert_eq!(
            req("GET", "/emergency-access")
                .session(&social)
                .send(&t)
                .await
                .status,
            403
        );
    }
}

/// Every partner route against every state a grant can be in: live, expired, revoked, given
/// to another partner, for another person's record, and without the section asked for. Only
/// the live grant of one's own organisation opens anything, and only as far as it covers.
#[tokio::test]
async fn partner_routes_open_only_through_a_live_grant_that_covers_them() {
    use homeward_store::{Grant, GrantEnding};
    for t in engines().await {
        let demo = seed(&t).await;
        let org = demo.own(Role::Manager).org_id;
        let child = missing_child(&t, org).await;
        let other_child = someone_else(&t, org, child.id).await;
        let (force, officer) =
            partner(&t, "Matrix Police", "police", "police", "pc@matrix.example").await;
        let (other_force, _) =
            partner(&t, "Other Police", "police", "police", "pc@other.example").await;
        let force: homeward_domain::ids::OrgId =
            homeward_domain::ids::OrgId(force.parse().unwrap());
        let other_force: homeward_domain::ids::OrgId =
            homeward_domain::ids::OrgId(other_force.parse().unwrap());
        let now = t.app.clock.now();
        let give = |partner, person: &homeward_store::Person, sections: &[&str], hours: i64| {
            let person = person.clone();
            let sections: Vec<String> = sections.iter().map(|s| s.to_string()).collect();
            let t = &t;
            async move {
                let disclosure = homeward_store::DisclosureRecord {
                    id: uuid::Uuid::new_v4(),
                    org_id: org,
                    service_id: person.service_id,
                    person_id: person.id,
                    shared: homeward_domain::episode::Occurred::in_london(now),
                    recorded_at: now,
                    decided_by: None,
                    decided_by_label: "test".into(),
                    kind: "grant".into(),
                    disclosure: homeward_domain::disclosure::Disclosure {
                        what: "Access".into(),
                        recipient: "Police".into(),
                        purpose: "To find them".into(),
                        lawful_basis: "vital_interests".into(),
                        condition: "safeguarding".into(),
                        consent: "not_asked".into(),
                        ..Default::default()
                    },
                };
                let grant = Grant {
                    id: uuid::Uuid::new_v4(),
                    org_id: org,
                    partner_org_id: partner,
                    person_id: person.id,
                    episode_id: None,
                    purpose: "find".into(),
                    reason: "To find them".into(),
                    sections,
                    granted_by: None,
                    granted_by_label: "test".into(),
                    granted_at: now,
                    ends_at: now + jiff::SignedDuration::from_hours(hours),
                    disclosure_id: disclosure.id,
                    ended: None,
                };
                t.app
                    .store
                    .give_access(&grant, &disclosure, &test_event(org))
                    .await
                    .unwrap();
                grant.id
            }
        };
        let live = give(force, &child, &["police_pack", "chronology"], 48).await;
        let expiring = give(force, &child, &["police_pack", "chronology"], 1).await;
        let revoked = give(force, &child, &["police_pack", "chronology"], 48).await;
        let another_partner = give(other_force, &child, &["police_pack", "chronology"], 48).await;
        let another_person = give(force, &other_child, &["police_pack", "chronology"], 48).await;
        let pack_only = give(force, &child, &["police_pack"], 48).await;
        let no_pack = give(force, &child, &["chronology"], 48).await;
        t.app
            .store
            .end_access(
                org,
                revoked,
                &GrantEnding {
                    at: now,
                    by: None,
                    by_label: "test".into(),
                    reason: "Not needed".into(),
                },
                &test_event(org),
            )
            .await
            .unwrap();
        t.clock.advance(jiff::SignedDuration::from_hours(2));
        let officer = {
            let user = t
                .app
                .store
                .find_credentials("pc@matrix.example")
                .await
                .unwrap()
                .unwrap()
                .user;
            let _ = officer;
            session_for(&t, &user).await
        };
        let mut checked = 0;
        // (grant, reading it, the entry form, adding to its chronology, the pack's PDF)
        let cases = [
            (live, 200, 200, 303, 200),
            (expiring, 404, 404, 404, 404),
            (revoked, 404, 404, 404, 404),
            (another_partner, 404, 404, 404, 404),
            // Another person's record, given to this force: theirs to read; no episode open.
            (another_person, 200, 200, 422, 200),
            // Without the chronology: read, but nothing to add to.
            (pack_only, 200, 403, 403, 200),
            // Without the pack: no PDF of it.
            (no_pack, 200, 200, 303, 404),
        ];
        for (grant, read, form_status, add, pdf) in cases {
            let page = req("GET", &format!("/shared/{grant}"))
                .session(&officer)
                .send(&t)
                .await;
            assert_eq!(page.status, read, "reading grant {grant}");
            let pack = req("GET", &format!("/shared/{grant}/police-pack.pdf"))
                .session(&officer)
                .send(&t)
                .await;
            assert_eq!(pack.status, pdf, "the pack's PDF through grant {grant}");
            if pdf == 200 {
                assert!(pack.bytes.starts_with(b"%PDF"), "a PDF");
            }
            let form_page = req("GET", &format!("/shared/{grant}/add/police_graded"))
                .session(&officer)
                .send(&t)
                .await;
            assert_eq!(
                form_page.status, form_status,
                "the entry form through grant {grant}"
            );
            let added = req("POST", &format!("/shared/{grant}/add/police_graded"))
                .session(&officer)
                .form(&form(
                    &officer,
                    &[("grade", "high"), ("scheme", "england_wales_app")],
                ))
                .send(&t)
                .await;
            assert_eq!(
                added.status, add,
                "adding through grant {grant}: {}",
                added.body
            );
            checked += 4;
        }
        // What the force's list shows: only its live grants.
        let list = req("GET", "/shared").session(&officer).send(&t).await;
        for (grant, listed) in [
            (live, true),
            (expiring, false),
            (revoked, false),
            (another_partner, false),
            (another_person, true),
            (pack_only, true),
            (no_pack, true),
        ] {
            assert_eq!(
                list.body.contains(&format!("/shared/{grant}")),
                listed,
                "listing {grant}"
            );
            checked += 1;
        }
        assert_eq!(checked, 35);
    }
}

/// The police pack as a link: made for a named recipient with a code to give by phone,
/// opened once with the code (a wrong code counts down), then never again; each attempt is
/// in the provider's trail and the sending is recorded as information shared.
#[tokio::test]
async fn a_police_pack_link_opens_once_with_its_code() {
    for t in engines().await {
        let demo = seed(&t).await;
        let org = demo.own(Role::Manager).org_id;
        let child = missing_child(&t, org).await;
        let worker = session_for(&t, demo.own(Role::ShiftLead)).await;
        let path = format!("/people/{}/pack-link", child.id);
        let page = req("GET", &path).session(&worker).send(&t).await;
        assert_eq!(page.status, 200);
        let wrong = req("POST", &path)
            .session(&worker)
            .form(&form(&worker, &[("hours", "48")]))
            .send(&t)
            .await;
        assert_eq!(wrong.status, 422);
        assert!(wrong.body.contains("Enter a number of hours from 1 to 12"));
        assert!(wrong.body.contains("Enter who it was shared with"));
        let made = req("POST", &path)
            .session(&worker)
            .form(&form(
                &worker,
                &[
                    ("recipient", "PC Jones, Gwent Police"),
                    ("hours", "4"),
                    ("purpose", "She is missing and they are searching"),
                    ("consent", "not_asked"),
                    ("lawful_basis", "vital_interests"),
                    ("condition", "safeguarding"),
                ],
            ))
            .send(&t)
            .await;
        assert_eq!(made.status, 200, "{}", made.body);
        let between = |body: &str, id: &str| -> String {
            body.split(&format!("id=\"{id}\">"))
                .nth(1)
                .and_then(|s| s.split('<').next())
                .unwrap()
                .to_string()
        };
        let link = between(&made.body, "pack-link");
        let code = between(&made.body, "pack-code");
        assert_eq!(code.len(), 6);
        let token_path = link
            .split_once("/pack/")
            .map(|(_, t)| format!("/pack/{t}"))
            .unwrap();
        // Anyone with the link is asked for the code; a wrong one counts down.
        let anon = |body: &str| {
            let mut f = form_urlencoded::Serializer::new(String::new());
            f.append_pair("csrf_token", "anon-token");
            f.append_pair("code", body);
            f.finish()
        };
        let asked = req("GET", &token_path).send(&t).await;
        assert_eq!(asked.status, 200);
        assert!(asked.body.contains("Enter the 6-digit code"));
        let bad_code = if code == "000000" { "111111" } else { "000000" };
        let bad = req("POST", &token_path)
            .header("cookie", "__Host-homeward_csrf=anon-token")
            .form(&anon(bad_code))
            .send(&t)
            .await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("That code is not right"));
        let opened = req("POST", &token_path)
            .header("cookie", "__Host-homeward_csrf=anon-token")
            .form(&anon(&code))
            .send(&t)
            .await;
        assert_eq!(opened.status, 200);
        assert!(opened.bytes.starts_with(b"%PDF-"));
        if let Some(text) = crate::pack::pdf_text(&opened.bytes) {
            assert!(text.contains(&child.family_name), "{text}");
            assert!(
                text.contains("PC Jones, Gwent Police"),
                "named in its footer"
            );
        }
        let again = req("POST", &token_path)
            .header("cookie", "__Host-homeward_csrf=anon-token")
            .form(&anon(&code))
            .send(&t)
            .await;
        assert_eq!(again.status, 410);
        assert!(again.body.contains("This link no longer works"));
        let trail = t.app.store.audit_page(0, 1_000_000).await.unwrap();
        for action in [
            "pack_link.create",
            "pack_link.wrong_code",
            "pack_link.open",
            "pack_link.refused",
        ] {
            assert!(
                trail
                    .iter()
                    .any(|r| r.event.action == action && r.event.org_id == Some(org)),
                "{action}"
            );
        }
        let shared = req("GET", &format!("/people/{}/disclosures", child.id))
            .session(&worker)
            .send(&t)
            .await;
        assert!(shared.body.contains("PC Jones, Gwent Police"));
    }
}

/// A placing authority is linked by each provider that cares for a child it places; its
/// social worker then sees all of them in one list, whichever provider, until a provider ends
/// its own link. Only a local authority can be linked, and the link is a disclosure.
#[tokio::test]
async fn a_placing_authority_sees_the_children_it_places_across_providers() {
    for t in engines().await {
        let demo = seed(&t).await;
        let (council, social) = partner(
            &t,
            "Placing County Council",
            "local_authority",
            "social_worker",
            "sw@placing.example",
        )
        .await;
        let (force, _) = partner(&t, "Gwent Police", "police", "police", "pc@gwent.example").await;
        let mut linked = Vec::new();
        for (manager, org) in [
            (demo.own(Role::Manager), demo.own(Role::Manager).org_id),
            (demo.other(Role::Manager), demo.other(Role::Manager).org_id),
        ] {
            let manager = session_for(&t, manager).await;
            let child = someone(&t, org, PersonKind::Child).await;
            let path = format!("/people/{}/placing-authority", child.id);
            let page = req("GET", &path).session(&manager).send(&t).await;
            assert_eq!(page.status, 200, "[{}] {}", t.engine, page.body);
            assert!(page.body.contains("Placing County Council"));
            assert!(
                !page.body.contains("Gwent Police"),
                "only local authorities"
            );
            // Not a police force, and not without a choice.
            for chosen in ["", force.as_str()] {
                let wrong = req("POST", &path)
                    .session(&manager)
                    .form(&form(
                        &manager,
                        &[
                            ("partner", chosen),
                            ("consent", "not_asked"),
                            ("lawful_basis", "public_task"),
                            ("condition", "health_or_social_care"),
                        ],
                    ))
                    .send(&t)
                    .await;
                assert_eq!(wrong.status, 422, "[{}] {chosen}", t.engine);
            }
            let done = req("POST", &path)
                .session(&manager)
                .form(&form(
                    &manager,
                    &[
                        ("partner", &council),
                        ("consent", "not_asked"),
                        ("lawful_basis", "public_task"),
                        ("condition", "health_or_social_care"),
                        ("told_person", "Told at their review"),
                    ],
                ))
                .send(&t)
                .await;
            assert_eq!(done.status, 303, "[{}] {}", t.engine, done.body);
            let access = req("GET", &format!("/people/{}/access", child.id))
                .session(&manager)
                .send(&t)
                .await;
            assert!(access.body.contains("Until the link is ended"));
            // Recorded as information shared with the council.
            let shared = req("GET", &format!("/people/{}/disclosures", child.id))
                .session(&manager)
                .send(&t)
                .await;
            assert!(shared.body.contains("Placing County Council"));
            assert!(
                shared.body.contains("Could see in Homeward: "),
                "in plain words"
            );
            assert!(
                shared
                    .body
                    .contains("The information form; The risk assessment")
            );
            linked.push((manager, child, access.body));
        }

        let list = req("GET", "/shared").session(&social).send(&t).await;
        assert_eq!(list.status, 200);
        for (_, child, _) in &linked {
            assert!(list.body.contains(&child.family_name), "{}", list.body);
        }
        // The same through the API, for the council and for the provider.
        let api = req("GET", "/api/v1/shared").session(&social).send(&t).await;
        assert_eq!(api.status, 200, "{}", api.body);
        let shared: serde_json::Value = serde_json::from_str(&api.body).unwrap();
        let placed: Vec<&serde_json::Value> = shared
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| g["purpose"] == "placing_authority")
            .collect();
        assert_eq!(placed.len(), 2, "{}", api.body);
        let (manager, child, _) = &linked[0];
        let api = req("GET", &format!("/api/v1/people/{}/access", child.id))
            .session(manager)
            .send(&t)
            .await;
        assert_eq!(api.status, 200, "{}", api.body);
        let access: serde_json::Value = serde_json::from_str(&api.body).unwrap();
        assert!(
            access["grants"]
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g["purpose"] == "placing_authority"
                    && g["partner_name"] == "Placing County Council"
                    && g["live"] == true)
        );
        let refused = req("GET", &format!("/api/v1/people/{}/access", child.id))
            .session(&social)
            .send(&t)
            .await;
        assert_eq!(
            refused.status, 403,
            "a partner does not read the provider's list"
        );

        // The first provider ends its link: only the other child is left.
        let (manager, child, body) = &linked[0];
        // The council's own block on the page (the demo links its own council too).
        let ours = body
            .find("<h2 class=\"hw-heading-s\">Placing County Council")
            .unwrap();
        let revoke = body[ours..]
            .split('"')
            .find(|piece| piece.ends_with("/revoke"))
            .unwrap()
            .to_string();
        assert!(revoke.starts_with(&format!("/people/{}/access/", child.id)));
        let ended = req("POST", &revoke)
            .session(manager)
            .form(&form(manager, &[("reason", "Moved to another home")]))
            .send(&t)
            .await;
        assert_eq!(ended.status, 303, "[{}] {revoke}", t.engine);
        let list = req("GET", "/shared").session(&social).send(&t).await;
        assert!(!list.body.contains(&linked[0].1.family_name));
        assert!(list.body.contains(&linked[1].1.family_name));
    }
}
