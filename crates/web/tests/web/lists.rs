//! The audit trail and the users list: found by what people look for, a page at a time, on
//! the pages and through the API, on every engine.

use crate::support::*;
use homeward_domain::role::Role::{Auditor, CareWorker, Manager, OrgAdmin};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_trail_finds_what_one_person_did_and_what_was_done_to_one_record() {
    for t in engines().await {
        let demo = seed(&t).await;
        let auditor = session_for(&t, demo.own(Auditor)).await;
        let worker = demo.own(CareWorker);
        let worker_session = session_for(&t, worker).await;
        // The care worker looks at a person and is refused the audit trail.
        let people = req("GET", "/api/v1/people?limit=1")
            .session(&worker_session)
            .send(&t)
            .await;
        let person: serde_json::Value = serde_json::from_str(&people.body).unwrap();
        let person_id = person[0]["id"].as_str().unwrap().to_string();
        let seen = req("GET", &format!("/people/{person_id}"))
            .session(&worker_session)
            .send(&t)
            .await;
        assert_eq!(seen.status, 200);
        let refused = req("GET", "/audit").session(&worker_session).send(&t).await;
        assert_eq!(refused.status, 403);

        // What the care worker did, newest first: the refusal above the view.
        let who = worker.email.split('@').next().unwrap();
        let page = req("GET", &format!("/audit?who={}", who.to_uppercase()))
            .session(&auditor)
            .send(&t)
            .await;
        assert_eq!(page.status, 200, "{}", t.engine);
        let refusal_at = page.body.find("Tried to open a page").unwrap();
        let view_at = page.body.find("Viewed a person’s page").unwrap();
        assert!(refusal_at < view_at, "newest first");
        assert!(!page.body.contains(&demo.own(Manager).email), "only theirs");

        // Everything done to the person's record, from the link on their page.
        let theirs = req("GET", &format!("/people/{person_id}"))
            .session(&auditor)
            .send(&t)
            .await;
        let link = format!("/audit?person={person_id}");
        assert!(theirs.body.contains(&link), "{}", t.engine);
        let record = req("GET", &link).session(&auditor).send(&t).await;
        assert!(record.body.contains("Viewed a person’s page"));
        assert!(record.body.contains(&worker.email));
        // Named, not numbered: the person's name stands in the trail, and the page says
        // whose records these are.
        let name = format!(
            "{} {}",
            person[0]["given_name"].as_str().unwrap(),
            person[0]["family_name"].as_str().unwrap()
        );
        assert!(
            record.body.contains(&format!("Records about {name}")),
            "{}",
            record.body
        );
        assert!(record.body.contains(&format!("Person: {name}")));

        // The same records as a spreadsheet for an investigation, recorded as an export.
        let sheet = req("GET", &format!("/audit.csv?person={person_id}"))
            .session(&auditor)
            .send(&t)
            .await;
        assert_eq!(sheet.status, 200, "{}", sheet.body);
        assert_eq!(
            sheet.header("content-type"),
            Some("text/csv; charset=utf-8")
        );
        let mut rows = csv::Reader::from_reader(sheet.body.as_bytes());
        let header = rows.headers().unwrap().clone();
        assert_eq!(&header[0], "When");
        assert_eq!(&header[5], "Record name");
        let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
        assert!(
            rows.iter()
                .any(|r| &r[1] == worker.email.as_str() && &r[5] == name.as_str())
        );
        let trail = t.app.store.recent_audit(worker.org_id, 5).await.unwrap();
        assert!(trail.iter().any(|r| r.event.action == "audit.export"));
        // Another organisation's person is not found here either.
        let theirs = people_of(&t, demo.other(Auditor).org_id).await[0].id;
        let other = req("GET", &format!("/audit?person={theirs}"))
            .session(&auditor)
            .send(&t)
            .await;
        assert_eq!(other.status, 404);

        // Only what was refused.
        let refusals = req("GET", "/audit?refused=1")
            .session(&auditor)
            .send(&t)
            .await;
        assert!(refusals.body.contains("Tried to open a page"));
        assert!(!refusals.body.contains("Viewed a person’s page"));

        // A wrong date is said plainly, in the error summary, and nothing is listed.
        let wrong = req("GET", "/audit?from=31/11/2026")
            .session(&auditor)
            .send(&t)
            .await;
        assert_eq!(wrong.status, 422);
        assert!(wrong.body.contains("hw-error-summary"), "{}", wrong.body);
        assert!(wrong.body.contains("href=\"#from\""));

        // The API pages through the same trail with a Link to older records, keeping the
        // filter; every record appears once.
        let mut seen_seqs = Vec::new();
        let mut next = Some("/api/v1/audit?kind=person&limit=2".to_string());
        let mut pages = 0;
        while let Some(path) = next.take() {
            let reply = req("GET", &path).session(&auditor).send(&t).await;
            assert_eq!(reply.status, 200, "{path}: {}", reply.body);
            let list: Vec<serde_json::Value> = serde_json::from_str(&reply.body).unwrap();
            assert!(list.iter().all(|r| r["resource_kind"] == "person"));
            seen_seqs.extend(list.iter().map(|r| r["seq"].as_i64().unwrap()));
            next = reply.header("link").map(|l| {
                assert!(l.contains("kind=person"), "{l}");
                l.trim_start_matches('<')
                    .split('>')
                    .next()
                    .unwrap()
                    .to_string()
            });
            pages += 1;
            assert!(pages < 1000);
        }
        assert!(seen_seqs.len() >= 2, "{}", t.engine);
        assert!(
            seen_seqs.windows(2).all(|w| w[0] > w[1]),
            "newest first, none twice"
        );
        for (bad, field) in [
            ("/api/v1/audit?kind=nonsense", "kind"),
            ("/api/v1/audit?limit=0", "limit"),
            ("/api/v1/audit?to=yesterday", "to"),
        ] {
            let reply = req("GET", bad).session(&auditor).send(&t).await;
            assert_eq!(reply.status, 422, "{bad}");
            assert!(reply.body.contains(field), "{bad}: {}", reply.body);
        }
        // Reading the trail is recorded, with what was looked for.
        let records = t.app.store.audit_page(0, 1_000_000).await.unwrap();
        assert!(records.iter().any(|r| r.event.action == "audit.view"
            && r.event.resource_id.as_deref() == Some(&format!("person={person_id}"))));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_are_found_by_name_or_address_a_page_at_a_time() {
    for t in engines().await {
        let demo = seed(&t).await;
        let admin = session_for(&t, demo.own(OrgAdmin)).await;
        let manager = demo.own(Manager);
        let name = manager.display_name.to_uppercase().replace(' ', "+");
        let page = req("GET", &format!("/admin/users?q={name}"))
            .session(&admin)
            .send(&t)
            .await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains(&manager.email), "{}", t.engine);
        assert!(!page.body.contains(&demo.own(CareWorker).email));
        let none = req("GET", "/admin/users?q=zzzz-nobody")
            .session(&admin)
            .send(&t)
            .await;
        assert!(none.body.contains("No one matches that."));
        // Everyone in the organisation, two at a time, each once, none from elsewhere.
        let mut emails = Vec::new();
        let mut next = Some("/api/v1/users?limit=2".to_string());
        while let Some(path) = next.take() {
            let reply = req("GET", &path).session(&admin).send(&t).await;
            assert_eq!(reply.status, 200, "{path}");
            let list: Vec<serde_json::Value> = serde_json::from_str(&reply.body).unwrap();
            emails.extend(
                list.iter()
                    .map(|u| u["email"].as_str().unwrap().to_string()),
            );
            next = reply.header("link").map(|l| {
                l.trim_start_matches('<')
                    .split('>')
                    .next()
                    .unwrap()
                    .to_string()
            });
        }
        let mut unique = emails.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), emails.len(), "none twice");
        assert!(emails.len() > 2, "more than one page");
        assert!(emails.iter().all(|e| e.ends_with("@cartrefi-ffug.example")));
        let bad = req("GET", "/api/v1/users?after=not-a-cursor")
            .session(&admin)
            .send(&t)
            .await;
        assert_eq!(bad.status, 422);
    }
}

/// Email to a member of staff keeps failing: the rota page says so, an administrator
/// corrects their address, the warning goes, and the change is in the audit trail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_email_address_is_corrected_by_an_administrator() {
    for t in engines().await {
        let demo = seed(&t).await;
        let admin = session_for(&t, demo.own(OrgAdmin)).await;
        let manager = session_for(&t, demo.own(Manager)).await;
        let worker = demo.own(CareWorker).clone();
        let org = worker.org_id;
        let person = t
            .app
            .store
            .people_page(
                org,
                &homeward_store::PeopleQuery {
                    limit: 1,
                    ..Default::default()
                },
                &test_event(org),
            )
            .await
            .unwrap()
            .remove(0);
        let episode = open_episode_for(&t, &person).await;
        dead_letter_to(&t, org, episode, &worker.email).await;
        let rota = format!("/services/{}/on-call", person.service_id);
        let before = req("GET", &rota).session(&manager).send(&t).await;
        assert!(
            before.body.contains("Email cannot reach some people"),
            "{}",
            t.engine
        );
        assert!(before.body.contains(&worker.email));

        // A mistyped correction is refused in plain words; nothing changes.
        let details = format!("/admin/users/{}/details", worker.id);
        let typo = req("POST", &details)
            .session(&admin)
            .form(&format!(
                "csrf_token={}&display_name=Demo+Care+worker&email=not-an-address",
                admin.csrf
            ))
            .send(&t)
            .await;
        assert_eq!(typo.status, 422);
        assert!(typo.body.contains("hw-error-summary"));
        assert!(
            typo.body.contains("value=\"not-an-address\""),
            "kept as typed"
        );
        // Someone else's address is refused too.
        let taken = req("POST", &details)
            .session(&admin)
            .form(&format!(
                "csrf_token={}&display_name=Demo+Care+worker&email={}",
                admin.csrf,
                demo.own(Manager).email
            ))
            .send(&t)
            .await;
        assert_eq!(taken.status, 422);
        let saved = req("POST", &details)
            .session(&admin)
            .form(&format!(
                "csrf_token={}&display_name=Demo+Care+worker&email=Care.Worker%40Right.example",
                admin.csrf
            ))
            .send(&t)
            .await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        let after = t.app.store.get_user(org, worker.id).await.unwrap().unwrap();
        assert_ne!(after.user.email, worker.email);
        assert!(
            after
                .user
                .email
                .eq_ignore_ascii_case("care.worker@right.example")
        );
        let shown = req("GET", saved.location().unwrap())
            .session(&admin)
            .send(&t)
            .await;
        assert!(shown.body.contains("details have been saved"));
        let rota_after = req("GET", &rota).session(&manager).send(&t).await;
        assert!(!rota_after.body.contains("Email cannot reach some people"));
        // The trail says who changed it, from what to what.
        let trail = t.app.store.audit_page(0, 1_000_000).await.unwrap();
        let change = trail
            .iter()
            .find(|r| r.event.action == "user.update")
            .unwrap();
        let what = change.event.resource_id.clone().unwrap();
        assert!(
            what.contains(&worker.email) && what.contains(&after.user.email),
            "{what}"
        );
        assert_eq!(change.event.actor, Some(demo.own(OrgAdmin).id));

        // The API does the same, and says which field is wrong.
        let path = format!("/api/v1/users/{}", worker.id);
        let bad = req("PUT", &path)
            .session(&admin)
            .header("x-csrf-token", &admin.csrf)
            .json(r#"{"display_name":"Demo Care worker","email":""}"#)
            .send(&t)
            .await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("email"), "{}", bad.body);
        let ok = req("PUT", &path)
            .session(&admin)
            .header("x-csrf-token", &admin.csrf)
            .json(r#"{"display_name":"Care Worker","email":"cw@right.example"}"#)
            .send(&t)
            .await;
        assert_eq!(ok.status, 204, "{}", ok.body);
        let api_user = req("GET", &path).session(&admin).send(&t).await;
        assert!(api_user.body.contains("cw@right.example"));
    }
}

/// A region's board: a hundred most urgent first with the way to the rest, and one home at a
/// time for whoever chooses it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_board_shows_the_most_urgent_hundred_and_narrows_to_one_home() {
    for t in engines().await {
        let demo = seed(&t).await;
        let manager = demo.own(Manager);
        let org = manager.org_id;
        let session = session_for(&t, manager).await;
        let services = t.app.store.list_services(org).await.unwrap();
        let (busy, quiet) = (&services[0], &services[1]);
        let already = t
            .app
            .store
            .list_episodes(
                org,
                &homeward_store::EpisodeQuery {
                    open_only: true,
                    limit: 1000,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        for i in 0..105 {
            let person = homeward_store::Person {
                id: homeward_domain::ids::PersonId::new_random(),
                org_id: org,
                service_id: busy.id,
                given_name: format!("Busy{i:03}"),
                family_name: "Board".into(),
                kind: homeward_domain::person::PersonKind::Child,
                date_of_birth: None,
                estimated_age: Some(14),
                created_at: t.app.clock.now(),
            };
            t.app
                .store
                .create_person(&person, &test_event(org))
                .await
                .unwrap();
            open_episode_for(&t, &person).await;
        }
        let total = already.len() + 105;
        let board = req("GET", "/episodes").session(&session).send(&t).await;
        assert_eq!(board.status, 200);
        assert!(
            board
                .body
                .contains(&format!("{total} people missing or not yet back")),
            "{}",
            t.engine
        );
        assert_eq!(board.body.matches("class=\"hw-board__item\"").count(), 100);
        assert!(board.body.contains("href=\"/episodes?all=1\""));
        let all = req("GET", "/episodes?all=1")
            .session(&session)
            .send(&t)
            .await;
        assert_eq!(all.body.matches("class=\"hw-board__item\"").count(), total);
        assert!(!all.body.contains("?all=1\""));
        // One home: only its own.
        let quiet_open = already.iter().filter(|e| e.service_id == quiet.id).count();
        let one = req("GET", &format!("/episodes?service={}", quiet.id))
            .session(&session)
            .send(&t)
            .await;
        assert_eq!(
            one.body.matches("class=\"hw-board__item\"").count(),
            quiet_open,
            "{}",
            t.engine
        );
        assert!(!one.body.contains("Busy000"));
        assert!(
            one.body
                .contains(&format!("<option value=\"{}\" selected>", quiet.id))
        );
    }
}
